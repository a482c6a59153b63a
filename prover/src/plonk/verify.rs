//! The verifier: replays the transcript from the proof bytes, checks the quotient identity at
//! the challenge point with the constraints evaluated from the claimed openings, and checks all
//! openings at once with SHPLONK (two pairings).

use std::collections::HashMap;

use ff::Field;
use group::Curve;
use halo2curves::bn256::{Gt, multi_miller_loop};
use halo2curves::pairing::MillerLoopResult;

use super::keygen::VerifyingKey;
use super::lagrange::computed_at;
use super::poly::interpolate_at;
use super::proof::{Poly, ProofShape};
use super::prove::absorb_instances;
use crate::arith::{Domain, Fr, G1Affine};
use crate::backend::cpu::cpu_msm;
use crate::circuit::Column;
use crate::encoding::{EncodingError, fr_from_bytes, g1_from_bytes};
use crate::transcript::Transcript;

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("proof has {got} bytes; this verifying key's proofs have exactly {expected}")]
    ProofLength { expected: usize, got: usize },
    #[error("proof {what} is malformed: {source}")]
    Malformed { what: String, source: EncodingError },
    #[error("expected {expected} instance columns, got {got}")]
    InstanceCount { expected: usize, got: usize },
    #[error("instance column {column} has {len} values but only {usable} rows are usable")]
    InstanceTooLong { column: usize, len: usize, usable: usize },
    #[error("the constraints do not hold at the challenge point (quotient identity fails)")]
    ConstraintsNotSatisfied,
    #[error("the opening proof is invalid (pairing check fails)")]
    OpeningFailed,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    transcript: Transcript,
}

impl Reader<'_> {
    fn point(&mut self, what: impl Fn() -> String) -> Result<G1Affine, VerifyError> {
        let p = g1_from_bytes(&self.bytes[self.at..self.at + 64], true)
            .map_err(|source| VerifyError::Malformed { what: what(), source })?;
        self.at += 64;
        self.transcript.absorb_point(&p);
        Ok(p)
    }

    fn scalar(&mut self, what: impl Fn() -> String) -> Result<Fr, VerifyError> {
        let s = fr_from_bytes(&self.bytes[self.at..self.at + 32])
            .map_err(|source| VerifyError::Malformed { what: what(), source })?;
        self.at += 32;
        self.transcript.absorb_scalar(&s);
        Ok(s)
    }
}

