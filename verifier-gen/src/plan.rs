//! Everything the generated code needs to know about one verifying key, derived once: where
//! each proof element lies in the call data, the transcript schedule, the rotations the
//! verifier evaluates at, and the memory map. Commitments are read round by round as
//! `ProofShape::rounds` lists them (one per pack with packing, one per polynomial without), and
//! named by their first member, as verify.rs names them.

use std::collections::{BTreeSet, HashMap};

use rebuttal_prover::arith::{Domain, G1Affine};
use rebuttal_prover::circuit::{Column, Expression, Phase};
use rebuttal_prover::plonk::VerifyingKey;
use rebuttal_prover::plonk::argument::Extended;
use rebuttal_prover::plonk::proof::{Poly, ProofShape};

use crate::GenerateError;
use crate::yul::addr;

/// Call-data offset of the proof's first byte: selector, two head words, the proof length.
pub const PROOF_CD: usize = 4 + 3 * 32;

/// Where a commitment comes from.
#[derive(Debug, Clone, Copy)]
pub enum Commitment {
    /// A constant of the verifying key.
    Vk(G1Affine),
    /// A point in the proof at this call-data offset.
    Proof(usize),
}

/// One challenge squeeze: absorb the proof bytes up to `end` (proof offset), then hash.
#[derive(Debug, Clone)]
pub struct Squeeze {
    pub end: usize,
    pub target: usize,
    pub what: String,
}

/// Bump allocator for named 32-byte memory slots.
#[derive(Debug)]
pub struct Memory {
    next: usize,
}

/// Precompile scratch space: the pairing input is the largest (0x180 bytes).
pub const SCRATCH: usize = 0x00;
/// The MSM accumulator (two words).
pub const ACC: usize = 0x180;

impl Memory {
    fn new() -> Self {
        Self { next: 0x1c0 }
    }

    /// A fresh slot.
    pub fn slot(&mut self) -> usize {
        let a = self.next;
        self.next += 32;
        a
    }

    /// The first free address.
    pub fn end(&self) -> usize {
        self.next
    }

    /// Moves the first free address to at least `address`.
    pub fn bump_to(&mut self, address: usize) {
        self.next = self.next.max(address);
    }
}

/// Memory slots the loop form of SHPLONK shares with its Yul functions.
#[derive(Debug, Clone, Copy)]
pub struct LoopSlots {
    /// `u − ω^t·x` per opening point t, in rotation order (consecutive slots).
    pub d: usize,
    /// The current group's x1-weighted evaluation sums (consecutive slots).
    pub vals: usize,
    /// The current group's `x2^s·Z_{T∖S}(u)`.
    pub scale: usize,
    /// The next power of x1 within the group.
    pub x1_power: usize,
    /// Where the next key scalar goes.
    pub key_next: usize,
}

/// Which generation pass a [`Plan`] is for. The helpers' addresses sit in memory slots before
/// the transcript buffer, so how many there are must be known before any code is written: a
/// sizing pass counts them, and only the final pass writes a verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Counts the helpers a layout needs. Memory for `reserved` addresses is set aside, so the
    /// memory map (and with it the constraint helpers' code and count) is the final pass's with
    /// as many slots; but no address is placed, and nothing this pass writes is emitted.
    Sizing {
        /// Address slots set aside (not assigned to any helper).
        reserved: usize,
    },
    /// Writes the verifier: helpers `0..slots` have an address slot each (the sizing passes
    /// found that the layout needs no more).
    Final {
        /// Address slots, for helpers `0..slots` in order.
        slots: usize,
    },
}

/// The helpers' address slots as the pass has them.
#[derive(Debug, Clone)]
enum HelperSlots {
    /// Sizing pass: no helper has an address yet.
    Unplaced,
    /// Final pass: helper `i`'s address is at `slots[i]`.
    Placed(Vec<usize>),
}

