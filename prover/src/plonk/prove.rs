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
use super::poly::{divide_by_linear, evaluate, interleave, interpolate};
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
    /// The Lagrange basis, for values on the domain (absent with packing).
    lagrange: Option<PreparedBases>,
    transcript: Transcript,
    proof: Vec<u8>,
}

impl Committer<'_> {
    /// Commits to one round of columns given by their values on the domain. Without packing,
    /// each column over the Lagrange basis: the same point as its coefficients over the powers,
    /// without interpolating, and an MSM over short scalars where the values are short. With
    /// packing, each pack from its members' interleaved coefficients.
    fn commit_round(&mut self, packs: &[Vec<Poly>], advice: &[Vec<Fr>], domain: &Domain) -> Result<(), ProveError> {
        let column = |p: &Poly| match p {
            Poly::Advice(i) => *i,
            other => unreachable!("a proof round holds advice columns, not {other:?}"),
        };
        for members in packs {
            if let (Some(lagrange), [single]) = (&self.lagrange, members.as_slice()) {
                let point: G1Affine = self.backend.msm_prepared(&advice[column(single)], lagrange)?.to_affine();
                self.absorb(point);
                continue;
            }
            let mut coeffs: Vec<Vec<Fr>> = members.iter().map(|m| advice[column(m)].clone()).collect();
            for c in coeffs.iter_mut() {
                self.backend.intt(c, domain)?;
            }
            let refs: Vec<&[Fr]> = coeffs.iter().map(Vec::as_slice).collect();
            self.commit_coeffs(&interleave(&refs))?;
        }
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
    prove_core(pk, circuit, backend, rng, options, forge, &|_, _, _| {})
}

/// Changes the claimed evaluations (in [`ProofShape::queries`] order) after they are computed
/// and before they are written; the opening is then made honestly for the changed claims.
/// Soundness tests of the opening: given the challenge x.
pub(crate) type EvaluationForge<'a> = dyn Fn(&ProofShape, Fr, &mut [Fr]) + Sync + 'a;

/// [`prove_with_rng`] with both forging hooks (soundness tests); see [`prove_forging`].
pub(crate) fn prove_core<C: Circuit>(
    pk: &ProvingKey,
    circuit: &C,
    backend: &dyn Backend,
    rng: &mut dyn RngCore,
    options: &ProveOptions,
    forge: &Forge<'_>,
    forge_evaluations: &EvaluationForge<'_>,
) -> Result<(Vec<u8>, Failing), ProveError> {
    let vk = &pk.vk;
    let ext: &Extended = &vk.ext;
    let k = vk.k;
    let layout = Layout::new(circuit, k)?;
    let rebuilt = Extended::with_zero_knowledge(&layout.cs, ext.zero_knowledge).with_packing(ext.packing);
    if encode_shape(&rebuilt) != encode_shape(ext) {
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
        lagrange: if pk.srs_lagrange.is_empty() { None } else { Some(backend.prepare_bases(&pk.srs_lagrange)?) },
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
        }
        c.commit_round(&shape.rounds[phase.index()], &advice, &domain)?;
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
    }
    c.commit_round(&shape.rounds[3], &advice, &domain)?;
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
    }
    c.commit_round(&shape.rounds[4], &advice, &domain)?;
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
    for members in &shape.rounds[5] {
        let refs: Vec<&[Fr]> = members
            .iter()
            .map(|p| match p {
                Poly::Quotient(i) => pieces[*i].as_slice(),
                other => unreachable!("the last round holds quotient pieces, not {other:?}"),
            })
            .collect();
        c.commit_coeffs(&if let [single] = refs.as_slice() { single.to_vec() } else { interleave(&refs) })?;
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
    let mut values: Vec<Fr> = shape
        .queries
        .iter()
        .map(|&(poly, rot)| evaluate(coeffs_of(poly), domain.rotate_omega(rot as i64) * x))
        .collect();
    forge_evaluations(&shape, x, &mut values);
    let mut evals: HashMap<(Poly, i32), Fr> = HashMap::new();
    for (&query, value) in shape.queries.iter().zip(values) {
        c.transcript.absorb_scalar(&value);
        c.proof.extend_from_slice(&fr_to_bytes(&value));
        evals.insert(query, value);
    }

    open(&mut c, &shape, &coeffs_of, &evals, x, &domain)?;
    debug_assert_eq!(c.proof.len(), shape.proof_len());
    Ok((c.proof, failing))
}

