//! Pins the exact bytes of proofs, verifying keys and proving keys of fixed circuits under a fixed
//! SRS seed, as keccak256 digests.
//!
//! Prover optimisations must not change a single byte: the Solidity verifier mirrors the proof
//! layout, the transcript and the constraint list, and any change there shows up here. If a digest
//! changes on purpose (a new protocol version), update it together with the verifier generator.
//!
//! The proof digests were recorded on commit 22651bd (before the prover's performance work); the
//! verifying- and proving-key digests were re-recorded when the key gained its options byte
//! (zero-knowledge flag), with every proof digest unchanged.

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
            "70d2d0fb86e646e4420781e69d173c74aa244a71be2c10a54a48e4c3715bf1e3",
            "b71c5ecced4b2a0d6a99d090e9e1ae0178b5b64b5f251286abd80bc4d71e5cca",
            "f716c153eecbf0bda45e78a50a95544fdd10de2d23008bc2187db6cc9e325f6f",
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
            "2a50e6df68645fbfbee78afa77981b7f90f84edfd8d5e66f155c38dd8ec316ad",
            "6273ba34ed6760359ca1c182d82c14d5848eb6cab7d4704a2f3050028d77405b",
            "0a551d66da4b7a9c8eb195cff196d79de255110285c8c864d397ff20801edcfa",
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
            "b6c89934885869f8d9cec479f2ab898559aebc8aed187ef251c3dbeb8a6f38f3",
            "8dc4fcbceff170444cc9fe737559f449f89ff29fa3fb4e4cc508f1c7dfbbb3a7",
            "50914e6b8234ee3aa6376da6afb62c1eb6d40a82fd4eeff432cb3c2d4e5f49da",
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
            "0c5fa0fde833ba8aa6f17ee8793db1f7973252f93df6be848a5da3698c3899e2",
            "b21cd65a4421a41af6c3c9eee1c94acb47a1aca37e9f1c2954ec9a7943048b5e",
            "42e38205158c8622122f0c8829c8407adfff85489cf2cfa7e2650a33ac35fcee",
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
            "21246d273d77e4e6f376763fc8fdd2252c89e880a0571a48519ef0821d05451f",
            "e5d3529e7f1dd1e0f4bb335ddb954ddd1ebfaadbeb41b814033ee8c5c2e19e4a",
            "89f5d61e391be3cfa3b5e24dfb37b659cbd9f1495971292379f474698e21c8af",
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
            "9f1f0db57e1b0448126dcb28afb2dc6d64bd6383a6792a42f414df296c1ef09b",
            "279b6b3b9e38e9c3f7640ab4cdb427cad0b98b19d1a3b710694bf687b5dd1a49",
            "012abec4f1f54708151424e5957ef80030dbf5753f1bf35dbe04f79cd8735427",
        ],
    );
}
