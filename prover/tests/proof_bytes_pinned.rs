//! Pins the exact bytes of proofs, verifying keys and proving keys of fixed circuits under a fixed
//! SRS seed, as keccak256 digests.
//!
//! Prover optimisations must not change a single byte: the Solidity verifier mirrors the proof
//! layout, the transcript and the constraint list, and any change there shows up here. If a digest
//! changes on purpose (a new protocol version), update it together with the verifier generator.
//!
//! The digests were recorded on commit 22651bd (before the prover's performance work) and
//! re-pinned deliberately for protocol version 2 (branch `logup-batching`): the proof shape
//! changed for logUp batching — lookups share helper columns, the table helper `1/(β + t)` is
//! gone (its fraction moved into the running-sum step), and the version is part of the VK
//! digest, so even the circuits without lookups (fibonacci, product) have new bytes. The key digests
//! changed once more when keys gained their options byte (zero-knowledge flag), proofs unchanged;
//! and every digest (so every proof) changed when the shape encoding began to cover the tables
//! and lookups as declared (a review found unread tables' names outside the digest).
//!
//! Every proof is made three times, with the quotient copying every committed column, none (all
//! moved to the sub-cosets in place) and a few: the bytes must not depend on the memory choice.

use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::{
    KeygenConfig, ProveOptions, QuotientMemory, keygen_with_config, prove, prove_with_options, verify,
};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::{Fibonacci, Memory, Product, RangeCheck, Rlc};
use sha3::{Digest, Keccak256};

const SRS_SEED: u64 = 42;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn keccak_hex(bytes: &[u8]) -> String {
    hex(&Keccak256::digest(bytes))
}

/// `(vk bytes, pk bytes, proof bytes)` digests of `circuit` at `2^k` rows. `valid` says whether
/// the proof must verify.
fn digests<C: Circuit>(circuit: &C, k: u32, valid: bool, packing: usize) -> [String; 3] {
    let srs = Srs::unsafe_setup(k + packing.next_power_of_two().trailing_zeros(), SRS_SEED).unwrap();
    let config = KeygenConfig { zero_knowledge: false, packing };
    let pk = keygen_with_config(&srs, circuit, k, &CpuBackend, config).unwrap();
    let proof = prove(&pk, circuit, &CpuBackend).unwrap();
    let column_bytes = (1usize << k) * 32;
    for quotient_memory in
        [QuotientMemory::Bytes(0), QuotientMemory::Bytes(3 * column_bytes), QuotientMemory::Bytes(usize::MAX)]
    {
        let options = ProveOptions { quotient_memory };
        let other = prove_with_options(&pk, circuit, &CpuBackend, &mut rand_core::OsRng, &options).unwrap();
        assert!(other == proof, "{quotient_memory:?}: the proof bytes depend on the quotient's memory budget");
    }
    assert_eq!(verify(pk.vk(), &circuit.instances(), &proof).is_ok(), valid);
    [keccak_hex(&pk.vk().to_bytes()), keccak_hex(&pk.to_bytes()), keccak_hex(&proof)]
}

fn check<C: Circuit>(name: &str, circuit: &C, k: u32, valid: bool, expected: [&str; 3]) {
    check_packed(name, circuit, k, valid, 1, expected)
}

fn check_packed<C: Circuit>(name: &str, circuit: &C, k: u32, valid: bool, packing: usize, expected: [&str; 3]) {
    let got = digests(circuit, k, valid, packing);
    if got.iter().zip(expected).any(|(g, e)| g != e) {
        eprintln!("{name}: got digests {got:?}");
    }
    for (what, (got, expected)) in ["vk", "pk", "proof"].iter().zip(got.iter().zip(expected)) {
        assert_eq!(got, expected, "{name}: keccak256 of the {what} bytes changed");
    }
}

#[test]
fn fibonacci_rotations_copies_and_an_instance_column() {
    check(
        "fibonacci",
        &Fibonacci { start: (1, 2), steps: 9, claim: None },
        5,
        true,
        [
            "77e29313ad76f565e8df6ced1704175869f479514aa41ced0fbc00d9d95616ba",
            "c39cff02002e106c743d00df5d5d0b622e9e6e9fb0567847f1da4bb261dcfc78",
            "61a39a2ab083043aad225ae1a6425122170b27ece75637b76170e73e9046cc17",
        ],
    );
}

