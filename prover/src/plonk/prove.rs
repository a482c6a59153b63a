//! The prover: advice commitments phase by phase, logUp and permutation arguments, the quotient
//! on an extended coset (one size-n sub-coset at a time), evaluations, and a SHPLONK opening of
//! everything at once.
//!
//! Commitments to columns are made from their values over the key's Lagrange basis (the same
//! points as their coefficients over the powers): no interpolation, and the MSM is over short
//! scalars where the values are short, as most witness values are (bits, bytes, chunks).
//!
//! Memory: each committed column is held once through the rounds. Its values on the domain are
//! kept (later rounds read them); once no round needs them they are interpolated in place. The
//! quotient then copies columns to each sub-coset within [`QuotientMemory`] and moves the rest
//! there and back in place, so the widest circuits (thousands of columns) can be proven in one
//! field element per committed cell.

use std::collections::HashMap;

use ff::{BatchInvert, Field};
use group::Curve;
use rand_core::RngCore;
use rayon::prelude::*;

use super::argument::{Extended, delta_power};
use super::diagnose::{Failing, failing_constraints};
use super::keygen::ProvingKey;
use super::logup::{self, Forge, Stage};
use super::poly::{divide_by_linear, evaluate, interpolate};
use super::proof::{Poly, ProofShape};
use super::quotient::{Coefficients, QuotientInput, numerator_vanishes, quotient_pieces};
use super::shape::encode_shape;
use super::zk::{blind_quotient, blind_rows};
use crate::arith::{Domain, Fr, G1Affine};
use crate::backend::{Backend, BackendError, PreparedBases};
use crate::circuit::{Circuit, Column, Layout, Phase, Program, SynthesisError, assign_advice_phase, instance_columns};
use crate::encoding::{fr_to_bytes, g1_to_bytes};
use crate::mock::{Columns, eval_block};
use crate::transcript::Transcript;

/// Why proving failed. (A witness that does not satisfy the circuit is *not* an error here: the
/// proof is produced and the verifier rejects it.)
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    #[error("the circuit's shape differs from the one the proving key was made for")]
    CircuitMismatch,
    #[error("the quotient needs a domain of 2^{k} points, beyond the field's 2^28")]
    QuotientDomainTooLarge { k: u32 },
    #[error(transparent)]
    Backend(#[from] BackendError),
}

const BLOCK: usize = 32;

/// Evaluates each output of `program` on rows `0..rows`: `result[output][row]`.
pub(super) fn evaluate_rows(
    program: &Program,
    columns: Columns<'_>,
    rows: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Fr>> {
    let bound = columns.bind(program);
    let outputs = program.num_outputs();
    let blocks: Vec<Vec<Vec<Fr>>> = (0..rows.div_ceil(BLOCK))
        .into_par_iter()
        .map_init(Vec::new, |scratch, b| {
            let start = b * BLOCK;
            let len = BLOCK.min(rows - start);
            eval_block(program, &bound, start, len, n, challenges, scratch);
            (0..outputs).map(|o| program.block_output(scratch, o, len).to_vec()).collect()
        })
        .collect();
    let mut result = vec![Vec::with_capacity(rows); outputs];
    for block in blocks {
        for (o, values) in block.into_iter().enumerate() {
            result[o].extend(values);
        }
    }
    result
}

/// Absorbs the public inputs: per instance column its length, then its values.
pub(crate) fn absorb_instances(transcript: &mut Transcript, instances: &[Vec<Fr>]) {
    for column in instances {
        transcript.absorb_scalar(&Fr::from(column.len() as u64));
        for v in column {
            transcript.absorb_scalar(v);
        }
    }
}

/// The smallest `j` with `2^j ≥ d`.
pub(crate) fn extension_bits(d: usize) -> u32 {
    d.next_power_of_two().trailing_zeros()
}

struct Committer<'a> {
    backend: &'a dyn Backend,
    /// The SRS powers, for coefficients.
    bases: PreparedBases,
    /// The Lagrange basis, for values on the domain.
    lagrange: PreparedBases,
    transcript: Transcript,
    proof: Vec<u8>,
}