/// One SHPLONK group's polynomials, per member index j: `g_j = Σ_c x1^c·f_{c,j}` and the
/// interpolant `I_j` of its claimed values over the group's points.
struct GroupOpening {
    g: Vec<Vec<Fr>>,
    interpolants: Vec<Vec<Fr>>,
}

/// The SHPLONK opening of every claim in `evals` (commitments W and W'), over packs (see
/// `proof`, "Packed commitments"; without packing t = 1 throughout).
fn open<'a>(
    c: &mut Committer<'_>,
    shape: &ProofShape,
    coeffs_of: &dyn Fn(Poly) -> &'a [Fr],
    evals: &HashMap<(Poly, i32), Fr>,
    x: Fr,
    domain: &Domain,
) -> Result<(), ProveError> {
    // Group s: packs of t members each, opened at the points P_s. Per member index j,
    // g_j = Σ_c x1^c·f_{c,j} and its interpolant I_j over P_s; W = Σ_s x2^s·Σ_j X^j·q_j(X^t)
    // with q_j = (g_j − I_j)/Π_{p∈P_s}(Y − p).
    let x1 = c.transcript.challenge();
    let x2 = c.transcript.challenge();
    let point = |rot: i32| domain.rotate_omega(rot as i64) * x;
    let labels = shape.opening_labels();
    let n = domain.n();
    let width = super::keygen::srs_powers_needed(shape, n);
    let mut combined: Vec<GroupOpening> = Vec::new();
    let mut h = vec![Fr::ZERO; width];
    let mut x2_power = Fr::ONE;
    for (s, (rots, heads)) in shape.groups.iter().enumerate() {
        let t = shape.group_packing(s);
        let mut g = vec![vec![Fr::ZERO; n]; t];
        let mut values = vec![vec![Fr::ZERO; rots.len()]; t];
        let mut x1_power = Fr::ONE;
        for &head in heads {
            for (j, &member) in shape.members(head).iter().enumerate() {
                let coeffs = coeffs_of(member);
                if g[j].len() < coeffs.len() {
                    g[j].resize(coeffs.len(), Fr::ZERO);
                }
                g[j].par_iter_mut().zip(coeffs.par_iter()).for_each(|(gi, ci)| *gi += *ci * x1_power);
                for (v, &r) in values[j].iter_mut().zip(rots) {
                    *v += evals[&(member, r)] * x1_power;
                }
            }
            x1_power *= x1;
        }
        let points: Vec<Fr> = rots.iter().map(|&r| point(r)).collect();
        let interpolants: Vec<Vec<Fr>> = values.iter().map(|v| interpolate(&points, v)).collect();
        for (j, (gj, ij)) in g.iter().zip(&interpolants).enumerate() {
            let mut num = gj.clone();
            for (ni, ri) in num.iter_mut().zip(ij) {
                *ni -= ri;
            }
            for z in &points {
                num = divide_by_linear(&num, *z);
            }
            if t == 1 {
                h.par_iter_mut().zip(num.par_iter()).for_each(|(hi, ni)| *hi += *ni * x2_power);
            } else {
                for (i, ni) in num.iter().enumerate() {
                    h[t * i + j] += *ni * x2_power;
                }
            }
        }
        combined.push(GroupOpening { g, interpolants });
        x2_power *= x2;
    }
    c.commit_coeffs(&h)?;
    let u = c.transcript.challenge();
    let u_to = |t: usize| u.pow_vartime([t as u64]);
    let z_all: Fr = labels.iter().map(|&(t, r)| u_to(t) - point(r)).product();
    // W' = L/(X − u), L = Σ_s x2^s·Z_{T∖S_s}(u)·(Σ_c x1^c·C_c(X) − r_s(u)) − Z_T(u)·W, where
    // Σ_c x1^c·C_c = Σ_j X^j·g_j(X^t) and r_s(u) = Σ_j u^j·I_j(u^t).
    let mut l = vec![Fr::ZERO; width];
    let mut x2_power = Fr::ONE;
    for (s, ((rots, _), GroupOpening { g, interpolants })) in shape.groups.iter().zip(&combined).enumerate() {
        let t = shape.group_packing(s);
        let z_rest: Fr = labels
            .iter()
            .filter(|&&(lt, r)| !(lt == t && rots.contains(&r)))
            .map(|&(lt, r)| u_to(lt) - point(r))
            .product();
        let (u_t, mut u_j) = (u_to(t), Fr::ONE);
        let mut r_at_u = Fr::ZERO;
        for ij in interpolants {
            r_at_u += evaluate(ij, u_t) * u_j;
            u_j *= u;
        }
        let scale = x2_power * z_rest;
        for (j, gj) in g.iter().enumerate() {
            if t == 1 {
                l.par_iter_mut().zip(gj.par_iter()).for_each(|(li, gi)| *li += *gi * scale);
            } else {
                for (i, gi) in gj.iter().enumerate() {
                    l[t * i + j] += *gi * scale;
                }
            }
        }
        l[0] -= r_at_u * scale;
        x2_power *= x2;
    }
    l.par_iter_mut().zip(h.par_iter()).for_each(|(li, hi)| *li -= *hi * z_all);
    let pi = divide_by_linear(&l, u);
    c.commit_coeffs(&pi)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::backend::CpuBackend;
    use crate::plonk::{KeygenConfig, VerifyError, keygen_with_config, verify};
    use crate::srs::Srs;
    use crate::testing::LookupBatches;

    /// Claims `h_i(x) + δ` and `h_{i+1}(x) − δ·x^(−stride)`: the quotient identity still holds
    /// at x (h(x) is unchanged), so only the opening can catch the claims, and the opening is
    /// made honestly for them. With packing the pieces are members of one commitment: the
    /// packed opening must bind each member's value, not just a combination.
    fn forged_quotient_pieces(packing: usize, i: usize, delta: Fr) -> Result<(), VerifyError> {
        // Degree 5: four quotient pieces.
        let circuit = LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]);
        let k = 9;
        let config = KeygenConfig { zero_knowledge: false, packing };
        let pk = keygen_with_config(&Srs::unsafe_setup(k + 3, 7).unwrap(), &circuit, k, &CpuBackend, config).unwrap();
        let shape = ProofShape::new(pk.vk().extended(), k);
        assert_eq!(shape.quotient_pieces, 4);
        if packing > 1 {
            assert_eq!(shape.rounds[5].len(), 1, "the quotient pieces share one commitment");
        }
        let forge = move |shape: &ProofShape, x: Fr, values: &mut [Fr]| {
            crate::testing::shift_between_quotient_pieces(shape, x, values, i, delta, 1 << k)
        };
        let proof = crate::testing::prove_with_forged_evaluations(&pk, &circuit, &forge).unwrap();
        verify(pk.vk(), &circuit.instances(), &proof)
    }

    #[test]
    fn claims_that_keep_the_quotient_identity_fail_the_opening() {
        for packing in [1, 8] {
            assert_eq!(forged_quotient_pieces(packing, 0, Fr::ZERO), Ok(()), "packing {packing}: the honest control");
            for i in 0..3 {
                assert_eq!(
                    forged_quotient_pieces(packing, i, Fr::from(5u64)),
                    Err(VerifyError::OpeningFailed),
                    "packing {packing}, pieces {i} and {}",
                    i + 1
                );
            }
        }
    }

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
