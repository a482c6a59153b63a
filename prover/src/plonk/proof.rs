//! The proof's layout, shared by prover and verifier.
//!
//! # Proof bytes (version 2)
//!
//! A proof has no header: its layout is fixed by the verifying key. In order, G1 points as 64
//! bytes `x ‖ y` and scalars as 32 bytes, all big-endian:
//!
//! 1. the circuit's advice commitments, phase by phase, each phase in column order;
//! 2. one multiplicity commitment per lookup table that some lookup reads;
//! 3. the logUp group-helper commitments (table by table, each table's helpers in
//!    [`crate::circuit::LogUpPlan`] order), the running-sum commitments (per table that some
//!    lookup reads), and the permutation grand-product commitments (per chunk);
//! 4. the quotient pieces' commitments ([`super::zk::quotient_layout`]: `degree − 1` of them,
//!    `degree` being the logUp plan's, at least the constraint system's; one more with
//!    zero-knowledge from degree 3 on);
//! 5. the evaluations, in [`ProofShape::queries`] order: polynomial by polynomial (fixed, advice,
//!    quotient pieces, each kind in index order), each at its rotations in increasing order;
//!    with packing, commitment by commitment (key packs, then the rounds), per rotation every
//!    member;
//! 6. the SHPLONK commitments `W` and `W'`.
//!
//! # Packed commitments
//!
//! With packing (`KeygenConfig::packing` = N > 1), items 1–4 hold one commitment per *pack*
//! instead of one per polynomial ([`ProofShape::rounds`]), and so does the verifying key for
//! its fixed and σ columns ([`ProofShape::key_packs`]). A pack is up to N polynomials of one
//! round that are opened at the same rotations, `f_0 … f_{t−1}`, committed as the single
//! polynomial `C(X) = Σ_j X^j·f_j(X^t)` (degree < t·n; the SRS must hold that many powers). The
//! evaluations (item 5) are the same claims, every `f_j` at each of its rotations, ordered so
//! that a pack's claims at one rotation are contiguous.
//!
//! Opening works because `X^t ≡ p (mod X^t − p)`, so `C mod (X^t − p) = Σ_j X^j·f_j(p)`: for
//! every rotation point p, the claimed evaluations fix `C`'s remainder modulo `X^t − p`, and
//! SHPLONK checks remainders modulo any vanishing polynomials, not only linear ones. A group of
//! packs with rotation points P and t members each uses `Z_S(X) = Π_{p∈P}(X^t − p)` and the
//! remainder `r_S(X) = Σ_j X^j·I_j(X^t)`, where `I_j` interpolates `f_j`'s evaluations over P:
//! the verifier needs only `r_S(u) = Σ_{p∈P} L_p(u^t)·Σ_j u^j·f_j(p)` and `Z_S(u)`. For t = 1
//! this is plain SHPLONK. Every `C` splits uniquely as `Σ_j X^j·g_j(X^t)` whatever its degree,
//! so a commitment binds its members exactly as a single polynomial's commitment binds it.
//! SHPLONK's argument carries over unchanged: the claims are absorbed before x1 and x2 and W
//! before u, so `Σ_s x2^s·Z_{T∖S_s}·(C_s − r_s) = Z_T·W` (checked at u) gives, except with
//! probability about #groups/r, `Z_T | Z_{T∖S_s}·(C_s − r_s)` for every group s; as
//! `Z_T = Z_{T∖S_s}·Z_{S_s}` (products over the distinct labels `(t, rotation)`), `Z_{S_s}`
//! divides `C_s − r_s`, and likewise for each pack by x1. No coprimality of the factors is
//! needed.
//!
//! Changing how packs are formed ([`ProofShape::rounds`], `pack_by_rotations`, key packs first,
//! group order) changes packed keys and proofs and the verifiers generated for them: it needs a
//! protocol version bump (the pinned digests in `prover/tests/proof_bytes_pinned.rs` catch it).
//!
//! The verifier then does one scalar multiplication per pack instead of one per polynomial:
//! what makes a Solidity verifier cheap (`verifier-gen`). The prover pays with commitments and
//! SHPLONK polynomials of degree t·n, computed from coefficients.

use std::collections::BTreeMap;

use super::argument::Extended;
use super::zk::quotient_layout;
use crate::circuit::{Column, Phase};

/// A polynomial the proof opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Poly {
    /// A fixed column of the extended system (the circuit's or a σ).
    Fixed(usize),
    /// An advice column of the extended system (the circuit's or an argument column).
    Advice(usize),
    /// A quotient piece.
    Quotient(usize),
}