impl Committer<'_> {
    /// Commits to the polynomial with `values` on the domain, over the Lagrange basis: the same
    /// point as its coefficients over the powers, without interpolating, and an MSM over short
    /// scalars where the values are short.
    fn commit_values(&mut self, values: &[Fr]) -> Result<(), ProveError> {
        let point: G1Affine = self.backend.msm_prepared(values, &self.lagrange)?.to_affine();
        self.absorb(point);
        Ok(())
    }

    fn commit_coeffs(&mut self, coeffs: &[Fr]) -> Result<(), ProveError> {
        let point: G1Affine = self.backend.msm_prepared(coeffs, &self.bases)?.to_affine();
        self.absorb(point);
        Ok(())
    }

    fn absorb(&mut self, point: G1Affine) {
        self.transcript.absorb_point(&point);
        self.proof.extend_from_slice(&g1_to_bytes(&point));
    }
}

/// Proves that `circuit`'s witness satisfies its constraints, with the keys from
/// [`super::keygen`]. Returns the proof bytes (layout in [`super::proof`]).
///
/// For a zero-knowledge key the blinding values come from the operating system's generator;
/// otherwise the proof is a deterministic function of key, circuit and witness.
pub fn prove<C: Circuit>(pk: &ProvingKey, circuit: &C, backend: &dyn Backend) -> Result<Vec<u8>, ProveError> {
    prove_with_rng(pk, circuit, backend, &mut rand_core::OsRng)
}

/// [`prove`] with the blinding values of a zero-knowledge key drawn from `rng` (unused for other
/// keys). Zero-knowledge holds only if `rng` is a cryptographically secure generator the
/// verifier cannot predict.
pub fn prove_with_rng<C: Circuit>(
    pk: &ProvingKey,
    circuit: &C,
    backend: &dyn Backend,
    rng: &mut dyn RngCore,
) -> Result<Vec<u8>, ProveError> {
    prove_with_options(pk, circuit, backend, rng, &ProveOptions::default())
}

/// [`prove_with_rng`] with [`ProveOptions`]. The options change how the proof is computed, never
/// its bytes.
pub fn prove_with_options<C: Circuit>(
    pk: &ProvingKey,
    circuit: &C,
    backend: &dyn Backend,
    rng: &mut dyn RngCore,
    options: &ProveOptions,
) -> Result<Vec<u8>, ProveError> {
    prove_forging(pk, circuit, backend, rng, options, &|_, _, _| {}).map(|(proof, _)| proof)
}

/// How the prover computes a proof (not what it proves: every choice gives the same bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProveOptions {
    /// Memory for the quotient's copies of the committed columns.
    pub quotient_memory: QuotientMemory,
}

/// How much memory the quotient may spend, on each of its sub-cosets, on copies of the committed
/// columns' values there. A copied column costs one NTT per sub-coset; one moved in place costs
/// an NTT and an inverse NTT but no second vector, so without copies the prover holds one field
/// element per committed cell instead of two (measured on the keccak circuit with every column
/// in place: −39 to −42 % peak memory for +16 to +28 % CPU time; `BENCHMARKS.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuotientMemory {
    /// Half of the memory available when the quotient starts: Linux's `MemAvailable`, or less
    /// where the process's cgroup (v2) allows less; no limit where neither can be read. Half,
    /// because the quotient's other buffers (the key's fixed columns on the sub-coset, the
    /// constraint values, the pieces) are not counted, nor are other processes.
    #[default]
    Auto,
    /// At most this many bytes; `0` moves every column in place.
    Bytes(usize),
}

impl QuotientMemory {
    /// The budget in bytes.
    fn bytes(self) -> usize {
        match self {
            QuotientMemory::Bytes(bytes) => bytes,
            QuotientMemory::Auto => available_memory().map_or(usize::MAX, |bytes| bytes / 2),
        }
    }
}

/// Memory this process can still take, in bytes: the smaller of `MemAvailable` and the room
/// left under its cgroup's `memory.max` (`None` where neither can be read, e.g. off Linux).
fn available_memory() -> Option<usize> {
    let system = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| mem_available(&m));
    let cgroup = cgroup_room();
    match (system, cgroup) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `MemAvailable` in bytes from the text of `/proc/meminfo`.
