//! The synthetic circuit on halo2-axiom 0.5.3 (KZG, SHPLONK, Blake2b transcript).

use std::sync::Arc;

use ff::Field;
use halo2_axiom::circuit::{Cell, Layouter, SimpleFloorPlanner, Value};
use halo2_axiom::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_axiom::plonk::{
    Advice, Circuit, Column, ConstraintSystem, Error, Fixed, TableColumn, create_proof, keygen_pk, keygen_vk,
    verify_proof,
};
use halo2_axiom::poly::Rotation;
use halo2_axiom::poly::commitment::ParamsProver;
use halo2_axiom::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_axiom::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_axiom::poly::kzg::strategy::SingleStrategy;
use halo2_axiom::transcript::{Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::witness::Witness;
use crate::{Measurement, SRS_SEED, WITNESS_SEED, repeat_proving, timed};

#[derive(Clone)]
struct Synthetic {
    witness: Arc<Witness<Fr>>,
    /// The rows filled: all usable rows.
    rows: usize,
    /// False for the key-generation copy (`without_witnesses`): advice values are unknown.
    with_advice: bool,
}

#[derive(Clone)]
struct Config {
    selectors: [Column<Fixed>; 5],
    q_range: Column<Fixed>,
    advice: [Column<Advice>; 5],
    bytes: TableColumn,
}

impl Circuit<Fr> for Synthetic {
    type Config = Config;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Synthetic { with_advice: false, ..self.clone() }
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let selectors = [(); 5].map(|_| meta.fixed_column());
        let q_range = meta.fixed_column();
        let advice = [(); 5].map(|_| meta.advice_column());
        let bytes = meta.lookup_table_column();
        meta.enable_equality(advice[0]);
        meta.enable_equality(advice[2]);
        meta.create_gate("vanilla plonk", |m| {
            let [q_l, q_r, q_m, q_o, q_c] = selectors.map(|c| m.query_fixed(c, Rotation::cur()));
            let q = m.query_fixed(q_range, Rotation::cur());
            let [a, b, c, d, e] = advice.map(|c| m.query_advice(c, Rotation::cur()));
            vec![q_l * a.clone() + q_r * b.clone() + q_m * a.clone() * b - q_o * c + q_c, q * (d - a - e)]
        });
        meta.lookup("e is a byte", |m| {
            let q = m.query_fixed(q_range, Rotation::cur());
            let e = m.query_advice(advice[4], Rotation::cur());
            vec![(q * e, bytes)]
        });
        Config { selectors, q_range, advice, bytes }
    }

    fn synthesize(&self, config: Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        layouter.assign_table(
            || "bytes",
            |mut table| {
                for v in 0..256u64 {
                    table.assign_cell(|| "byte", config.bytes, v as usize, || Value::known(Fr::from(v)))?;
                }
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "all rows",
            |mut region| {
                let w = &self.witness;
                let mut a_cells: Vec<Cell> = Vec::with_capacity(self.rows / crate::witness::COPY_STRIDE + 1);
                let mut c_cells: Vec<Cell> = Vec::with_capacity(a_cells.capacity());
                let stride = crate::witness::COPY_STRIDE;
                for row in 0..self.rows {
                    for (column, values) in config.selectors.iter().zip(&w.selectors) {
                        region.assign_fixed(*column, row, values[row]);
                    }
                    region.assign_fixed(config.q_range, row, Fr::ONE);
                    for (i, (column, values)) in config.advice.iter().zip(&w.advice).enumerate() {
                        let value = if self.with_advice { Value::known(values[row]) } else { Value::unknown() };
                        let cell = region.assign_advice(*column, row, value).cell();
                        if (i == 0 && row % stride == 1) || (i == 2 && row % stride == 0 && row + 1 < self.rows) {
                            if i == 0 { a_cells.push(cell) } else { c_cells.push(cell) }
                        }
                    }
                }
                for (c, a) in c_cells.iter().zip(&a_cells) {
                    region.constrain_equal(*c, *a);
                }
                Ok(())
            },
        )
    }
}

pub fn run(k: u32, repeat: usize) -> Result<Measurement, String> {
    let params = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(SRS_SEED));
    let mut cs = ConstraintSystem::<Fr>::default();
    Synthetic::configure(&mut cs);
    let rows = (1usize << k).checked_sub(cs.minimum_rows()).ok_or("k is too small for halo2-axiom")?;
    let circuit = Synthetic { witness: Arc::new(Witness::generate(rows, WITNESS_SEED)), rows, with_advice: true };

    let (pk, keygen) = timed(|| {
        let vk = keygen_vk(&params, &circuit).map_err(|e| format!("halo2-axiom keygen_vk: {e:?}"))?;
        keygen_pk(&params, vk, &circuit).map_err(|e| format!("halo2-axiom keygen_pk: {e:?}"))
    })?;

    let (proof, proves) = repeat_proving(repeat, false, || {
        let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(Vec::new());
        create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
            &params,
            &pk,
            std::slice::from_ref(&circuit),
            &[&[]],
            ChaCha20Rng::seed_from_u64(WITNESS_SEED + 1),
            &mut transcript,
        )
        .map_err(|e| format!("halo2-axiom create_proof: {e:?}"))?;
        Ok(transcript.finalize())
    })?;

    let ((), verify) = timed(|| {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(&proof[..]);
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params.verifier_params(),
            pk.get_vk(),
            SingleStrategy::new(&params),
            &[&[]],
            &mut transcript,
        )
        .map_err(|e| format!("halo2-axiom verify_proof: {e:?}"))
    })?;

    Ok(Measurement { keygen, proves, verify, proof_bytes: proof.len() })
}
