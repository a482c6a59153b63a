//! Packed commitments (`KeygenConfig::packing`): the feature circuits prove and verify with
//! several polynomials per commitment, proofs shrink by the commitments saved, the option is
//! part of the key (bytes, digest), witnesses that fail are rejected, and every word of a
//! packed proof matters.

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::proof::{Poly, ProofShape};
use rebuttal_prover::plonk::{
    KeygenConfig, KeygenError, PkError, ProveOptions, ProvingKey, QuotientMemory, VerifyError, VerifyingKey, keygen,
    keygen_with_config, prove, prove_with_options, prove_with_rng, verify,
};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::{Fibonacci, LookupBatches, Memory, Product, RangeCheck, Rlc};

fn config(packing: usize, zero_knowledge: bool) -> KeygenConfig {
    KeygenConfig { zero_knowledge, packing }
}

/// An SRS large enough for any packing these tests use (up to 64 members at k ≤ 9).
fn srs() -> Srs {
    Srs::unsafe_setup(15, 42).unwrap()
}

fn packed_key<C: Circuit>(circuit: &C, k: u32, packing: usize) -> ProvingKey {
    keygen_with_config(&srs(), circuit, k, &CpuBackend, config(packing, false)).unwrap()
}

/// Packed proofs verify, equal proofs made with every column in place, take fewer commitments
/// than unpacked ones (the evaluations are the same), and are not accepted across keys.
fn check_circuit<C: Circuit>(circuit: &C, k: u32) {
    let instances = circuit.instances();
    let plain = keygen(&srs().cut(k).unwrap(), circuit, k, &CpuBackend).unwrap();
    let plain_proof = prove(&plain, circuit, &CpuBackend).unwrap();
    let plain_shape = ProofShape::new(plain.vk().extended(), k);
    for packing in [2, 3, 64] {
        let pk = packed_key(circuit, k, packing);
        assert_eq!(pk.vk().packing(), packing);
        let shape = ProofShape::new(pk.vk().extended(), k);
        assert!(shape.max_members() <= packing);
        let proof = prove(&pk, circuit, &CpuBackend).unwrap();
        verify(pk.vk(), &instances, &proof).unwrap_or_else(|e| panic!("packing {packing}: {e}"));
        assert_eq!(proof.len(), shape.proof_len());
        assert_eq!(shape.sorted_queries(), plain_shape.sorted_queries(), "packing changes no claim");
        assert!(shape.num_points() <= plain_shape.num_points());
        if packing == 64 {
            assert!(shape.num_points() < plain_shape.num_points(), "packing saves commitments");
            // Every commitment holds all the polynomials of its round opened at its rotations.
            for round in &shape.rounds {
                let mut sets: Vec<Vec<i32>> = Vec::new();
                for members in round {
                    let rots = |p: &Poly| -> Vec<i32> {
                        shape.queries.iter().filter(|(q, _)| q == p).map(|&(_, r)| r).collect()
                    };
                    let set = rots(&members[0]);
                    assert!(members.iter().all(|m| rots(m) == set), "a pack mixes rotation sets");
                    assert!(!sets.contains(&set), "two packs of one round share rotations");
                    sets.push(set);
                }
            }
        }
        let in_place = ProveOptions { quotient_memory: QuotientMemory::Bytes(0) };
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        assert_eq!(proof, prove_with_options(&pk, circuit, &CpuBackend, &mut rng, &in_place).unwrap());
        assert_ne!(pk.vk().digest(), plain.vk().digest(), "packing is part of the key's digest");
        assert!(verify(plain.vk(), &instances, &proof).is_err());
        assert!(verify(pk.vk(), &instances, &plain_proof).is_err());
    }
}

#[test]
fn feature_circuits_prove_and_verify_packed() {
    check_circuit(&Fibonacci { start: (1, 2), steps: 9, claim: None }, 5);
    check_circuit(&RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() }, 9);
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    check_circuit(&Memory { memory, reads: vec![(53, 28), (50, 1), (61, 100), (53, 28)] }, 6);
    check_circuit(&Rlc { bytes: (0..60u32).map(|i| (i * 13 % 256) as u8).collect() }, 9);
    check_circuit(&Product { pairs: (1..10).map(|i| (i, 2 * i)).collect(), forget_row: None }, 5);
    check_circuit(&LookupBatches::new(vec![1, 2, 3, 1]), 9);
}

#[test]
fn witnesses_that_fail_are_rejected_packed() {
    let claim = Some([Fr::from(1u64), Fr::from(1u64), Fr::from(22u64)]);
    let fib = Fibonacci { start: (1, 1), steps: 6, claim };
    let pk = packed_key(&fib, 5, 8);
    let proof = prove(&pk, &fib, &CpuBackend).unwrap();
    assert_eq!(verify(pk.vk(), &fib.instances(), &proof), Err(VerifyError::ConstraintsNotSatisfied));

    // A read of a value never written (the advice table's lookup fails).
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let honest = Memory { memory: memory.clone(), reads: vec![(53, 28), (50, 1)] };
    let pk = packed_key(&honest, 6, 8);
    let wrong_read = Memory { memory, reads: vec![(53, 29), (50, 1)] };
    let proof = prove(&pk, &wrong_read, &CpuBackend).unwrap();
    assert!(verify(pk.vk(), &wrong_read.instances(), &proof).is_err());

    let honest = RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() };
    let pk = packed_key(&honest, 9, 8);
    let mut values = honest.values.clone();
    values[17] = 256; // outside the table
    let out_of_range = RangeCheck { values };
    let proof = prove(&pk, &out_of_range, &CpuBackend).unwrap();
    assert!(verify(pk.vk(), &out_of_range.instances(), &proof).is_err());
}