/// The derived plan.
#[derive(Debug)]
pub struct Plan<'a> {
    pub vk: &'a VerifyingKey,
    pub ext: &'a Extended,
    pub shape: ProofShape,
    pub domain: Domain,
    pub n: usize,
    pub usable: usize,
    pub proof_len: usize,
    /// Call-data offset of the first evaluation.
    pub evals_cd: usize,
    /// Call-data offset of `W` (`W'` follows).
    pub w_cd: usize,
    /// Call-data offset of the `instances` length word.
    pub instances_len_cd: usize,
    /// Call-data offset of each query's evaluation.
    pub eval_cd: HashMap<(Poly, i32), usize>,
    /// Each commitment, by its first member (the polynomial itself without packing; see
    /// `ProofShape::members`).
    pub commitments: HashMap<Poly, Commitment>,
    /// Challenge squeezes in transcript order.
    pub squeezes: Vec<Squeeze>,
    pub mem: Memory,
    /// Memory slot of each challenge of the extended system, by index.
    pub challenge_slot: Vec<usize>,
    pub x: usize,
    pub x1: usize,
    pub x2: usize,
    pub u: usize,
    pub x_n: usize,
    /// `x · ω^rot` per rotation used anywhere.
    pub point: HashMap<i32, usize>,
    /// Per instance column: memory slots holding its call-data offset and its length.
    pub instance_ptr: Vec<(usize, usize)>,
    /// Rotations at which each instance column is queried.
    pub instance_rotations: Vec<BTreeSet<i32>>,
    /// Rotations at which each computed fixed column is queried: `l_0`, `l_last`, `l_active`.
    pub lagrange_rotations: [BTreeSet<i32>; 3],
    /// Slot holding the length of the transcript buffer's first part (digest and instances).
    pub transcript_len: usize,
    /// Per instance column and rotation: the slots of the fraction's numerator and of the
    /// denominator (which the batch inversion replaces by its inverse).
    pub instance_num: Vec<((usize, i32), usize, usize)>,
    /// Slot of `1/x` after the batch inversion.
    pub inverse_x: usize,
    /// Slot of `1/(ω^rot·x − ω^i)` by `(rot, i)` (the denominator before the batch inversion).
    pub lagrange_inverse: HashMap<(i32, usize), usize>,
    /// Slot holding the address of the key contract (when the key is split out).
    pub key_msm_slot: usize,
    /// Slots holding the helper contracts' addresses, in [`crate::GeneratedVerifier::helpers`]
    /// order (written before the verification starts); none in the sizing pass. Private, so
    /// that every read goes through [`Plan::helper_slot`] and its error.
    helper_slots: HelperSlots,
    /// Whether the code calls the `addAcc` Yul function (emitted only then).
    pub uses_add_acc: bool,
    /// With the loop form of SHPLONK, its slots.
    pub loop_slots: Option<LoopSlots>,
}

