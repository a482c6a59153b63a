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
//! 5. the evaluations, in [`ProofShape::queries`] order;
//! 6. the SHPLONK commitments `W` and `W'`.

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
    /// Opened polynomials grouped by their rotation sets, groups in order of first appearance.
    pub groups: Vec<(Vec<i32>, Vec<Poly>)>,
    /// Degree of the constraint system.
    pub degree: usize,
}

impl ProofShape {
    /// The shape of proofs for `ext` over `2^k` rows.
    pub fn new(ext: &Extended, k: u32) -> Self {
        let mut phase_columns: [Vec<usize>; 3] = Default::default();
        for a in ext.cs.advice_columns().take(ext.circuit_advice) {
            phase_columns[a.phase().index()].push(a.index());
        }
        let round_a = ext.multiplicity.iter().map(|c| c.index()).collect();
        let round_b = ext.helpers.iter().flatten().chain(&ext.running_sum).chain(&ext.z).map(|c| c.index()).collect();
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
        for (poly, mut rots) in rotations {
            rots.sort();
            rots.dedup();
            queries.extend(rots.iter().map(|&r| (poly, r)));
            match groups.iter_mut().find(|(set, _)| *set == rots) {
                Some((_, polys)) => polys.push(poly),
                None => groups.push((rots, vec![poly])),
            }
        }
        Self {
            phase_columns,
            round_a,
            round_b,
            quotient_pieces,
            zero_knowledge: ext.zero_knowledge,
            queries,
            groups,
            degree,
        }
    }

    /// The stride between quotient pieces over `n` rows: `h = Σ_i X^(stride·i)·h_i`.
    pub fn quotient_stride(&self, n: usize) -> usize {
        quotient_layout(self.degree, n, self.zero_knowledge).1
    }

    /// Number of G1 points in a proof.
    pub fn num_points(&self) -> usize {
        self.phase_columns.iter().map(Vec::len).sum::<usize>()
            + self.round_a.len()
            + self.round_b.len()
            + self.quotient_pieces
            + 2
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
