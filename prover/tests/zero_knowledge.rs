//! Zero-knowledge keys: the feature circuits prove and verify with random reserved rows and
//! blinded quotient pieces, proofs are randomised, the flag is part of the key, and a tampered
//! zero-knowledge proof is rejected like any other.

use ff::Field;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment, Phase,
};
use rebuttal_prover::mock::{MockOptions, MockProver};
use rebuttal_prover::plonk::proof::ProofShape;
use rebuttal_prover::plonk::{
    KeygenConfig, KeygenError, ProveOptions, ProvingKey, QuotientMemory, VerifyError, VerifyingKey, keygen,
    keygen_with_config, prove, prove_with_options, prove_with_rng, verify,
};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::{Fibonacci, Memory, Product, RangeCheck, Rlc};

const ZK: KeygenConfig = KeygenConfig { zero_knowledge: true, packing: 1 };

fn zk_key<C: Circuit>(circuit: &C, k: u32) -> ProvingKey {
    let srs = Srs::unsafe_setup(k, 42).unwrap();
    keygen_with_config(&srs, circuit, k, &CpuBackend, ZK).unwrap()
}

/// Proves twice with different randomness: both proofs verify and differ; the plain key's
/// proof has another digest and does not verify under the zero-knowledge key.
fn check_circuit<C: Circuit>(circuit: &C, k: u32) {
    let pk = zk_key(circuit, k);
    assert!(pk.vk().zero_knowledge());
    let instances = circuit.instances();
    let first = prove_with_rng(&pk, circuit, &CpuBackend, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    let second = prove(&pk, circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &instances, &first).unwrap();
    verify(pk.vk(), &instances, &second).unwrap();
    assert_ne!(first, second, "zero-knowledge proofs are randomised");
    // The same seed gives the same proof: the randomness is all the prover's.
    let again = prove_with_rng(&pk, circuit, &CpuBackend, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    assert_eq!(first, again);
    // And the same proof with every column moved to the quotient's sub-cosets in place.
    let in_place = ProveOptions { quotient_memory: QuotientMemory::Bytes(0) };
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    assert_eq!(first, prove_with_options(&pk, circuit, &CpuBackend, &mut rng, &in_place).unwrap());

    let srs = Srs::unsafe_setup(k, 42).unwrap();
    let plain = keygen(&srs, circuit, k, &CpuBackend).unwrap();
    assert!(!plain.vk().zero_knowledge());
    assert_ne!(plain.vk().digest(), pk.vk().digest(), "the flag is part of the key's digest");
    let plain_proof = prove(&plain, circuit, &CpuBackend).unwrap();
    assert!(verify(pk.vk(), &instances, &plain_proof).is_err());
    assert!(verify(plain.vk(), &instances, &first).is_err());
}

#[test]
fn feature_circuits_prove_and_verify_with_zero_knowledge() {
    check_circuit(&Fibonacci { start: (1, 2), steps: 9, claim: None }, 5);
    check_circuit(&RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() }, 9);
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    check_circuit(&Memory { memory, reads: vec![(53, 28), (50, 1), (61, 100), (53, 28)] }, 6);
    check_circuit(&Rlc { bytes: (0..60u32).map(|i| (i * 13 % 256) as u8).collect() }, 9);
    check_circuit(&Product { pairs: (1..10).map(|i| (i, 2 * i)).collect(), forget_row: None }, 5);
}

#[test]
fn quotient_layout_gains_a_piece_from_degree_three() {
    let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
    let zk = zk_key(&circuit, 5);
    let plain = keygen(&Srs::unsafe_setup(5, 42).unwrap(), &circuit, 5, &CpuBackend).unwrap();
    let zk_shape = ProofShape::new(zk.vk().extended(), 5);
    let plain_shape = ProofShape::new(plain.vk().extended(), 5);
    assert!(zk_shape.degree >= 3);
    assert_eq!(zk_shape.quotient_pieces, plain_shape.quotient_pieces + 1);
    assert_eq!((zk_shape.quotient_stride(32), plain_shape.quotient_stride(32)), (30, 32));
    assert_eq!(zk_shape.proof_len(), plain_shape.proof_len() + 64 + 32);
}

/// `c = a · b` on every row, with no selector: it holds with zero reserved rows but not with
/// random ones. A circuit like this is wrong (MockProver says so); here it shows that the
/// prover really fills the reserved rows of the circuit's columns with random values.
#[derive(Clone, Debug)]
struct Ungated;

impl Circuit for Ungated {
    type Config = [AdviceColumn; 3];

    fn configure(&self, cs: &mut ConstraintSystem) -> Self::Config {
        let [a, b, c] = ["a", "b", "c"].map(|name| cs.named_advice(name, Phase::First));
        cs.create_gate("ungated mul", [("c = a · b", a.cur() * b.cur() - c.cur())]);
        [a, b, c]
    }

    fn assign_fixed(&self, _: &Self::Config, _: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        Ok(())
    }

    fn assign_advice(
        &self,
        columns: &Self::Config,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase == Phase::First {
            let rows: Vec<Fr> = (1..8u64).flat_map(|i| [Fr::from(i), Fr::from(i + 1), Fr::from(i * (i + 1))]).collect();
            advice.assign_rows(0, columns, &rows)?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn reserved_rows_of_circuit_columns_are_random() {
    let k = 4;
    let zeros = MockOptions { random_reserved_rows: false, ..MockOptions::default() };
    MockProver::run_with(k, &Ungated, zeros).unwrap().assert_satisfied();
    assert!(MockProver::run(k, &Ungated).unwrap().verify().is_err(), "MockProver flags the ungated gate");

    let srs = Srs::unsafe_setup(k, 42).unwrap();
    let plain = keygen(&srs, &Ungated, k, &CpuBackend).unwrap();
    verify(plain.vk(), &[], &prove(&plain, &Ungated, &CpuBackend).unwrap()).unwrap();
    let zk = zk_key(&Ungated, k);
    let proof = prove(&zk, &Ungated, &CpuBackend).unwrap();
    assert_eq!(verify(zk.vk(), &[], &proof), Err(VerifyError::ConstraintsNotSatisfied));
}

#[test]
fn every_single_byte_flip_of_a_zero_knowledge_proof_is_rejected() {
    let circuit = Fibonacci { start: (3, 4), steps: 5, claim: None };
    let pk = zk_key(&circuit, 4);
    let instances = circuit.instances();
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &instances, &proof).unwrap();
    for i in 0..proof.len() {
        let mut tampered = proof.clone();
        tampered[i] ^= 0x01 << (i % 8);
        assert!(verify(pk.vk(), &instances, &tampered).is_err(), "flip at byte {i} accepted");
    }
    let mut wrong = instances.clone();
    wrong[0][2] += Fr::ONE;
    assert_eq!(verify(pk.vk(), &wrong, &proof), Err(VerifyError::ConstraintsNotSatisfied));
}

#[test]
fn witnesses_that_fail_are_rejected_with_zero_knowledge() {
    // A claimed sequence end that breaks the copy constraint.
    let fib = Fibonacci { start: (1, 1), steps: 6, claim: Some([Fr::ONE, Fr::ONE, Fr::from(22u64)]) };
    assert!(MockProver::run(5, &fib).unwrap().verify().is_err());
    let pk = zk_key(&fib, 5);
    let proof = prove(&pk, &fib, &CpuBackend).unwrap();
    assert_eq!(verify(pk.vk(), &fib.instances(), &proof), Err(VerifyError::ConstraintsNotSatisfied));
    // A read of a value not in memory: the lookup fails.
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let bad = Memory { memory, reads: vec![(53, 28), (50, 1), (61, 101)] };
    assert!(MockProver::run(6, &bad).unwrap().verify().is_err());
    let pk = zk_key(&bad, 6);
    let proof = prove(&pk, &bad, &CpuBackend).unwrap();
    assert_eq!(verify(pk.vk(), &bad.instances(), &proof), Err(VerifyError::ConstraintsNotSatisfied));
}

#[test]
fn zero_knowledge_keys_round_trip_and_the_options_byte_is_checked() {
    let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
    let pk = zk_key(&circuit, 5);
    let bytes = pk.vk().to_bytes();
    let decoded = VerifyingKey::from_bytes(&bytes).unwrap();
    assert!(decoded.zero_knowledge());
    assert_eq!(decoded.to_bytes(), bytes);
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(&decoded, &circuit.instances(), &proof).unwrap();
    let pk_bytes = pk.to_bytes();
    let decoded_pk = ProvingKey::from_bytes(&pk_bytes).unwrap();
    verify(pk.vk(), &circuit.instances(), &prove(&decoded_pk, &circuit, &CpuBackend).unwrap()).unwrap();

    // The options byte follows magic, version and k.
    let options_at = 12;
    assert_eq!(bytes[options_at], 1);
    let mut plain = bytes.clone();
    plain[options_at] = 0;
    assert!(matches!(VerifyingKey::from_bytes(&plain), Err(rebuttal_prover::plonk::VkError::DigestMismatch)));
    let mut unknown = bytes.clone();
    unknown[options_at] = 4;
    let err = VerifyingKey::from_bytes(&unknown).unwrap_err();
    assert!(err.to_string().contains("unknown option bits 0x04"), "{err}");
}

/// One gate of degree 6 (`a⁶ = b`), no witness: for key shapes only.
#[derive(Clone, Debug)]
struct DegreeSix;

impl Circuit for DegreeSix {
    type Config = ();

    fn configure(&self, cs: &mut ConstraintSystem) {
        let [a, b] = ["a", "b"].map(|name| cs.named_advice(name, Phase::First));
        let a2 = a.cur() * a.cur();
        cs.create_gate("sixth power", [("a⁶ = b", a2.clone() * a2.clone() * a2 - b.cur())]);
    }

    fn assign_fixed(&self, _: &(), _: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        Ok(())
    }

    fn assign_advice(
        &self,
        _: &(),
        _: Phase,
        _: &ChallengeValues<'_>,
        _: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn a_domain_too_small_for_blinded_pieces_is_refused() {
    // Degree 6 needs 2·(6 − 1) = 10 rows for the pieces' masks; 2^3 = 8 rows are usable for the
    // circuit (6 reserved) but too few for zero-knowledge. Without it, the same key is fine.
    let srs = Srs::unsafe_setup(4, 42).unwrap();
    keygen(&srs, &DegreeSix, 3, &CpuBackend).unwrap();
    match keygen_with_config(&srs, &DegreeSix, 3, &CpuBackend, ZK) {
        Err(KeygenError::DomainTooSmallForZeroKnowledge { k: 3, n: 8, degree: 6, min: 10 }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    keygen_with_config(&srs, &DegreeSix, 4, &CpuBackend, ZK).unwrap();
}
