//! End-to-end: keygen, prove and verify the feature circuits with real KZG at small k; invalid
//! witnesses and changed public inputs are rejected.

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::mock::MockProver;
use rebuttal_prover::plonk::{ProvingKey, VerifyError, keygen, prove, verify};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::{Fibonacci, Memory, Product, RangeCheck, Rlc};

fn setup<C: Circuit>(circuit: &C, k: u32) -> ProvingKey {
    let srs = Srs::unsafe_setup(k, 42).unwrap();
    keygen(&srs, circuit, k, &CpuBackend).unwrap()
}

fn prove_and_verify<C: Circuit>(circuit: &C, k: u32) -> (ProvingKey, Vec<u8>) {
    MockProver::run(k, circuit).unwrap().assert_satisfied();
    let pk = setup(circuit, k);
    let proof = prove(&pk, circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &circuit.instances(), &proof).unwrap();
    (pk, proof)
}

fn memory() -> Memory {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    Memory { memory, reads }
}

#[test]
fn gates_with_rotations_and_copies_into_an_instance_column() {
    let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
    let (pk, proof) = prove_and_verify(&circuit, 5);
    // Another public claim does not verify.
    let mut wrong = circuit.instances();
    wrong[0][2] += Fr::ONE;
    assert_eq!(verify(pk.vk(), &wrong, &proof), Err(VerifyError::ConstraintsNotSatisfied));
}

#[test]
fn fixed_table_lookup() {
    prove_and_verify(&RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() }, 9);
}

#[test]
fn advice_table_lookup_with_two_instance_columns() {
    let circuit = memory();
    let (pk, proof) = prove_and_verify(&circuit, 6);
    let mut wrong = circuit.instances();
    wrong[1][3] = Fr::from(12345u64);
    assert!(verify(pk.vk(), &wrong, &proof).is_err());
}

#[test]
fn three_phases_with_challenges() {
    let bytes: Vec<u8> = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    prove_and_verify(&Rlc { bytes }, 9);
}

#[test]
fn a_plain_gate_without_copies_or_lookups() {
    prove_and_verify(&Product { pairs: (1..20).map(|i| (i, i + 3)).collect(), forget_row: None }, 5);
}

#[test]
fn witnesses_that_fail_the_mock_prover_are_rejected() {
    // A read of a value not in memory: the lookup fails.
    let good = memory();
    let pk = setup(&good, 6);
    let mut bad = good.clone();
    bad.reads[2] = (61, 101);
    assert!(MockProver::run(6, &bad).unwrap().verify().is_err());
    let proof = prove(&pk, &bad, &CpuBackend).unwrap();
    assert_eq!(verify(pk.vk(), &bad.instances(), &proof), Err(VerifyError::ConstraintsNotSatisfied));

    // A byte out of range.
    let range = RangeCheck { values: vec![1, 2, 300, 4] };
    let pk = setup(&range, 9);
    let proof = prove(&pk, &range, &CpuBackend).unwrap();
    assert!(verify(pk.vk(), &[], &proof).is_err());

    // A claimed sequence end that breaks the copy constraint.
    let fib = Fibonacci { start: (1, 1), steps: 6, claim: Some([Fr::ONE, Fr::ONE, Fr::from(22u64)]) };
    let pk = setup(&fib, 5);
    let proof = prove(&pk, &fib, &CpuBackend).unwrap();
    assert!(verify(pk.vk(), &fib.instances(), &proof).is_err());
}

#[test]
fn a_proof_for_one_circuit_does_not_verify_under_another_key() {
    let a = Product { pairs: vec![(2, 3), (4, 5)], forget_row: None };
    let b = Product { pairs: vec![(2, 3), (4, 5), (6, 7)], forget_row: None };
    let (_, proof) = prove_and_verify(&a, 5);
    let pk_b = setup(&b, 5);
    assert_ne!(pk_b.vk().digest(), setup(&a, 5).vk().digest());
    assert!(verify(pk_b.vk(), &[], &proof).is_err());
}

#[test]
fn every_single_byte_flip_is_rejected_without_panic() {
    let circuit = Fibonacci { start: (3, 4), steps: 5, claim: None };
    let (pk, proof) = prove_and_verify(&circuit, 4);
    let instances = circuit.instances();
    for i in 0..proof.len() {
        let mut tampered = proof.clone();
        tampered[i] ^= 0x01 << (i % 8);
        assert!(verify(pk.vk(), &instances, &tampered).is_err(), "flip at byte {i} accepted");
    }
    assert!(matches!(verify(pk.vk(), &instances, &proof[..proof.len() - 1]), Err(VerifyError::ProofLength { .. })));
    let mut longer = proof.clone();
    longer.push(0);
    assert!(matches!(verify(pk.vk(), &instances, &longer), Err(VerifyError::ProofLength { .. })));
    assert!(matches!(verify(pk.vk(), &[], &proof), Err(VerifyError::InstanceCount { expected: 1, got: 0 })));
}

