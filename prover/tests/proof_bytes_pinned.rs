//! Pins the exact bytes of proofs, verifying keys and proving keys of fixed circuits under a fixed
//! SRS seed, as keccak256 digests.
//!
//! Prover optimisations must not change a single byte: the Solidity verifier mirrors the proof
//! layout, the transcript and the constraint list, and any change there shows up here. If a digest
//! changes on purpose (a new protocol version), update it together with the verifier generator.
//!
//! The digests were recorded on commit 22651bd (before the prover's performance work).

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
            "7dca8f7e73bece902c1f099f32ee17921d39c466581f9c892636e8e7580652f9",
            "b58d8034c64b2933a819f8e67a3a8b82d98d331debf20f06c7a80f8793a60c9c",
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
            "3ca0b53ccfa54b24423f763b8d925dd8c132e0046d174cd1fdca9d341fe17242",
            "bb0d2d78c4849af9dd6c67f13f1569e9b44c16e4f8074ad33b0219e1efcf7f5f",
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
            "0843e2a7e451c4dcd73683d7f0d5c0c91aef5cf20bcb5d05035bd6084a49818b",
            "611b95e45de12c90f89bff318f5191a7fa2be82021e18ca38158c9fbb572a8af",
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
            "70e2ba794a6ec6f2a7473d368a2bd7536c6c79a04141cdcbcd502c88f41d4c65",
            "5a45b378cdaab24538e44d89679628a152394c6cdbf1dc24ea547552a61a4b9a",
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
            "0f6ac6866cf772eb83c306c587ef33e71ccacd5e46fdfcb75c6d60d28a05b13a",
            "0e539ed90f94c3ac4bbd5aad545a92fd1543258ad0e7f5af0e1d3a4c0c2097b5",
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
            "414bdd89a1c730fa05404e06e98789ab88f1c8b9ec2f8ec709168e527fbad353",
            "20fa0d15d22321284c364516a4d81c29c4d2f0ef480d503229aa303d7aa50a55",
            "012abec4f1f54708151424e5957ef80030dbf5753f1bf35dbe04f79cd8735427",
        ],
    );
}