fn mem_available(meminfo: &str) -> Option<usize> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// `memory.max − memory.current` of this process's cgroup (v2), if it has a limit.
fn cgroup_room() -> Option<usize> {
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    // v2: the single line "0::/path".
    let path = cgroup.lines().find_map(|l| l.strip_prefix("0::"))?.trim();
    let dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).ok();
    let max: usize = read("memory.max")?.trim().parse().ok()?; // "max" (no limit) does not parse
    let current: usize = read("memory.current")?.trim().parse().ok()?;
    Some(max.saturating_sub(current))
}

/// [`prove_with_rng`], letting `forge` change the logUp columns at each [`Stage`] (soundness
/// tests). Also returns the constraints that fail on the domain, as `(index in
/// ext.constraints, row)` (empty for a satisfying witness).
pub(crate) fn prove_forging<C: Circuit>(
    pk: &ProvingKey,
    circuit: &C,
    backend: &dyn Backend,
    rng: &mut dyn RngCore,
    options: &ProveOptions,
    forge: &Forge<'_>,
) -> Result<(Vec<u8>, Failing), ProveError> {
    let vk = &pk.vk;
    let ext: &Extended = &vk.ext;
    let k = vk.k;
    let layout = Layout::new(circuit, k)?;
    if encode_shape(&Extended::with_zero_knowledge(&layout.cs, ext.zero_knowledge)) != encode_shape(ext) {
        return Err(ProveError::CircuitMismatch);
    }
    let domain = Domain::new(k).map_err(|_| SynthesisError::DomainTooLarge { k })?;
    let (n, usable) = (layout.n, layout.usable_rows);
    let shape = ProofShape::new(ext, k);
    let zk = ext.zero_knowledge;
    // With zero-knowledge, random values in the rows no constraint reads (see `zk`): all
    // reserved rows of the circuit's columns, the multiplicities and the logUp helpers; the
    // rows after the `l_last` row of the running sums and grand products.
    let mut blind = |column: &mut [Fr], from: usize| {
        if zk {
            blind_rows(column, from, rng);
        }
    };

    let raw_instances = circuit.instances();
    let instance_values = instance_columns(circuit, &layout).map_err(SynthesisError::from)?;
    let mut transcript = Transcript::new(vk.digest);
    absorb_instances(&mut transcript, &raw_instances);
    let mut c = Committer {
        backend,
        bases: backend.prepare_bases(&pk.srs_powers)?,
        lagrange: backend.prepare_bases(&pk.srs_lagrange)?,
        transcript,
        proof: Vec::with_capacity(shape.proof_len()),
    };

    let num_advice = ext.cs.num_advice();
    let mut advice: Vec<Vec<Fr>> = vec![vec![Fr::ZERO; n]; num_advice];
    let mut challenges = vec![Fr::ZERO; ext.cs.num_challenges()];

    // The circuit's phases.
    for phase in Phase::ALL {
        assign_advice_phase(circuit, &layout, phase, &challenges, &mut advice[..ext.circuit_advice])
            .map_err(SynthesisError::from)?;
        for &col in &shape.phase_columns[phase.index()] {
            blind(&mut advice[col], usable);
            c.commit_values(&advice[col])?;
        }
        for ch in layout.cs.challenges().filter(|ch| ch.phase() == phase) {
            challenges[ch.index()] = c.transcript.challenge();
        }
    }

    // logUp multiplicities.
    let columns = Columns { fixed: &pk.fixed_values, advice: &advice, instance: &instance_values };
    let multiplicities = logup::multiplicities(ext, columns, usable, n, &challenges);
    for (&column, m) in ext.multiplicity.iter().zip(multiplicities) {
        advice[column.index()] = m;
    }
    forge(Stage::Multiplicities, ext, &mut advice);
    for &col in &shape.round_a {
        blind(&mut advice[col], usable);
        c.commit_values(&advice[col])?;
    }
    for ch in [ext.theta, ext.beta, ext.gamma] {
        challenges[ch.index()] = c.transcript.challenge();
    }
    let (beta, gamma) = (challenges[ext.beta.index()], challenges[ext.gamma.index()]);

    // logUp helpers and running sums.
    let columns = Columns { fixed: &pk.fixed_values, advice: &advice, instance: &instance_values };
    let helpers = logup::helpers(ext, columns, usable, n, &challenges);
    for (table_helpers, values) in ext.helpers.iter().zip(helpers) {
        for (&column, g) in table_helpers.iter().zip(values) {
            advice[column.index()] = g;
        }
    }
    forge(Stage::Helpers, ext, &mut advice);
    let columns = Columns { fixed: &pk.fixed_values, advice: &advice, instance: &instance_values };
    let running_sums = logup::running_sums(ext, columns, usable, n, &challenges);
    for (&column, phi) in ext.running_sum.iter().zip(running_sums) {
        advice[column.index()] = phi;
    }
    forge(Stage::RunningSums, ext, &mut advice);

    // Permutation grand products.
    let value_column = |col: Column| -> &Vec<Fr> {
        match col {
            Column::Fixed(f) => &pk.fixed_values[f.index()],
            Column::Advice(a) => &advice[a.index()],
            Column::Instance(i) => &instance_values[i.index()],
        }
    };
    let x_values = &pk.fixed_values[ext.x.index()];
    let mut z_columns: Vec<Vec<Fr>> = Vec::with_capacity(ext.z.len());
    let mut carry = Fr::ONE;
    for (j, cols) in ext.equality.chunks(ext.chunk.max(1)).enumerate() {
        let first = j * ext.chunk;
        let mut num = vec![Fr::ONE; usable];
        let mut den = vec![Fr::ONE; usable];
        for (offset, &col) in cols.iter().enumerate() {
            let i = first + offset;
            let v = value_column(col);
            let sigma = &pk.fixed_values[ext.sigma[i].index()];
            let beta_delta = beta * delta_power(i);
            num.par_iter_mut().zip(den.par_iter_mut()).enumerate().for_each(|(r, (nu, de))| {
                *nu *= v[r] + beta_delta * x_values[r] + gamma;
                *de *= v[r] + beta * sigma[r] + gamma;
            });
        }
        den.batch_invert();
        let mut z = vec![Fr::ZERO; n];
        z[0] = carry;
        for r in 0..usable {
            z[r + 1] = z[r] * num[r] * den[r];
        }
        carry = z[usable];
        z_columns.push(z);
    }
    for (j, z) in z_columns.into_iter().enumerate() {
        advice[ext.z[j].index()] = z;
    }
    for &col in &shape.round_b {
        // The running sums and grand products are checked on the `l_last` row itself.
        let checked_at_last = ext.running_sum.iter().chain(&ext.z).any(|a| a.index() == col);
        blind(&mut advice[col], if checked_at_last { usable + 1 } else { usable });
        c.commit_values(&advice[col])?;
    }
    challenges[ext.y.index()] = c.transcript.challenge();
    let values = Columns { fixed: &pk.fixed_values, advice: &advice, instance: &instance_values };
    let vanishes = numerator_vanishes(ext, values, n, &challenges);
    let failing = if vanishes { Vec::new() } else { failing_constraints(ext, values, n, &challenges) };
    if let Some(&(c, row)) = failing.first() {
        tracing::warn!(
            "the witness fails {} constraint rows (the verifier will reject); first: `{}` at row {row}",
            failing.len(),
            ext.constraints[c].0
        );
    }

    // No round reads values from here on: interpolate in place (the commitments were made from
    // the same values, and a phase never writes another phase's columns).
    let (mut advice_coeffs, mut instance_coeffs) = (advice, instance_values);
    for column in advice_coeffs.iter_mut().chain(instance_coeffs.iter_mut()) {
        backend.intt(column, &domain)?;
    }

    // The quotient, one sub-coset of the extended coset at a time.
    let bits = extension_bits(shape.degree);
    let big = Domain::new(k + bits).map_err(|_| ProveError::QuotientDomainTooLarge { k: k + bits })?;
    let input = QuotientInput {
        ext,
        domain: &domain,
        usable,
        fixed_coeffs: &pk.fixed_coeffs,
        challenges: &challenges,
        copy_budget: options.quotient_memory.bytes(),
    };
    let mut committed = Coefficients { advice: &mut advice_coeffs, instance: &mut instance_coeffs };
    let plain_pieces = shape.degree - 1;
    let mut pieces = quotient_pieces(&input, &mut committed, vanishes, plain_pieces, &big, backend)?;
    if zk {
        pieces = blind_quotient(pieces, n, shape.quotient_pieces, shape.quotient_stride(n), rng);
    }
    for piece in &pieces {
        c.commit_coeffs(piece)?;
    }
    let x = c.transcript.challenge();

    // Evaluations.
    let coeffs_of = |p: Poly| -> &[Fr] {
        match p {
            Poly::Fixed(i) => &pk.fixed_coeffs[i],
            Poly::Advice(i) => &advice_coeffs[i],
            Poly::Quotient(i) => &pieces[i],
        }
    };
    let mut evals: HashMap<(Poly, i32), Fr> = HashMap::new();
    for &(poly, rot) in &shape.queries {
        let point = domain.rotate_omega(rot as i64) * x;
        let value = evaluate(coeffs_of(poly), point);
        c.transcript.absorb_scalar(&value);
        c.proof.extend_from_slice(&fr_to_bytes(&value));
        evals.insert((poly, rot), value);
    }

    // SHPLONK.
    let x1 = c.transcript.challenge();
    let x2 = c.transcript.challenge();
    let mut all_points: Vec<i32> = shape.groups.iter().flat_map(|(r, _)| r.iter().copied()).collect();
    all_points.sort();
    all_points.dedup();
    let point = |rot: i32| domain.rotate_omega(rot as i64) * x;
    let mut combined: Vec<(Vec<Fr>, Vec<Fr>)> = Vec::new(); // (q_s coefficients, r_s coefficients)
    let mut h = vec![Fr::ZERO; n];
    let mut x2_power = Fr::ONE;
    for (rots, polys) in &shape.groups {
        let mut q = vec![Fr::ZERO; n];
        let mut x1_power = Fr::ONE;
        let mut values = vec![Fr::ZERO; rots.len()];
        for &p in polys {
            let coeffs = coeffs_of(p);
            q.par_iter_mut().zip(coeffs.par_iter()).for_each(|(qi, ci)| *qi += *ci * x1_power);
            for (v, &r) in values.iter_mut().zip(rots) {
                *v += evals[&(p, r)] * x1_power;
            }
            x1_power *= x1;
        }
        let points: Vec<Fr> = rots.iter().map(|&r| point(r)).collect();
        let r_coeffs = interpolate(&points, &values);
        let mut num = q.clone();
        for (ni, ri) in num.iter_mut().zip(&r_coeffs) {
            *ni -= ri;
        }
        for z in &points {
            num = divide_by_linear(&num, *z);
        }
        h.par_iter_mut().zip(num.par_iter()).for_each(|(hi, ni)| *hi += *ni * x2_power);
        combined.push((q, r_coeffs));
        x2_power *= x2;
    }
    c.commit_coeffs(&h)?;
    let u = c.transcript.challenge();
    let z_all: Fr = all_points.iter().map(|&r| u - point(r)).product();
    let mut l = vec![Fr::ZERO; n];
    let mut x2_power = Fr::ONE;
    for ((rots, _), (q, r_coeffs)) in shape.groups.iter().zip(&combined) {
        let z_rest: Fr = all_points.iter().filter(|r| !rots.contains(r)).map(|&r| u - point(r)).product();
        let r_at_u = evaluate(r_coeffs, u);
        let scale = x2_power * z_rest;
        l.par_iter_mut().zip(q.par_iter()).for_each(|(li, qi)| *li += *qi * scale);
        l[0] -= r_at_u * scale;
        x2_power *= x2;
    }
    l.par_iter_mut().zip(h.par_iter()).for_each(|(li, hi)| *li -= *hi * z_all);
    let pi = divide_by_linear(&l, u);
    c.commit_coeffs(&pi)?;
    debug_assert_eq!(c.proof.len(), shape.proof_len());
    Ok((c.proof, failing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_in_bytes_and_garbage_is_no_answer() {
        let meminfo = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   22000000 kB\n";
        assert_eq!(mem_available(meminfo), Some(22_000_000 * 1024));
        assert_eq!(mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots kB\n"), None);
        assert_eq!(mem_available(&format!("MemAvailable: {} kB\n", usize::MAX)), None);
    }

    #[test]
    fn an_explicit_budget_is_taken_as_given() {
        assert_eq!(QuotientMemory::Bytes(0).bytes(), 0);
        assert_eq!(QuotientMemory::Bytes(12345).bytes(), 12345);
        assert!(QuotientMemory::Auto.bytes() > 0, "this machine reports some memory available");
    }
}
