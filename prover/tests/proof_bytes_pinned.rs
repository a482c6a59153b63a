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
//! changed once more when keys gained their options byte (zero-knowledge flag), proofs unchanged.

use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::{keygen, prove, verify};
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
fn digests<C: Circuit>(circuit: &C, k: u32, valid: bool) -> [String; 3] {
    let srs = Srs::unsafe_setup(k, SRS_SEED).unwrap();
    let pk = keygen(&srs, circuit, k, &CpuBackend).unwrap();
    let proof = prove(&pk, circuit, &CpuBackend).unwrap();
    assert_eq!(verify(pk.vk(), &circuit.instances(), &proof).is_ok(), valid);
    [keccak_hex(&pk.vk().to_bytes()), keccak_hex(&pk.to_bytes()), keccak_hex(&proof)]
}

fn check<C: Circuit>(name: &str, circuit: &C, k: u32, valid: bool, expected: [&str; 3]) {
    let got = digests(circuit, k, valid);
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
            "525e27ba5a489c20cb3f541ae5c68a9dfdafc7333dd65c5cce060d3b7e202b5b",
            "f185d94c7fc8e6a9f45507cf08c0f0008a91fcc19c9d6a489b1fa679e206769f",
            "2ab2ea54fdbd1a1e8883f077fc115ebdddeb58c50f89f6f299dc0e0d54d298cb",
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
            "09fd95dc309816d0c3d838983094b70b423f543a6839b25aef999e83bbfa88a6",
            "c92097c581b4bba8ec41109a569f33df23e54075e3e247bc8fe78538359cc734",
            "37d773740bc040cb174368556e1d4cefb5203806c4af4a0665b26c8f167f6680",
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
            "79dbd8dfc9ca33ea96bae5034a72d0a663f9fa7324ecf663b9172258336eeb17",
            "ba8f4280d36332088f3ef83d0120732a6350f45c1e03a2d1068d0816ff83d104",
            "daf07e5bc36d3e8c58040b0235c08153aa12155608b08119d72261565e806890",
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
            "e0600a9d356f6c39cd3944bc289f1e7e61bdc32a759c0e1c41c3a7cc39d685d0",
            "0f8e39c6080087edaba0fe32d8ec1afdeaf241a6c59f52c6613eda1cf42299ce",
            "254adec19fd31f786de1a9e4b1bc981d6b8bff0285f2687fe350848f68a01cef",
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
            "c1d9493441fc29693e75e98b7ab97072d32ace05ea5891a41ae47368cce5c6a5",
            "e038ec3ce104be02cc08da22648d08679a5269be2b7f62d333d3d8330d070fae",
            "c564434fcb6fc33be57424d4ac28e79e92e965643b27e45ddf02945c84d75c26",
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
            "c8aa99a580e13b141740c850c7caf41c17bf3fe6ae906df51cd045a83cc49c06",
            "f55919283097ef799cdd4a8ded1bf59ae9c0bc394a74d7ab6d2cfe595e1f5cdf",
            "2db5bdecdbe1c8326ec336e4845accb68ac34da5cddaf09503c230149faef779",
        ],
    );
}