/// Flipping any bit of any 32-byte word of a packed proof (commitments, evaluations, W, W')
/// makes it fail.
#[test]
fn every_word_of_a_packed_proof_matters() {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let circuit = Memory { memory, reads: vec![(53, 28), (50, 1), (61, 100), (53, 28)] };
    let pk = packed_key(&circuit, 6, 4);
    let instances = circuit.instances();
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &instances, &proof).unwrap();
    for word in 0..proof.len() / 32 {
        let mut bad = proof.clone();
        bad[32 * word + 31] ^= 1;
        assert!(verify(pk.vk(), &instances, &bad).is_err(), "word {word} of {} flipped", proof.len() / 32);
    }
    let mut changed = instances.clone();
    changed[0][0] += Fr::from(1u64);
    assert!(verify(pk.vk(), &changed, &proof).is_err());
}

/// Swapping two valid commitments of one SHPLONK group (two packs opened at the same
/// rotations) is rejected: each claim is bound to its own commitment.
#[test]
fn swapped_commitments_of_one_group_are_rejected() {
    let circuit = LookupBatches::new(vec![1, 2, 3, 1]);
    let k = 9;
    let pk = packed_key(&circuit, k, 2);
    let shape = ProofShape::new(pk.vk().extended(), k);
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &circuit.instances(), &proof).unwrap();
    let offsets: Vec<(Poly, usize)> =
        shape.rounds.iter().flatten().enumerate().map(|(i, members)| (members[0], 64 * i)).collect();
    let offset = |head: Poly| offsets.iter().find(|(h, _)| *h == head).map(|&(_, at)| at);
    let (a, b) = shape
        .groups
        .iter()
        .find_map(|(_, heads)| {
            let in_proof: Vec<usize> = heads.iter().filter_map(|&h| offset(h)).collect();
            (in_proof.len() >= 2).then(|| (in_proof[0], in_proof[1]))
        })
        .expect("a group with two proof commitments");
    assert_ne!(proof[a..a + 64], proof[b..b + 64]);
    let mut swapped = proof.clone();
    swapped[a..a + 64].copy_from_slice(&proof[b..b + 64]);
    swapped[b..b + 64].copy_from_slice(&proof[a..a + 64]);
    assert!(verify(pk.vk(), &circuit.instances(), &swapped).is_err());
}

/// Every claimed evaluation is opened by exactly one group, whatever the packing (a claim left
/// out of every group would be unchecked).
#[test]
fn every_query_is_opened_exactly_once() {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let memory = Memory { memory, reads: vec![(53, 28), (50, 1)] };
    let rlc = Rlc { bytes: (0..60u32).map(|i| (i * 13 % 256) as u8).collect() };
    let extended = |cs: rebuttal_prover::circuit::ConstraintSystem, zk: bool, packing: usize| {
        rebuttal_prover::plonk::argument::Extended::with_zero_knowledge(&cs, zk).with_packing(packing)
    };
    let systems = [
        constraint_system(&Fibonacci { start: (1, 2), steps: 9, claim: None }),
        constraint_system(&memory),
        constraint_system(&rlc),
        constraint_system(&LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1])),
        constraint_system(&Product { pairs: vec![(1, 2)], forget_row: None }),
    ];
    for cs in systems {
        for zk in [false, true] {
            for packing in [1, 2, 3, 8, 64] {
                let shape = ProofShape::new(&extended(cs.clone(), zk, packing), 9);
                assert_eq!(shape.opened_queries(), shape.sorted_queries(), "packing {packing}, zk {zk}");
                let mut distinct = shape.sorted_queries();
                distinct.dedup();
                assert_eq!(distinct.len(), shape.queries.len(), "a claim appears twice");
                for (s, (_, heads)) in shape.groups.iter().enumerate() {
                    let t = shape.group_packing(s);
                    assert!(heads.iter().all(|&h| shape.members(h).len() == t), "a group mixes pack sizes");
                    assert!(t <= packing.max(1));
                }
            }
        }
    }
}

fn constraint_system<C: Circuit>(circuit: &C) -> rebuttal_prover::circuit::ConstraintSystem {
    let mut cs = rebuttal_prover::circuit::ConstraintSystem::new();
    circuit.configure(&mut cs);
    cs
}

