//! The verifier: replays the transcript from the proof bytes, checks the quotient identity at
//! the challenge point with the constraints evaluated from the claimed openings, and checks all
//! openings at once with SHPLONK (two pairings).

use std::collections::HashMap;

use ff::{BatchInvert, Field};
use group::{Curve, Group};
use halo2curves::bn256::{G1, Gt, multi_miller_loop};
use halo2curves::pairing::MillerLoopResult;

use super::keygen::VerifyingKey;
use super::poly::interpolate_at;
use super::proof::{Poly, ProofShape};
use super::prove::absorb_instances;
use crate::arith::{Domain, Fr, G1Affine};
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
    let shape = ProofShape::new(ext);
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
    let mut advice_commitments: HashMap<usize, G1Affine> = HashMap::new();
    for phase in crate::circuit::Phase::ALL {
        for &col in &shape.phase_columns[phase.index()] {
            advice_commitments.insert(col, r.point(|| format!("advice commitment {col}"))?);
        }
        for ch in cs.challenges().filter(|ch| ch.phase() == phase && ch.index() < ext.theta.index()) {
            challenges[ch.index()] = r.transcript.challenge();
        }
    }
    for &col in &shape.round_a {
        advice_commitments.insert(col, r.point(|| format!("multiplicity commitment {col}"))?);
    }
    for ch in [ext.theta, ext.beta, ext.gamma] {
        challenges[ch.index()] = r.transcript.challenge();
    }
    for &col in &shape.round_b {
        advice_commitments.insert(col, r.point(|| format!("argument commitment {col}"))?);
    }
    challenges[ext.y.index()] = r.transcript.challenge();
    let quotient: Vec<G1Affine> =
        (0..shape.quotient_pieces).map(|i| r.point(|| format!("quotient piece {i}"))).collect::<Result<_, _>>()?;
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
    let lagrange = LagrangeAt::new(&domain, x, x_n);
    let computed = |column: crate::circuit::FixedColumn, rot: i32| -> Fr {
        let at = rot as i64;
        if column == ext.l0 {
            lagrange.at(0, at)
        } else if column == ext.l_last {
            lagrange.at(usable, at)
        } else if column == ext.l_active {
            Fr::ONE - (usable..n).map(|i| lagrange.at(i, at)).sum::<Fr>()
        } else {
            domain.rotate_omega(at) * x
        }
    };
    let instance_at = |column: usize, rot: i32| -> Fr {
        instances[column].iter().enumerate().map(|(i, v)| *v * lagrange.at(i, rot as i64)).sum()
    };
    let combined = ext.combined();
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
    let mut h_at_x = Fr::ZERO;
    let mut x_ni = Fr::ONE;
    for i in 0..shape.quotient_pieces {
        h_at_x += evals[&(Poly::Quotient(i), 0)] * x_ni;
        x_ni *= x_n;
    }
    if value != h_at_x * (x_n - Fr::ONE) {
        return Err(VerifyError::ConstraintsNotSatisfied);
    }

    // SHPLONK: F = Σ_s x2^s·Z_{T∖S}(u)·(Σ_i x1^i·C_i − r_s(u)·[1]) − Z_T(u)·W; then
    // e(F + u·W', [1]₂) = e(W', [τ]₂).
    let commitment = |p: Poly| -> G1Affine {
        match p {
            Poly::Fixed(i) if i < ext.circuit_fixed => vk.fixed_commitments[i],
            Poly::Fixed(i) => vk.sigma_commitments[i - ext.circuit_fixed],
            Poly::Advice(i) => advice_commitments[&i],
            Poly::Quotient(i) => quotient[i],
        }
    };
    let point = |rot: i32| domain.rotate_omega(rot as i64) * x;
    let mut all_points: Vec<i32> = shape.groups.iter().flat_map(|(rots, _)| rots.iter().copied()).collect();
    all_points.sort();
    all_points.dedup();
    let z_all: Fr = all_points.iter().map(|&r| u - point(r)).product();
    let mut f = G1::identity();
    let mut x2_power = Fr::ONE;
    for (rots, polys) in &shape.groups {
        let mut x1_power = Fr::ONE;
        let mut c_sum = G1::identity();
        let mut values = vec![Fr::ZERO; rots.len()];
        for &p in polys {
            c_sum += commitment(p) * x1_power;
            for (v, &rot) in values.iter_mut().zip(rots) {
                *v += evals[&(p, rot)] * x1_power;
            }
            x1_power *= x1;
        }
        let points: Vec<Fr> = rots.iter().map(|&rot| point(rot)).collect();
        let r_at_u = interpolate_at(&points, &values, u);
        let z_rest: Fr = all_points.iter().filter(|r| !rots.contains(r)).map(|&r| u - point(r)).product();
        f += (c_sum - vk.g1 * r_at_u) * (x2_power * z_rest);
        x2_power *= x2;
    }
    f -= w * z_all;
    let lhs = (f + w_prime * u).to_affine();
    let neg_w_prime = -w_prime;
    let result = multi_miller_loop(&[(&lhs, &vk.g2), (&neg_w_prime, &vk.tau_g2)]).final_exponentiation();
    if result == Gt::identity() { Ok(()) } else { Err(VerifyError::OpeningFailed) }
}

/// Lagrange basis values `L_i(ω^rot · x)` over the domain, from the closed form
/// `L_i(z) = ω^i (z^n − 1) / (n (z − ω^i))` (with `z^n = x^n` for every rotation).
struct LagrangeAt<'a> {
    domain: &'a Domain,
    x: Fr,
    numerator: Fr,
}

impl<'a> LagrangeAt<'a> {
    fn new(domain: &'a Domain, x: Fr, x_n: Fr) -> Self {
        Self { domain, x, numerator: (x_n - Fr::ONE) * domain.n_inv() }
    }

    fn at(&self, i: usize, rot: i64) -> Fr {
        let z = self.domain.rotate_omega(rot) * self.x;
        let w_i = self.domain.rotate_omega(i as i64);
        let mut d = [z - w_i];
        d.batch_invert();
        w_i * self.numerator * d[0]
    }
}