impl<'a> Plan<'a> {
    /// Derives the plan of `vk` for `pass`, with its slots for helper contracts' addresses.
    pub fn new(vk: &'a VerifyingKey, pass: Pass) -> Result<Self, GenerateError> {
        let ext = vk.extended();
        let shape = ProofShape::new(ext, vk.k());
        check_openings(&shape)?;
        let domain = Domain::new(vk.k()).map_err(|_| GenerateError::DomainTooLarge { k: vk.k() })?;
        let n = domain.n();
        let usable = ext.cs.usable_rows(vk.k());
        let proof_len = shape.proof_len();
        let num_points = shape.num_points();
        let evals_cd = PROOF_CD + 64 * (num_points - 2);
        let w_cd = evals_cd + 32 * shape.queries.len();
        let eval_cd = shape.queries.iter().enumerate().map(|(i, &q)| (q, evals_cd + 32 * i)).collect();

        // Proof points in proof order, with the transcript schedule between them.
        let mut mem = Memory::new();
        let challenge_slot: Vec<usize> = (0..ext.cs.num_challenges()).map(|_| mem.slot()).collect();
        let (x, x1, x2, u, x_n) = (mem.slot(), mem.slot(), mem.slot(), mem.slot(), mem.slot());
        let mut commitments: HashMap<Poly, Commitment> = HashMap::new();
        let mut squeezes = Vec::new();
        let mut pos = 0usize;
        // One commitment per entry of a round (a pack with packing, else one polynomial), named by
        // its first member as verify.rs names it.
        let mut read_round = |round: &[Vec<Poly>], pos: &mut usize| {
            for members in round {
                // Never empty: `check_openings` refused such a shape.
                commitments.insert(members[0], Commitment::Proof(PROOF_CD + *pos));
                *pos += 64;
            }
        };
        for phase in Phase::ALL {
            read_round(&shape.rounds[phase.index()], &mut pos);
            for ch in ext.cs.challenges().filter(|ch| ch.phase() == phase && ch.index() < ext.theta.index()) {
                let what = format!("circuit challenge {} (after {phase})", ch.index());
                squeezes.push(Squeeze { end: pos, target: challenge_slot[ch.index()], what });
            }
        }
        read_round(&shape.rounds[3], &mut pos);
        for (ch, name) in [(ext.theta, "θ"), (ext.beta, "β"), (ext.gamma, "γ")] {
            squeezes.push(Squeeze { end: pos, target: challenge_slot[ch.index()], what: name.into() });
        }
        read_round(&shape.rounds[4], &mut pos);
        squeezes.push(Squeeze { end: pos, target: challenge_slot[ext.y.index()], what: "y".into() });
        read_round(&shape.rounds[5], &mut pos);
        squeezes.push(Squeeze { end: pos, target: x, what: "x".into() });
        pos += 32 * shape.queries.len();
        squeezes.push(Squeeze { end: pos, target: x1, what: "x1".into() });
        squeezes.push(Squeeze { end: pos, target: x2, what: "x2".into() });
        pos += 64;
        squeezes.push(Squeeze { end: pos, target: u, what: "u".into() });
        if pos + 64 != proof_len || PROOF_CD + pos != w_cd + 64 {
            return Err(GenerateError::Inconsistent("proof layout does not add up to the proof length".into()));
        }
        if shape.packing > 1 {
            // The key commits its packs, aligned with `shape.key_packs`.
            let packed = vk.packed_commitments();
            if packed.len() != shape.key_packs.len() {
                return Err(GenerateError::Inconsistent(format!(
                    "{} packed key commitments for {} key packs",
                    packed.len(),
                    shape.key_packs.len()
                )));
            }
            for (members, c) in shape.key_packs.iter().zip(packed) {
                let head = members.first().ok_or_else(|| GenerateError::Inconsistent("an empty key pack".into()))?;
                commitments.insert(*head, Commitment::Vk(*c));
            }
        } else {
            let (g_fixed, g_sigma) = (vk.fixed_commitments(), vk.sigma_commitments());
            for (poly, _) in &shape.queries {
                if let Poly::Fixed(i) = *poly {
                    let c = if i < ext.circuit_fixed { g_fixed.get(i) } else { g_sigma.get(i - ext.circuit_fixed) };
                    let c =
                        c.ok_or_else(|| GenerateError::Inconsistent(format!("no commitment for fixed column {i}")))?;
                    commitments.insert(*poly, Commitment::Vk(*c));
                }
            }
        }

        // Rotations of computed columns and instance columns, and every opening point.
        let mut instance_rotations = vec![BTreeSet::new(); ext.cs.num_instance()];
        let mut lagrange_rotations: [BTreeSet<i32>; 3] = Default::default();
        let mut rotations: BTreeSet<i32> = BTreeSet::new();
        let mut visit = |e: &Expression| {
            e.for_each_query(&mut |q| {
                let rot = q.rotation.0;
                match q.column {
                    Column::Fixed(f) if f == ext.l0 => lagrange_rotations[0].insert(rot),
                    Column::Fixed(f) if f == ext.l_last => lagrange_rotations[1].insert(rot),
                    Column::Fixed(f) if f == ext.l_active => lagrange_rotations[2].insert(rot),
                    Column::Fixed(f) if f == ext.x => rotations.insert(rot),
                    Column::Instance(i) => instance_rotations[i.index()].insert(rot),
                    _ => false,
                };
            })
        };
        ext.constraints.iter().for_each(|(_, e)| visit(e));
        rotations.extend(lagrange_rotations.iter().flatten());
        rotations.extend(instance_rotations.iter().flatten());
        rotations.extend(shape.groups.iter().flat_map(|(rots, _)| rots.iter().copied()));
        let point = rotations.iter().map(|&r| (r, if r == 0 { x } else { mem.slot() })).collect();
        let instance_ptr = (0..ext.cs.num_instance()).map(|_| (mem.slot(), mem.slot())).collect();
        let transcript_len = mem.slot();
        let key_msm_slot = mem.slot();
        let helper_slots = match pass {
            // Set aside all the same, so that the memory map is the final pass's.
            Pass::Sizing { reserved } => {
                mem.bump_to(mem.end() + 32 * reserved);
                HelperSlots::Unplaced
            }
            Pass::Final { slots } => HelperSlots::Placed((0..slots).map(|_| mem.slot()).collect()),
        };

        Ok(Self {
            vk,
            ext,
            domain,
            n,
            usable,
            proof_len,
            evals_cd,
            w_cd,
            instances_len_cd: PROOF_CD + proof_len,
            eval_cd,
            commitments,
            squeezes,
            mem,
            challenge_slot,
            x,
            x1,
            x2,
            u,
            x_n,
            point,
            instance_ptr,
            instance_rotations,
            lagrange_rotations,
            transcript_len,
            shape,
            instance_num: Vec::new(),
            inverse_x: 0,
            lagrange_inverse: HashMap::new(),
            key_msm_slot,
            helper_slots,
            uses_add_acc: false,
            loop_slots: None,
        })
    }