/// Counts and orders derived from the extended constraint system.
#[derive(Debug, Clone)]
pub struct ProofShape {
    /// Advice column indices per circuit phase, in commitment order.
    pub phase_columns: [Vec<usize>; 3],
    /// Argument advice columns committed before θ, β, γ (multiplicities).
    pub round_a: Vec<usize>,
    /// Argument advice columns committed after θ, β, γ.
    pub round_b: Vec<usize>,
    /// Quotient pieces.
    pub quotient_pieces: usize,
    /// Whether the proofs are zero-knowledge (the quotient pieces then have stride `n − 2`).
    pub zero_knowledge: bool,
    /// Every opening `(poly, rotation)`, in proof order.
    pub queries: Vec<(Poly, i32)>,
    /// The opened commitments grouped by their rotation sets (and, with packing, their number
    /// of members), groups in order of first appearance. A commitment is named by its first
    /// member ([`ProofShape::members`]).
    pub groups: Vec<(Vec<i32>, Vec<Poly>)>,
    /// Degree of the constraint system.
    pub degree: usize,
    /// Most polynomials per commitment (1: one each).
    pub packing: usize,
    /// With packing, the verifying key's commitments (its fixed and σ columns that are opened),
    /// each as its members; empty without packing (the key then commits every fixed and σ
    /// column on its own).
    pub key_packs: Vec<Vec<Poly>>,
    /// The proof's commitments round by round: the circuit's three phases, the multiplicities,
    /// the argument columns, the quotient pieces; each commitment as its members (one without
    /// packing).
    pub rounds: [Vec<Vec<Poly>>; 6],
    /// Every commitment's members, by its first member.
    members: BTreeMap<Poly, Vec<Poly>>,
}

impl ProofShape {
    /// The shape of proofs for `ext` over `2^k` rows.
    pub fn new(ext: &Extended, k: u32) -> Self {
        let mut phase_columns: [Vec<usize>; 3] = Default::default();
        for a in ext.cs.advice_columns().take(ext.circuit_advice) {
            phase_columns[a.phase().index()].push(a.index());
        }
        let round_a: Vec<usize> = ext.multiplicity.iter().map(|c| c.index()).collect();
        let round_b: Vec<usize> =
            ext.helpers.iter().flatten().chain(&ext.running_sum).chain(&ext.z).map(|c| c.index()).collect();
        let degree = ext.constraints.iter().map(|(_, e)| e.degree()).max().unwrap_or(0).max(ext.cs.degree());
        let (quotient_pieces, _) = quotient_layout(degree, 1 << k, ext.zero_knowledge);

        let mut rotations: BTreeMap<Poly, Vec<i32>> = BTreeMap::new();
        for (_, e) in &ext.constraints {
            e.for_each_query(&mut |q| {
                let poly = match q.column {
                    Column::Fixed(f) if ext.is_computed_fixed(f) => return,
                    Column::Fixed(f) => Poly::Fixed(f.index()),
                    Column::Advice(a) => Poly::Advice(a.index()),
                    Column::Instance(_) => return,
                };
                rotations.entry(poly).or_default().push(q.rotation.0);
            });
        }
        for i in 0..quotient_pieces {
            rotations.insert(Poly::Quotient(i), vec![0]);
        }
        let mut queries = Vec::new();
        let mut groups: Vec<(Vec<i32>, Vec<Poly>)> = Vec::new();
        for (poly, rots) in rotations.iter_mut() {
            rots.sort();
            rots.dedup();
            queries.extend(rots.iter().map(|&r| (*poly, r)));
            match groups.iter_mut().find(|(set, _)| set == rots) {
                Some((_, polys)) => polys.push(*poly),
                None => groups.push((rots.clone(), vec![*poly])),
            }
        }
        let advice = |cols: &[usize]| -> Vec<Poly> { cols.iter().map(|&c| Poly::Advice(c)).collect() };
        let round_polys: [Vec<Poly>; 6] = [
            advice(&phase_columns[0]),
            advice(&phase_columns[1]),
            advice(&phase_columns[2]),
            advice(&round_a),
            advice(&round_b),
            (0..quotient_pieces).map(Poly::Quotient).collect(),
        ];
        let packing = ext.packing.max(1);
        let mut members: BTreeMap<Poly, Vec<Poly>> = BTreeMap::new();
        let (key_packs, rounds) = if packing == 1 {
            for &poly in rotations.keys() {
                members.insert(poly, vec![poly]);
            }
            (Vec::new(), round_polys.map(|polys| polys.into_iter().map(|p| vec![p]).collect()))
        } else {
            // The key's opened fixed and σ columns (the computed ones are not committed).
            let key_polys: Vec<Poly> = rotations.keys().copied().filter(|p| matches!(p, Poly::Fixed(_))).collect();
            let pack = |polys: Vec<Poly>| pack_by_rotations(&polys, &rotations, packing);
            let key_packs = pack(key_polys);
            let rounds = round_polys.map(pack);
            groups.clear();
            for pack in key_packs.iter().chain(rounds.iter().flatten()) {
                members.insert(pack[0], pack.clone());
                let Some(rots) = rotations.get(&pack[0]) else { continue };
                let t = pack.len();
                match groups.iter_mut().find(|(set, polys)| set == rots && members[&polys[0]].len() == t) {
                    Some((_, polys)) => polys.push(pack[0]),
                    None => groups.push((rots.clone(), vec![pack[0]])),
                }
            }
            // The claims pack by pack in commitment order, per rotation all members: a pack's
            // claims at one rotation are contiguous (a verifier can fold them in a loop).
            queries = key_packs
                .iter()
                .chain(rounds.iter().flatten())
                .flat_map(|pack| {
                    let rots = rotations.get(&pack[0]).map(Vec::as_slice).unwrap_or(&[]);
                    rots.iter().flat_map(move |&r| pack.iter().map(move |&m| (m, r)))
                })
                .collect();
            (key_packs, rounds)
        };
        let shape = Self {
            phase_columns,
            round_a,
            round_b,
            quotient_pieces,
            zero_knowledge: ext.zero_knowledge,
            queries,
            groups,
            degree,
            packing,
            key_packs,
            rounds,
            members,
        };
        debug_assert_eq!(shape.opened_queries(), shape.sorted_queries(), "every query is opened exactly once");
        shape
    }

