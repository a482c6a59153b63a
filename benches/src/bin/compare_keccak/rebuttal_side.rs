//! rebuttal's keccak circuit (`rebuttal_circuits::keccak`) on the CPU backend.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rebuttal_circuits::keccak::{KeccakCircuit, MAX_CHUNK_BITS, MIN_CHUNK_BITS, ROWS_PER_PERMUTATION, keccak_stats};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{Circuit, Layout, Phase, assign_advice_phase};
use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config, prove_with_rng, verify};
use rebuttal_prover::srs::Srs;

use crate::{INPUT_SEED, Measurement, SRS_SEED, Shape, repeat_proving, timed};

/// The chunk size to use at `k`: `chunk_bits` if given, else the largest whose lookup table fits
/// in `2^k` rows (the fewest columns; every chunk size that fits holds the same keccak-f).
fn chunk_bits_at(k: u32, chunk_bits: Option<usize>) -> Result<usize, String> {
    if let Some(bits) = chunk_bits {
        return Ok(bits);
    }
    (MIN_CHUNK_BITS..=MAX_CHUNK_BITS)
        .rev()
        .find(|&bits| keccak_stats(bits, k).is_ok())
        .ok_or_else(|| format!("no chunk size of the rebuttal keccak circuit fits in 2^{k} rows"))
}

/// rebuttal's keccak circuit at `k` (`chunk_bits` or the widest that fits).
pub fn shape(k: u32, chunk_bits: Option<usize>) -> Result<Shape, String> {
    let bits = chunk_bits_at(k, chunk_bits)?;
    let stats = keccak_stats(bits, k).map_err(|e| format!("rebuttal keccak circuit, {bits}-bit chunks: {e}"))?;
    Ok(Shape {
        name: format!("{bits}-bit-chunks"),
        capacity: stats.permutations,
        advice_columns: stats.circuit.advice_columns.iter().sum(),
        committed_columns: stats.circuit.committed.total(),
        rows_per_keccak_f: ROWS_PER_PERMUTATION,
    })
}

/// Witness, keygen, `repeat` proofs and a verification of keccak256 of `inputs` at `2^k` rows.
/// With `zero_knowledge`, a zero-knowledge key (its blinding drawn from a fixed seed, so that
/// repeated proofs are equal; the work is the same as with the operating system's generator).
pub fn run(
    k: u32,
    chunk_bits: Option<usize>,
    inputs: Vec<Vec<u8>>,
    zero_knowledge: bool,
    repeat: usize,
) -> Result<Measurement, String> {
    let bits = chunk_bits_at(k, chunk_bits)?;
    let wanted = inputs.len();
    let circuit = KeccakCircuit::with_shape(inputs, bits, k).map_err(|e| format!("rebuttal keccak circuit: {e}"))?;
    if circuit.num_permutations() != wanted {
        return Err(format!("the inputs take {} keccak-f, {wanted} expected", circuit.num_permutations()));
    }
    let srs = Srs::unsafe_setup(k, SRS_SEED).map_err(|e| format!("rebuttal SRS setup: {e:?}"))?;

    // The advice values alone: fixed columns (selectors, lookup table) are laid out first and
    // not timed; the challenge is a constant instead of a transcript draw.
    let layout = Layout::new(&circuit, k).map_err(|e| format!("rebuttal layout: {e:?}"))?;
    let ((), witness) = timed(|| {
        let challenges = vec![Fr::from(INPUT_SEED); layout.cs.num_challenges()];
        let mut advice = layout.empty_advice();
        for phase in Phase::ALL {
            assign_advice_phase(&circuit, &layout, phase, &challenges, &mut advice)
                .map_err(|e| format!("rebuttal witness, phase {phase:?}: {e:?}"))?;
        }
        Ok(())
    })?;
    drop(layout);

    let config = KeygenConfig { zero_knowledge, packing: 1 };
    let (pk, keygen) = timed(|| {
        keygen_with_config(&srs, &circuit, k, &CpuBackend, config).map_err(|e| format!("rebuttal keygen: {e:?}"))
    })?;
    let peak_rss_keygen_mib = rebuttal_benches::measure::peak_rss_mib()?;
    let (proof, proves) = repeat_proving(repeat, true, || {
        let mut rng = ChaCha20Rng::seed_from_u64(SRS_SEED + 1);
        prove_with_rng(&pk, &circuit, &CpuBackend, &mut rng).map_err(|e| format!("rebuttal prove: {e:?}"))
    })?;
    let ((), verify) =
        timed(|| verify(pk.vk(), &circuit.instances(), &proof).map_err(|e| format!("rebuttal verify: {e:?}")))?;

    Ok(Measurement { witness, keygen, peak_rss_keygen_mib, proves, verify, proof_bytes: proof.len() })
}
