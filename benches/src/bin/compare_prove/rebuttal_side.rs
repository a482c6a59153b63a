//! The synthetic circuit on rebuttal.

use ff::Field;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment,
    FixedColumn, Phase,
};
use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config, prove_with_rng, verify};
use rebuttal_prover::srs::Srs;

use crate::witness::Witness;
use crate::{Measurement, SRS_SEED, WITNESS_SEED, repeat_proving, timed};

struct Synthetic {
    witness: Witness<Fr>,
}

#[derive(Clone)]
struct Config {
    /// `q_l, q_r, q_m, q_o, q_c`.
    selectors: [FixedColumn; 5],
    /// Enables `d = a + e` and the range lookup of `e`.
    q_range: FixedColumn,
    /// `a, b, c, d, e`.
    advice: [AdviceColumn; 5],
    bytes: FixedColumn,
}

impl Circuit for Synthetic {
    type Config = Config;

    fn configure(&self, cs: &mut ConstraintSystem) -> Config {
        let selectors = ["q_l", "q_r", "q_m", "q_o", "q_c"].map(|name| cs.named_fixed(name));
        let q_range = cs.named_fixed("q_range");
        let advice = ["a", "b", "c", "d", "e"].map(|name| cs.named_advice(name, Phase::First));
        let bytes = cs.named_fixed("bytes");
        let [q_l, q_r, q_m, q_o, q_c] = selectors;
        let [a, b, c, d, e] = advice;
        cs.enable_equality(a);
        cs.enable_equality(c);
        cs.create_gate(
            "vanilla plonk",
            [
                (
                    "q_l·a + q_r·b + q_m·a·b − q_o·c + q_c = 0",
                    q_l.cur() * a.cur() + q_r.cur() * b.cur() + q_m.cur() * a.cur() * b.cur() - q_o.cur() * c.cur()
                        + q_c.cur(),
                ),
                ("d = a + e", q_range.cur() * (d.cur() - a.cur() - e.cur())),
            ],
        );
        let table = cs.lookup_table("bytes", vec![bytes.cur()]);
        cs.lookup("e is a byte", vec![q_range.cur() * e.cur()], table);
        Config { selectors, q_range, advice, bytes }
    }

    fn assign_fixed(&self, c: &Config, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        let rows = fixed.usable_rows();
        for (column, values) in c.selectors.iter().zip(&self.witness.selectors) {
            fixed.column_mut(*column)?.copy_from_slice(&values[..rows]);
        }
        fixed.column_mut(c.q_range)?.fill(Fr::ONE);
        for (v, slot) in fixed.column_mut(c.bytes)?.iter_mut().take(256).enumerate() {
            *slot = Fr::from(v as u64);
        }
        let [a, _, out, _, _] = c.advice;
        for row in Witness::<Fr>::copy_rows(rows) {
            fixed.copy(out.cell(row), a.cell(row + 1))?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &Config,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase != Phase::First {
            return Ok(());
        }
        let values = &self.witness.advice;
        advice.par_row_chunks(&c.advice, 1 << 12, |first_row, cols| {
            for (column, values) in cols.iter_mut().zip(values) {
                column.copy_from_slice(&values[first_row..first_row + column.len()]);
            }
            Ok(())
        })
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// Keygen, `repeat` proofs and a verification at `2^k` rows; with `zero_knowledge`, a
/// zero-knowledge key (its blinding drawn from a fixed seed, so that repeated proofs are equal
/// and the determinism check still applies; the work is the same as with the OS generator);
/// with `packing` > 1, packed commitments (the SRS then holds `2^(k + ⌈log2 packing⌉)` powers).
pub fn run(k: u32, repeat: usize, zero_knowledge: bool, packing: usize) -> Result<Measurement, String> {
    let srs_k = k + packing.next_power_of_two().trailing_zeros();
    let srs = Srs::unsafe_setup(srs_k, SRS_SEED).map_err(|e| format!("rebuttal SRS setup: {e:?}"))?;
    let circuit = Synthetic { witness: Witness::generate(1 << k, WITNESS_SEED) };

    let config = KeygenConfig { zero_knowledge, packing };
    let (pk, keygen) = timed(|| {
        keygen_with_config(&srs, &circuit, k, &CpuBackend, config).map_err(|e| format!("rebuttal keygen: {e:?}"))
    })?;
    let (proof, proves) = repeat_proving(repeat, true, || {
        let mut rng = ChaCha20Rng::seed_from_u64(WITNESS_SEED);
        prove_with_rng(&pk, &circuit, &CpuBackend, &mut rng).map_err(|e| format!("rebuttal prove: {e:?}"))
    })?;
    let ((), verify) =
        timed(|| verify(pk.vk(), &circuit.instances(), &proof).map_err(|e| format!("rebuttal verify: {e:?}")))?;

    Ok(Measurement { keygen, proves, verify, proof_bytes: proof.len() })
}
