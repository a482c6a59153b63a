//! Real KZG proofs of the keccak circuit, and a lookup into the keccak table from another circuit.

mod common;

use common::{CHUNK_BITS, K};
use ff::Field;
use rebuttal_circuits::keccak::{
    KeccakCircuit, KeccakConfig, KeccakWitness, digest_words, input_rlc, reference::keccak256,
};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment,
    FixedColumn, Phase,
};
use rebuttal_prover::mock::{MockProver, VerifyFailure};
use rebuttal_prover::plonk::{keygen, prove, verify};
use rebuttal_prover::srs::Srs;

#[test]
fn prove_and_verify_a_handful_of_hashes() {
    let inputs = vec![vec![], b"abc".to_vec(), vec![0x5a; 136], (0..=255u8).collect()];
    // The test shape: 3-bit chunks (a 597-row table) at 2^10 rows, 40 keccak-f.
    let k = K;
    let c = KeccakCircuit::with_shape(inputs, CHUNK_BITS, k).unwrap();
    MockProver::run(k, &c).unwrap().assert_satisfied();
    let srs = Srs::unsafe_setup(k, 6).unwrap();
    let pk = keygen(&srs, &c, k, &CpuBackend).unwrap();
    let proof = prove(&pk, &c, &CpuBackend).unwrap();
    verify(pk.vk(), &c.instances(), &proof).unwrap();
    // A tampered proof does not verify.
    let mut bad = proof.clone();
    let at = bad.len() / 2;
    bad[at] ^= 1;
    assert!(verify(pk.vk(), &c.instances(), &bad).is_err());
}

/// A circuit that claims digests of some inputs by looking them up in the keccak table.
struct Claims {
    inputs: Vec<Vec<u8>>,
    /// `(input index, claimed digest)` per claim.
    claims: Vec<(usize, [u8; 32])>,
}

#[derive(Clone)]
struct ClaimsConfig {
    keccak: KeccakConfig,
    q: FixedColumn,
    len: AdviceColumn,
    hi: AdviceColumn,
    lo: AdviceColumn,
    rlc: AdviceColumn,
}

impl Circuit for Claims {
    type Config = ClaimsConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> ClaimsConfig {
        let challenge = cs.challenge_usable_after(Phase::First);
        let keccak = KeccakConfig::configure(cs, CHUNK_BITS, challenge);
        let q = cs.named_fixed("q_claim");
        let len = cs.named_advice("claim_len", Phase::First);
        let hi = cs.named_advice("claim_hi", Phase::First);
        let lo = cs.named_advice("claim_lo", Phase::First);
        let rlc = cs.named_advice("claim_rlc", Phase::Second);
        let s = q.cur();
        cs.lookup(
            "claimed digest",
            vec![s.clone(), s.clone() * rlc.cur(), s.clone() * len.cur(), s.clone() * hi.cur(), s * lo.cur()],
            keccak.keccak_table(),
        );
        ClaimsConfig { keccak, q, len, hi, lo, rlc }
    }

    fn assign_fixed(&self, c: &ClaimsConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        c.keccak.assign_fixed(fixed)?;
        for row in 0..self.claims.len() {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &ClaimsConfig,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        c.keccak.assign_advice(&KeccakWitness::new(&self.inputs), phase, challenges, advice)?;
        for (row, (i, digest)) in self.claims.iter().enumerate() {
            let input = &self.inputs[*i];
            match phase {
                Phase::First => {
                    let (hi, lo) = digest_words(digest);
                    advice.set(c.len, row, Fr::from(input.len() as u64))?;
                    advice.set(c.hi, row, hi)?;
                    advice.set(c.lo, row, lo)?;
                }
                Phase::Second => {
                    let r = challenges.get(c.keccak.challenge())?;
                    advice.set(c.rlc, row, input_rlc(input, r))?;
                }
                Phase::Third => {}
            }
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn another_circuit_looks_up_digests() {
    let inputs = vec![b"hello".to_vec(), vec![3; 300], vec![]];
    let honest: Vec<(usize, [u8; 32])> = (0..inputs.len()).map(|i| (i, keccak256(&inputs[i]))).collect();
    let good = Claims { inputs: inputs.clone(), claims: honest.clone() };
    MockProver::run(K, &good).unwrap().assert_satisfied();

    // A wrong digest, a digest claimed for the wrong input, and an intermediate block's state
    // (the first 32 bytes after the first of the 300-byte input's three permutations).
    let mut wrong = honest[0].1;
    wrong[31] ^= 1;
    let intermediate = {
        let perms = rebuttal_circuits::keccak::witness::permutations(&inputs[1]);
        let mut state = perms[1].prev_state;
        let mut out = [0u8; 32];
        for (chunk, lane) in out.chunks_exact_mut(8).zip(state.iter_mut()) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        out
    };
    for claim in [(0, wrong), (0, honest[1].1), (1, intermediate)] {
        let bad = Claims { inputs: inputs.clone(), claims: vec![honest[2], claim] };
        let failures = MockProver::run(K, &bad).unwrap().verify().unwrap_err();
        assert!(
            failures
                .iter()
                .any(|f| matches!(f, VerifyFailure::Lookup { lookup, row: 1, .. } if lookup == "claimed digest")),
            "{failures:?}"
        );
    }
}

#[test]
fn rows_outside_table_rows_cannot_serve_a_fake_digest() {
    // A prover who writes a fake table row (any flags, any values) on a row that is not a
    // region's last row — inside a region, or in the usable rows after the last region — cannot
    // serve a lookup: `enabled = q_last · is_final` has q_last fixed to 0 there.
    let inputs = vec![b"real".to_vec()];
    let fake = [0x11u8; 32];
    let claims = Claims { inputs: inputs.clone(), claims: vec![(0, fake)] };
    // 2^11 rows leave usable rows after the last region (2^10 rows are exactly 40 regions).
    let k = K + 1;
    let honest = MockProver::run(k, &claims).unwrap();
    let regions = honest.usable_rows() / 25;
    let after_regions = 25 * regions;
    assert!(after_regions < honest.usable_rows(), "k = {k} leaves a row after the regions");
    let (hi, lo) = digest_words(&fake);
    let r = honest.challenges()[0];
    for row in [25 * 3 + 7, after_regions] {
        let mut prover = honest.clone();
        for (name, value) in [
            ("is_final", Fr::ONE),
            ("is_first", Fr::ONE),
            ("len", Fr::from(4u64)),
            ("rlc", input_rlc(b"real", r)),
            ("hi", hi),
            ("lo", lo),
        ] {
            let cell = prover.cs().column_by_name(name).unwrap().cell(row);
            prover.set_cell(cell, value);
        }
        let failures = prover.verify().unwrap_err();
        assert!(
            failures
                .iter()
                .any(|f| matches!(f, VerifyFailure::Lookup { lookup, row: 0, .. } if lookup == "claimed digest")),
            "row {row}: {failures:?}"
        );
    }
}