#[test]
fn range_check_with_a_fixed_table() {
    check(
        "range check",
        &RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() },
        9,
        true,
        [
            "2ccaccb3dabce95ea994139767a5153b0c8313ded4c55a023102f7fe74232198",
            "662f3f1bc053b6d2b2d0d748ba8145a8b94c035b6e698230611a4287ea1f965e",
            "08e92299cab36e9f453cd7676db3fb4de15d1f29bbeb0dc01402a9fc56a68f5b",
        ],
    );
}

#[test]
fn memory_with_an_advice_table_and_two_instance_columns() {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    check(
        "memory",
        &Memory { memory, reads },
        6,
        true,
        [
            "6fb28b621289ba8ceece2a25f85b31aede9e7cce4123d8bebce3c17add67075b",
            "d7281351d2f39f9194287e5ce9681b31d78bfdfe2e1b08ee153b79ba4bfb7f2a",
            "cf9e66918ab777ecd9ca883fa39a60faccca403fe663c5f0da046cff255465ad",
        ],
    );
}

#[test]
fn rlc_with_three_phases_and_challenges() {
    let bytes: Vec<u8> = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    check(
        "rlc",
        &Rlc { bytes },
        9,
        true,
        [
            "8eb05acb00c9c6a44452f9319825b958a49c20c25702d624ff855a38aa07193c",
            "7dbe17047343a6e1f12494e02a7064bb5941d1664e1038671f99d915982a802a",
            "a99fc71ba25050d4c959a851bb1e3d5e6129b4403e58a4d631643c6305899506",
        ],
    );
}

#[test]
fn product_with_many_rows() {
    // Enough rows that the prover's parallel paths split the work.
    let pairs: Vec<(u64, u64)> = (1..1000).map(|i| (i, 3 * i + 7)).collect();
    check(
        "product",
        &Product { pairs, forget_row: None },
        10,
        true,
        [
            "57eba970932a8e40d18aff84faa40108d83a61aa007dadd58091e667cc50471c",
            "6e80536632dee7e1b67b6c5926d2b0e0d8cf43ab256e5caefbce2029095bde8f",
            "1da9463866c0878578caf9481365cdc90651ec315dc5e50627fd710ca6c98715",
        ],
    );
}

#[test]
fn an_invalid_witness_gives_the_same_rejected_proof() {
    // The quotient of an unsatisfied system is not a polynomial identity; pinning it shows that
    // the prover still computes it the same way (same evaluation points, same interpolation).
    let fib = Fibonacci { start: (1, 1), steps: 6, claim: Some([Fr::from(1u64), Fr::from(1u64), Fr::from(22u64)]) };
    check(
        "invalid fibonacci",
        &fib,
        5,
        false,
        [
            "82eace54c9a096965de4bdda5b61455dcbd7313424c0bb60c6d24faebb214acc",
            "6333cbc2a4f11c63aec026786de5789af9de284c77e82e3bce42e07c3f2ec997",
            "f3ff644a5a17803fe7774e800a1471f24aee1ad692da4dd9ff9fc89abad1a654",
        ],
    );
}

/// Packed keys and proofs: the pack layout (which polynomials share a commitment, in which
/// order) is part of the protocol, so a change to it must show here.
#[test]
fn packed_memory_and_rlc() {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    check_packed(
        "memory packed",
        &Memory { memory, reads },
        6,
        true,
        4,
        [
            "471391590daa52d419ae0c3e90c8dd16bdd503f4bdc6cfe9f9204062542b2f28",
            "10de6eacc67ddea1de12b91a9f08f5826f75abb9d82da5a4b8f5992ad80663be",
            "c4051e2e4aa2dc532816755520f5322b5c224b6f98995c0ff38a2814419da212",
        ],
    );
    let bytes = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    check_packed(
        "rlc packed",
        &Rlc { bytes },
        9,
        true,
        3,
        [
            "6c8e47ffdfe53c4ff3bb12076aec0d9ab44fed22bfea4cbcaa2a1dcb7697dd65",
            "1c7a799365565117430d1d329c6a0ce292189a56fabb96a52569e41c20e0f4f1",
            "ffc948e6b3399107b8de8fd93ead62ca608b3c19210a214c7521d34f742b66c5",
        ],
    );
}