    /// Whether this is the sizing pass (helpers counted, their addresses not placed).
    pub fn is_sizing(&self) -> bool {
        matches!(self.helper_slots, HelperSlots::Unplaced)
    }

    /// The memory slot holding helper `index`'s address, in the final pass. A helper without a
    /// reserved slot is an error, never a fallback slot: that would read another value as the
    /// address.
    pub fn helper_slot(&self, index: usize) -> Result<usize, GenerateError> {
        match &self.helper_slots {
            HelperSlots::Unplaced => Err(GenerateError::Inconsistent(format!(
                "helper {index}'s address was asked for in the sizing pass, which places none"
            ))),
            HelperSlots::Placed(slots) => {
                slots.get(index).copied().ok_or(GenerateError::HelperWithoutSlot { index, reserved: slots.len() })
            }
        }
    }

    /// The Yul expression reading helper `index`'s address: `mload` of its slot. In the sizing
    /// pass, whose code is discarded, a marker that is not Yul, so that such code could never
    /// compile even if it were emitted by mistake.
    pub fn helper_address(&self, index: usize) -> Result<String, GenerateError> {
        if self.is_sizing() {
            return Ok(format!("<helper {index}: address not placed in the sizing pass>"));
        }
        Ok(format!("mload({})", addr(self.helper_slot(index)?)))
    }

    /// Marks `slots` temporaries from `base` as used, so later slots lie beyond them.
    pub fn reserve(&mut self, base: usize, slots: usize) {
        self.mem.bump_to(base + 32 * slots);
    }
}

/// Refuses a shape whose openings a verifier could not check as generated: an empty commitment,
/// or a claim that is opened by no group or by two (a claim left out would be written into the
/// proof and never checked). `ProofShape::new` keeps this invariant; generated code is where
/// breaking it would be silent, so it is checked here in every build.
fn check_openings(shape: &ProofShape) -> Result<(), GenerateError> {
    if shape.key_packs.iter().chain(shape.rounds.iter().flatten()).any(Vec::is_empty) {
        return Err(GenerateError::Inconsistent("a commitment with no polynomial".into()));
    }
    let claims = shape.sorted_queries();
    if claims.windows(2).any(|w| w[0] == w[1]) || shape.opened_queries() != claims {
        return Err(GenerateError::Inconsistent("a claim is opened by no group or by several".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rebuttal_prover::backend::CpuBackend;
    use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config};
    use rebuttal_prover::srs::Srs;
    use rebuttal_prover::testing::Fibonacci;

    #[test]
    fn a_shape_with_an_unopened_claim_or_an_empty_commitment_is_refused() {
        let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
        for packing in [1, 4] {
            let config = KeygenConfig { zero_knowledge: false, packing };
            let pk = keygen_with_config(&Srs::unsafe_setup(7, 1).unwrap(), &circuit, 5, &CpuBackend, config).unwrap();
            let shape = ProofShape::new(pk.vk().extended(), 5);
            check_openings(&shape).unwrap();

            let mut dropped = shape.clone();
            dropped.groups.last_mut().unwrap().1.pop();
            assert!(matches!(check_openings(&dropped), Err(GenerateError::Inconsistent(_))), "packing {packing}");

            let mut twice = shape.clone();
            let head = twice.groups[0].1[0];
            twice.groups[0].1.push(head);
            assert!(matches!(check_openings(&twice), Err(GenerateError::Inconsistent(_))), "packing {packing}");

            let mut empty = shape.clone();
            empty.rounds[0].push(Vec::new());
            assert!(matches!(check_openings(&empty), Err(GenerateError::Inconsistent(_))), "packing {packing}");
        }
    }
}
