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
//! digest, so even the circuits without lookups (fibonacci, product) have new bytes.

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
            "bcd8f398b96903686fe1c38bad9b9e24d1d953b5b7dbc844283dc267cfad2d16",
            "da323cb0409c2c4f31db68d6d25fbf137186ee9af2ea6407cb01178aae0d1898",
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
            "1e9e85eb7f2c4889833d091299f1ceb8263ef4b8454df033148b916d9412f9bd",
            "20668a912775fa523f763f23abafba306cad2d1b56cf929033bc853d0b4a7552",
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
            "e76d0108424b132287e8820bed4b3f72050a9a01a40233101525e9d034cef238",
            "5a9d9480ffd64e8ae3a7ff09a7044b4e587ef1ad80e460b8c44994ccb9fff586",
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
            "a9173f724f988cf2253479e3669bd853f5b7f85bcba207b554e20f54c575fcc9",
            "fe88d1f6443845f99c952f5afd984f8f682eab19fd9c3abf9fc6fed203bd15a5",
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
            "ed3337cfe8217a58fd5431f913902768444716470f2a3e7833cdca5d1cfbdf1e",
            "d5012bccffb3c6f1e6112019a2a9100ab41fcdcba934eaf0fda9867bb229c171",
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
            "d6fe88ac8dc532489ae40b81eb3b3a65781e1d8bac295e4440a7a27048544d3e",
            "63f76ff29257bb7ce8d4601d5750f06bc8fe73884364f81a57d2fe69b93f10f4",
            "2db5bdecdbe1c8326ec336e4845accb68ac34da5cddaf09503c230149faef779",
        ],
    );
}