    /// [`ProofShape::queries`], sorted.
    pub fn sorted_queries(&self) -> Vec<(Poly, i32)> {
        let mut queries = self.queries.clone();
        queries.sort();
        queries
    }

    /// Every `(polynomial, rotation)` the groups open, sorted: must equal
    /// [`ProofShape::sorted_queries`], each once (a query left out of every group would be an
    /// unchecked claim).
    pub fn opened_queries(&self) -> Vec<(Poly, i32)> {
        let mut opened: Vec<(Poly, i32)> = self
            .groups
            .iter()
            .flat_map(|(rots, heads)| {
                heads
                    .iter()
                    .flat_map(move |&h| self.members(h).iter().flat_map(move |&m| rots.iter().map(move |&r| (m, r))))
            })
            .collect();
        opened.sort();
        opened
    }

    /// The members of the commitment named by `head` (its first member): `[head]` without
    /// packing.
    ///
    /// # Panics
    /// If `head` names no commitment of this shape.
    pub fn members(&self, head: Poly) -> &[Poly] {
        &self.members[&head]
    }

    /// The number of members of each commitment in group `s` (1 without packing).
    pub fn group_packing(&self, s: usize) -> usize {
        self.members(self.groups[s].1[0]).len()
    }

    /// The SHPLONK vanishing factors' labels `(t, rotation)`, each standing for
    /// `X^t − ω^rotation·x`: every group's packing with each of its rotations, sorted and
    /// distinct (without packing, t = 1 and these are the opened rotations).
    pub fn opening_labels(&self) -> Vec<(usize, i32)> {
        let mut labels: Vec<(usize, i32)> = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(s, (rots, _))| rots.iter().map(move |&r| (self.group_packing(s), r)))
            .collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// The largest number of members of any commitment: commitments and the SHPLONK polynomials
    /// have degree below `max_members · n`.
    pub fn max_members(&self) -> usize {
        self.members.values().map(Vec::len).max().unwrap_or(1)
    }

    /// The stride between quotient pieces over `n` rows: `h = Σ_i X^(stride·i)·h_i`.
    pub fn quotient_stride(&self, n: usize) -> usize {
        quotient_layout(self.degree, n, self.zero_knowledge).1
    }

    /// Number of G1 points in a proof.
    pub fn num_points(&self) -> usize {
        self.rounds.iter().map(Vec::len).sum::<usize>() + 2
    }

    /// Length of a proof in bytes.
    pub fn proof_len(&self) -> usize {
        64 * self.num_points() + 32 * self.queries.len()
    }

    /// Phases in commitment order.
    pub fn phases() -> [Phase; 3] {
        Phase::ALL
    }
}

/// Splits `polys` (one round's, in order) into packs of up to `packing` polynomials opened at
/// the same rotations: rotation sets in order of first appearance, each set's polynomials in
/// order. Polynomials no constraint opens form packs of their own kind (committed, never
/// opened).
fn pack_by_rotations(polys: &[Poly], rotations: &BTreeMap<Poly, Vec<i32>>, packing: usize) -> Vec<Vec<Poly>> {
    let mut by_set: Vec<(Option<&Vec<i32>>, Vec<Poly>)> = Vec::new();
    for &poly in polys {
        let rots = rotations.get(&poly);
        match by_set.iter_mut().find(|(set, _)| *set == rots) {
            Some((_, same)) => same.push(poly),
            None => by_set.push((rots, vec![poly])),
        }
    }
    by_set.into_iter().flat_map(|(_, same)| same.chunks(packing).map(<[Poly]>::to_vec).collect::<Vec<_>>()).collect()
}