#[test]
fn packed_keys_round_trip_and_their_options_are_checked() {
    let circuit = Product { pairs: (1..10).map(|i| (i, 2 * i)).collect(), forget_row: None };
    let pk = packed_key(&circuit, 5, 4);
    let bytes = pk.vk().to_bytes();
    let decoded = VerifyingKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.packing(), 4);
    assert_eq!(decoded.to_bytes(), bytes);
    assert_eq!(decoded.packed_commitments(), pk.vk().packed_commitments());
    assert!(decoded.fixed_commitments().is_empty() && decoded.sigma_commitments().is_empty());
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(&decoded, &circuit.instances(), &proof).unwrap();
    let decoded_pk = ProvingKey::from_bytes(&pk.to_bytes()).unwrap();
    assert_eq!(prove(&decoded_pk, &circuit, &CpuBackend).unwrap(), proof);

    // The options byte follows magic, version and k; the packing follows it.
    let options_at = 12;
    assert_eq!(bytes[options_at], 2);
    assert_eq!(bytes[options_at + 1..options_at + 5], 4u32.to_be_bytes());
    let mut other = bytes.clone();
    other[options_at + 1..options_at + 5].copy_from_slice(&5u32.to_be_bytes());
    assert!(VerifyingKey::from_bytes(&other).is_err(), "another packing is another key");
    for low in [0u32, 1] {
        let mut bad = bytes.clone();
        bad[options_at + 1..options_at + 5].copy_from_slice(&low.to_be_bytes());
        let err = VerifyingKey::from_bytes(&bad).unwrap_err();
        assert!(err.to_string().contains("at least 2"), "{err}");
    }
    // A proving key whose fixed values differ from what the packed key commitments commit to
    // is refused on load (the values follow the embedded verifying key).
    let mut pk_bytes = pk.to_bytes();
    let first_value = 12 + bytes.len();
    pk_bytes[first_value + 31] ^= 1;
    match ProvingKey::from_bytes(&pk_bytes) {
        Err(PkError::CommitmentMismatch { what }) => assert!(what.starts_with("packed key commitment"), "{what}"),
        other => panic!("expected a packed commitment mismatch, got {other:?}"),
    }
    // Two SRS powers swapped at the end (valid points, used by W and W' but by no key pack
    // narrower than the widest pack) are found by the powers' pairing check.
    let mut pk_bytes = pk.to_bytes();
    let end = pk_bytes.len();
    let (a, b) = (end - 64, end - 128);
    let last = pk_bytes[a..end].to_vec();
    pk_bytes.copy_within(b..a, a);
    pk_bytes[b..a].copy_from_slice(&last);
    let err = ProvingKey::from_bytes(&pk_bytes).unwrap_err();
    assert!(matches!(err, PkError::SrsInconsistent), "{err}");
}

/// Every single-byte change and every cut of a packed verifying key is an error, never a panic
/// or another key (the options byte, the packing, the packed commitments, the digest).
#[test]
fn every_byte_of_a_packed_key_matters() {
    let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
    let pk = packed_key(&circuit, 5, 3);
    let bytes = pk.vk().to_bytes();
    for i in 0..bytes.len() {
        for flip in [0x01, 0x10, 0x80] {
            let mut tampered = bytes.clone();
            tampered[i] ^= flip;
            assert!(
                VerifyingKey::from_bytes(&tampered).is_err(),
                "flip {flip:#x} at byte {i} of {} accepted",
                bytes.len()
            );
        }
    }
    for cut in [0, 12, 13, 15, 17, bytes.len() / 2, bytes.len() - 1] {
        assert!(VerifyingKey::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn packing_needs_srs_powers_for_its_degree() {
    let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
    let k = 5;
    let small = Srs::unsafe_setup(k + 1, 42).unwrap();
    let err = keygen_with_config(&small, &circuit, k, &CpuBackend, config(8, false)).unwrap_err();
    assert!(matches!(err, KeygenError::SrsTooSmallForPacking { needed, have: 64, .. } if needed > 64), "{err}");
    keygen_with_config(&small, &circuit, k, &CpuBackend, config(2, false)).unwrap();
    let beyond = u32::MAX as usize + 1;
    let err = keygen_with_config(&small, &circuit, k, &CpuBackend, config(beyond, false)).unwrap_err();
    assert!(matches!(err, KeygenError::PackingTooLarge { packing } if packing == beyond), "{err}");
}

#[test]
fn packing_with_zero_knowledge() {
    let circuit = Memory {
        memory: (0..12).map(|i| (50 + i, 9 * i + 1)).collect(),
        reads: vec![(53, 28), (50, 1), (61, 100), (53, 28)],
    };
    let k = 6;
    let pk = keygen_with_config(&srs(), &circuit, k, &CpuBackend, config(8, true)).unwrap();
    let instances = circuit.instances();
    let first = prove_with_rng(&pk, &circuit, &CpuBackend, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    let second = prove_with_rng(&pk, &circuit, &CpuBackend, &mut ChaCha20Rng::seed_from_u64(2)).unwrap();
    verify(pk.vk(), &instances, &first).unwrap();
    verify(pk.vk(), &instances, &second).unwrap();
    assert_ne!(first, second);
    let decoded = VerifyingKey::from_bytes(&pk.vk().to_bytes()).unwrap();
    assert!(decoded.zero_knowledge() && decoded.packing() == 8);
    verify(&decoded, &instances, &first).unwrap();
}