/// `Product` with one output cell corrupted after honest assignment: only the gate breaks.
#[derive(Clone, Debug)]
struct CorruptProduct(Product, usize);

impl Circuit for CorruptProduct {
    type Config = rebuttal_prover::testing::ProductConfig;

    fn configure(&self, cs: &mut rebuttal_prover::circuit::ConstraintSystem) -> Self::Config {
        self.0.configure(cs)
    }

    fn assign_fixed(
        &self,
        config: &Self::Config,
        fixed: &mut rebuttal_prover::circuit::FixedAssignment<'_>,
    ) -> Result<(), rebuttal_prover::circuit::AssignError> {
        self.0.assign_fixed(config, fixed)
    }

    fn assign_advice(
        &self,
        config: &Self::Config,
        phase: rebuttal_prover::circuit::Phase,
        challenges: &rebuttal_prover::circuit::ChallengeValues<'_>,
        advice: &mut rebuttal_prover::circuit::AdviceAssignment<'_>,
    ) -> Result<(), rebuttal_prover::circuit::AssignError> {
        self.0.assign_advice(config, phase, challenges, advice)?;
        if phase == rebuttal_prover::circuit::Phase::First {
            let old = advice.value(config.c, self.1)?;
            advice.set(config.c, self.1, old + Fr::ONE)?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn a_broken_gate_is_rejected() {
    let honest = Product { pairs: (1..10).map(|i| (i, 2 * i)).collect(), forget_row: None };
    let pk = setup(&honest, 5);
    for row in [0, 4, 8] {
        let bad = CorruptProduct(honest.clone(), row);
        let failures = MockProver::run(5, &bad).unwrap().verify().unwrap_err();
        assert!(failures[0].is_gate("mul", row));
        let proof = prove(&pk, &bad, &CpuBackend).unwrap();
        assert_eq!(verify(pk.vk(), &[], &proof), Err(VerifyError::ConstraintsNotSatisfied), "row {row}");
    }
    // Corrupting a row the selector leaves off (row 20) changes nothing the circuit claims.
    let unselected = CorruptProduct(honest.clone(), 20);
    MockProver::run(5, &unselected).unwrap().assert_satisfied();
    let proof = prove(&pk, &unselected, &CpuBackend).unwrap();
    verify(pk.vk(), &[], &proof).unwrap();
}

#[test]
fn verifying_keys_round_trip_through_bytes_and_reject_every_corruption() {
    use rebuttal_prover::plonk::VerifyingKey;
    let circuit = memory();
    let (pk, proof) = prove_and_verify(&circuit, 6);
    let bytes = pk.vk().to_bytes();
    let decoded = VerifyingKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.digest(), pk.vk().digest());
    assert_eq!(decoded.to_bytes(), bytes);
    verify(&decoded, &circuit.instances(), &proof).unwrap();

    // Every single-byte change is caught when parsing (bad field, bad point or digest).
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x10;
        assert!(VerifyingKey::from_bytes(&tampered).is_err(), "flip at byte {i} of {} accepted", bytes.len());
    }
    for cut in [0, 3, 8, 40, bytes.len() / 2, bytes.len() - 1] {
        assert!(VerifyingKey::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(VerifyingKey::from_bytes(&longer).is_err());
}

#[test]
fn proving_keys_round_trip_through_bytes() {
    use rebuttal_prover::plonk::{PkError, ProvingKey};
    let circuit = memory();
    let pk = setup(&circuit, 6);
    let bytes = pk.to_bytes();
    let decoded = ProvingKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.to_bytes(), bytes);
    // The decoded key proves, and its proofs verify under the original verifying key.
    let proof = prove(&decoded, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &circuit.instances(), &proof).unwrap();

    // A changed fixed value or SRS point no longer matches the verifying key.
    let vk_len = pk.vk().to_bytes().len();
    let fixed_at = 12 + vk_len + 32 * 3 + 31;
    let mut tampered = bytes.clone();
    tampered[fixed_at] ^= 1;
    assert!(matches!(ProvingKey::from_bytes(&tampered), Err(PkError::CommitmentMismatch { .. })));
    let mut tampered = bytes.clone();
    let last_point = bytes.len() - 64 + 10;
    tampered[last_point] ^= 1;
    assert!(ProvingKey::from_bytes(&tampered).is_err());
    assert!(matches!(ProvingKey::from_bytes(&bytes[..bytes.len() - 1]), Err(PkError::Truncated { .. })));
    assert!(matches!(ProvingKey::from_bytes(b"RBPK"), Err(PkError::Truncated { .. })));
}