/// Verifies `proof` for the public inputs `instances` (one vector per instance column).
pub fn verify(vk: &VerifyingKey, instances: &[Vec<Fr>], proof: &[u8]) -> Result<(), VerifyError> {
    let ext = &vk.ext;
    let shape = ProofShape::new(ext, vk.k);
    if proof.len() != shape.proof_len() {
        return Err(VerifyError::ProofLength { expected: shape.proof_len(), got: proof.len() });
    }
    let cs = &ext.cs;
    if instances.len() != cs.num_instance() {
        return Err(VerifyError::InstanceCount { expected: cs.num_instance(), got: instances.len() });
    }
    let domain = Domain::new(vk.k).expect("the verifying key's k is a valid domain size");
    let n = domain.n();
    let usable = cs.usable_rows(vk.k);
    for (column, values) in instances.iter().enumerate() {
        if values.len() > usable {
            return Err(VerifyError::InstanceTooLong { column, len: values.len(), usable });
        }
    }

    let mut transcript = Transcript::new(vk.digest);
    absorb_instances(&mut transcript, instances);
    let mut r = Reader { bytes: proof, at: 0, transcript };
    let mut challenges = vec![Fr::ZERO; cs.num_challenges()];
    // The proof's commitments, by their first member.
    let mut proof_commitments: HashMap<Poly, G1Affine> = HashMap::new();
    let mut read_round = |r: &mut Reader<'_>, round: usize, kind: &str| -> Result<(), VerifyError> {
        for members in &shape.rounds[round] {
            let point = r.point(|| describe(kind, members))?;
            proof_commitments.insert(members[0], point);
        }
        Ok(())
    };
    for phase in crate::circuit::Phase::ALL {
        read_round(&mut r, phase.index(), "advice commitment")?;
        for ch in cs.challenges().filter(|ch| ch.phase() == phase && ch.index() < ext.theta.index()) {
            challenges[ch.index()] = r.transcript.challenge();
        }
    }
    read_round(&mut r, 3, "multiplicity commitment")?;
    for ch in [ext.theta, ext.beta, ext.gamma] {
        challenges[ch.index()] = r.transcript.challenge();
    }
    read_round(&mut r, 4, "argument commitment")?;
    challenges[ext.y.index()] = r.transcript.challenge();
    read_round(&mut r, 5, "quotient piece")?;
    let x = r.transcript.challenge();
    let mut evals: HashMap<(Poly, i32), Fr> = HashMap::new();
    for (i, &(poly, rot)) in shape.queries.iter().enumerate() {
        evals.insert((poly, rot), r.scalar(|| format!("evaluation {i} ({poly:?} at rotation {rot})"))?);
    }
    let x1 = r.transcript.challenge();
    let x2 = r.transcript.challenge();
    let w = r.point(|| "SHPLONK commitment W".into())?;
    let u = r.transcript.challenge();
    let w_prime = r.point(|| "SHPLONK commitment W'".into())?;

    // The constraints at x, from the openings and the values the verifier computes itself.
    let x_n = x.pow_vartime([n as u64]);
    let combined = ext.combined();
    let mut computed_rotations: Vec<i32> = Vec::new();
    combined.for_each_query(&mut |q| match q.column {
        Column::Fixed(f) if ext.is_computed_fixed(f) => computed_rotations.push(q.rotation.0),
        Column::Instance(_) => computed_rotations.push(q.rotation.0),
        _ => {}
    });
    computed_rotations.sort();
    computed_rotations.dedup();
    let computed_at = computed_at(&domain, x, usable, instances, &computed_rotations);
    let computed = |column: crate::circuit::FixedColumn, rot: i32| -> Fr {
        let at = &computed_at[&rot];
        if column == ext.l0 {
            at.l0
        } else if column == ext.l_last {
            at.l_last
        } else if column == ext.l_active {
            at.l_active
        } else {
            domain.rotate_omega(rot as i64) * x
        }
    };
    let instance_at = |column: usize, rot: i32| -> Fr { computed_at[&rot].instances[column] };
    let value = combined.evaluate(
        &|c| c,
        &|q| match q.column {
            Column::Fixed(f) if ext.is_computed_fixed(f) => computed(f, q.rotation.0),
            Column::Fixed(f) => evals[&(Poly::Fixed(f.index()), q.rotation.0)],
            Column::Advice(a) => evals[&(Poly::Advice(a.index()), q.rotation.0)],
            Column::Instance(i) => instance_at(i.index(), q.rotation.0),
        },
        &|c| challenges[c.index()],
        &|a| -a,
        &|a, b| a + b,
        &|a, b| a * b,
        &|a, c| a * c,
    );
    // h(x) = Σ_i h_i(x)·x^(stride·i); the stride is n, or n − 2 with zero-knowledge.
    let x_stride = x.pow_vartime([shape.quotient_stride(n) as u64]);
    let mut h_at_x = Fr::ZERO;
    let mut x_si = Fr::ONE;
    for i in 0..shape.quotient_pieces {
        h_at_x += evals[&(Poly::Quotient(i), 0)] * x_si;
        x_si *= x_stride;
    }
    if value != h_at_x * (x_n - Fr::ONE) {
        return Err(VerifyError::ConstraintsNotSatisfied);
    }

    // SHPLONK: F = Σ_s x2^s·Z_{T∖S}(u)·(Σ_i x1^i·C_i − r_s(u)·[1]) − Z_T(u)·W; then
    // e(F + u·W', [1]₂) = e(W', [τ]₂). With packing (see `proof`), group s's packs have t
    // members, its vanishing factors are u^t − p and r_s(u) = Σ_{p} L_p(u^t)·Σ_j u^j·f_j(p).
    let key_pack: HashMap<Poly, usize> = shape.key_packs.iter().enumerate().map(|(i, m)| (m[0], i)).collect();
    let commitment = |p: Poly| -> G1Affine {
        match p {
            Poly::Fixed(_) if shape.packing > 1 => vk.packed_commitments[key_pack[&p]],
            Poly::Fixed(i) if i < ext.circuit_fixed => vk.fixed_commitments[i],
            Poly::Fixed(i) => vk.sigma_commitments[i - ext.circuit_fixed],
            Poly::Advice(_) | Poly::Quotient(_) => proof_commitments[&p],
        }
    };
    let point = |rot: i32| domain.rotate_omega(rot as i64) * x;
    let u_to = |t: usize| u.pow_vartime([t as u64]);
    let labels = shape.opening_labels();
    let z_all: Fr = labels.iter().map(|&(t, r)| u_to(t) - point(r)).product();
    // F + u·W' as one multi-scalar multiplication: per group, its commitments scaled by
    // x1^i · x2^s · Z_{T∖S}(u); [1]₁ by −Σ_s x2^s · Z_{T∖S}(u) · r_s(u); W by −Z_T(u); W' by u.
    let mut scalars: Vec<Fr> = Vec::with_capacity(shape.groups.iter().map(|(_, p)| p.len()).sum::<usize>() + 3);
    let mut bases: Vec<G1Affine> = Vec::with_capacity(scalars.capacity());
    let mut g1_scalar = Fr::ZERO;
    let mut x2_power = Fr::ONE;
    for (s, (rots, heads)) in shape.groups.iter().enumerate() {
        let t = shape.group_packing(s);
        let u_t = u_to(t);
        let z_rest: Fr = labels
            .iter()
            .filter(|&&(lt, r)| !(lt == t && rots.contains(&r)))
            .map(|&(lt, r)| u_to(lt) - point(r))
            .product();
        let scale = x2_power * z_rest;
        let mut x1_power = Fr::ONE;
        let mut values = vec![Fr::ZERO; rots.len()];
        for &head in heads {
            scalars.push(x1_power * scale);
            bases.push(commitment(head));
            let mut u_j = x1_power;
            for &member in shape.members(head) {
                for (v, &rot) in values.iter_mut().zip(rots) {
                    *v += evals[&(member, rot)] * u_j;
                }
                u_j *= u;
            }
            x1_power *= x1;
        }
        let points: Vec<Fr> = rots.iter().map(|&rot| point(rot)).collect();
        g1_scalar -= interpolate_at(&points, &values, u_t) * scale;
        x2_power *= x2;
    }
    scalars.extend([g1_scalar, -z_all, u]);
    bases.extend([vk.g1, w, w_prime]);
    let lhs = cpu_msm(&scalars, &bases).to_affine();
    let neg_w_prime = -w_prime;
    let result = multi_miller_loop(&[(&lhs, &vk.g2), (&neg_w_prime, &vk.tau_g2)]).final_exponentiation();
    if result == Gt::identity() { Ok(()) } else { Err(VerifyError::OpeningFailed) }
}

/// Names a commitment for errors: `"{kind} {index}"` for one polynomial, the members for a pack.
fn describe(kind: &str, members: &[Poly]) -> String {
    let index = |p: &Poly| match p {
        Poly::Fixed(i) | Poly::Advice(i) | Poly::Quotient(i) => *i,
    };
    match members {
        [single] => format!("{kind} {}", index(single)),
        _ => format!("{kind}s {:?} (packed)", members.iter().map(index).collect::<Vec<_>>()),
    }
}
