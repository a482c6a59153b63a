//! Axiom's keccak circuit from `zkevm-hashes` 0.3.0 (the PSE zkEVM packed multi-keccak circuit,
//! ported to halo2-base) on halo2-axiom 0.5.3: KZG, SHPLONK, Blake2b transcript.
//!
//! zkevm-hashes ships the circuit's configuration, witness generation and region assignment
//! (`KeccakCircuitConfig`, `multi_keccak`); its stand-alone `Circuit` implementation is
//! test-only, so [`Keccak`] below is the same few lines as that test circuit.

use std::sync::Arc;

use halo2_axiom::circuit::{Layouter, SimpleFloorPlanner};
use halo2_axiom::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_axiom::plonk::{Circuit, ConstraintSystem, Error, create_proof, keygen_pk, keygen_vk, verify_proof};
use halo2_axiom::poly::commitment::ParamsProver;
use halo2_axiom::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_axiom::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_axiom::poly::kzg::strategy::SingleStrategy;
use halo2_axiom::transcript::{Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkevm_hashes::keccak::vanilla::keccak_packed_multi::get_keccak_capacity;
use zkevm_hashes::keccak::vanilla::param::NUM_ROUNDS;
use zkevm_hashes::keccak::vanilla::witness::multi_keccak;
use zkevm_hashes::keccak::vanilla::{KeccakCircuitConfig, KeccakConfigParams};

use crate::{Measurement, SRS_SEED, Shape, repeat_proving, timed};

/// The largest rows per round tried when choosing a shape (zkevm-hashes' own tests use 5–28).
const MAX_ROWS_PER_ROUND: usize = 64;

/// keccak256 of `inputs` in zkevm-hashes' keccak circuit, every one of its `capacity` keccak-f
/// slots filled (unused ones hash the empty string, as `multi_keccak` pads them).
#[derive(Clone)]
struct Keccak {
    params: KeccakConfigParams,
    inputs: Arc<Vec<Vec<u8>>>,
    capacity: usize,
}

impl Circuit<Fr> for Keccak {
    type Config = KeccakCircuitConfig<Fr>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = KeccakConfigParams;

    fn params(&self) -> KeccakConfigParams {
        self.params
    }

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, params: KeccakConfigParams) -> Self::Config {
        KeccakCircuitConfig::new(meta, params)
    }

    fn configure(_: &mut ConstraintSystem<Fr>) -> Self::Config {
        unreachable!("halo2-axiom with `circuit-params` configures through configure_with_params")
    }

    fn synthesize(&self, config: Self::Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        config.load_aux_tables(&mut layouter, self.params.k)?;
        // halo2-axiom's SimpleFloorPlanner runs the closure once (no shape-measuring pass).
        layouter.assign_region(
            || "keccak",
            |mut region| {
                let (rows, _) = multi_keccak::<Fr>(&self.inputs, Some(self.capacity), self.params);
                config.assign(&mut region, &rows);
                Ok(())
            },
        )
    }
}

/// The constraint system of the keccak circuit with `params`.
fn constraint_system(params: KeccakConfigParams) -> ConstraintSystem<Fr> {
    let mut meta = ConstraintSystem::<Fr>::default();
    KeccakCircuitConfig::<Fr>::new(&mut meta, params);
    meta
}

/// keccak-f the circuit holds at `2^k` rows with `rows_per_round` (0 if none).
fn capacity(meta: &ConstraintSystem<Fr>, k: u32, rows_per_round: usize) -> usize {
    let usable = (1usize << k).saturating_sub(meta.minimum_rows());
    // get_keccak_capacity subtracts 1 + 17 rounds from the rounds that fit: guard the underflow.
    if usable / rows_per_round < 1 + zkevm_hashes::keccak::vanilla::param::NUM_WORDS_TO_ABSORB {
        return 0;
    }
    get_keccak_capacity(usable, rows_per_round)
}

/// zkevm-hashes' keccak circuit at `k` with `rows_per_round` rows per round.
pub fn shape(k: u32, rows_per_round: usize) -> Result<Shape, String> {
    if rows_per_round == 0 {
        return Err("rows per round must be positive".into());
    }
    let meta = constraint_system(KeccakConfigParams { k, rows_per_round });
    let degree = meta.degree();
    // Committed per column of 2^k rows: advice; per lookup a permuted input, a permuted table
    // and a grand product; the permutation grand products (chunks of degree − 2 columns); the
    // quotient pieces (degree − 1); the vanishing argument's random polynomial.
    let permutation = meta.permutation().get_columns().len().div_ceil(degree.saturating_sub(2).max(1));
    let committed = meta.num_advice_columns() + 3 * meta.lookups().len() + permutation + (degree - 1) + 1;
    Ok(Shape {
        name: format!("R={rows_per_round}-rows-per-round"),
        capacity: capacity(&meta, k, rows_per_round),
        advice_columns: meta.num_advice_columns(),
        committed_columns: committed,
        rows_per_keccak_f: (NUM_ROUNDS + 1) * rows_per_round,
    })
}

/// `rows_per_round` if given, else the largest that still holds `keccak_f` keccak-f at `k` (the
/// fewest columns).
pub fn rows_per_round(k: u32, keccak_f: usize, rows_per_round: Option<usize>) -> Result<usize, String> {
    if let Some(r) = rows_per_round {
        return Ok(r);
    }
    // Capacity falls as R grows (columns are not monotone in R, but cells per keccak-f are
    // close to flat, so the fewest rows per keccak-f that fit is the natural choice).
    (1..=MAX_ROWS_PER_ROUND)
        .rev()
        .find(|&r| capacity(&constraint_system(KeccakConfigParams { k, rows_per_round: r }), k, r) >= keccak_f)
        .ok_or_else(|| format!("zkevm-hashes' keccak circuit holds fewer than {keccak_f} keccak-f at k = {k}"))
}

/// Witness, keygen, `repeat` proofs and a verification of keccak256 of `inputs` at `2^k` rows
/// with `rows_per_round` rows per round.
pub fn run(k: u32, rows_per_round: usize, inputs: Vec<Vec<u8>>, repeat: usize) -> Result<Measurement, String> {
    let params = KeccakConfigParams { k, rows_per_round };
    let capacity = capacity(&constraint_system(params), k, rows_per_round);
    // Every input is shorter than the rate: one keccak-f each (multi_keccak panics past capacity).
    if inputs.len() > capacity || inputs.iter().any(|i| i.len() >= zkevm_hashes::keccak::vanilla::param::RATE) {
        return Err(format!(
            "zkevm-hashes at k = {k}, R = {rows_per_round} holds {capacity} keccak-f; {} inputs of up to 135 bytes expected",
            inputs.len()
        ));
    }
    let circuit = Keccak { params, inputs: Arc::new(inputs), capacity };
    let halo2_params = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(SRS_SEED));

    let ((), witness) = timed(|| {
        let (rows, digests) = multi_keccak::<Fr>(&circuit.inputs, Some(capacity), params);
        if digests.len() != capacity {
            return Err(format!("zkevm-hashes witness: {} digests for {capacity} keccak-f", digests.len()));
        }
        drop(rows);
        Ok(())
    })?;

    let (pk, keygen) = timed(|| {
        let vk = keygen_vk(&halo2_params, &circuit).map_err(|e| format!("zkevm-hashes keygen_vk: {e:?}"))?;
        keygen_pk(&halo2_params, vk, &circuit).map_err(|e| format!("zkevm-hashes keygen_pk: {e:?}"))
    })?;
    let peak_rss_keygen_mib = rebuttal_benches::measure::peak_rss_mib()?;

    let (proof, proves) = repeat_proving(repeat, false, || {
        let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(Vec::new());
        create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
            &halo2_params,
            &pk,
            std::slice::from_ref(&circuit),
            &[&[]],
            ChaCha20Rng::seed_from_u64(SRS_SEED + 1),
            &mut transcript,
        )
        .map_err(|e| format!("zkevm-hashes create_proof: {e:?}"))?;
        Ok(transcript.finalize())
    })?;

    let ((), verify) = timed(|| {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(&proof[..]);
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            halo2_params.verifier_params(),
            pk.get_vk(),
            SingleStrategy::new(&halo2_params),
            &[&[]],
            &mut transcript,
        )
        .map_err(|e| format!("zkevm-hashes verify_proof: {e:?}"))
    })?;

    Ok(Measurement { witness, keygen, peak_rss_keygen_mib, proves, verify, proof_bytes: proof.len() })
}
