//! Shared helpers of the keccak circuit tests.
#![allow(dead_code)]

use ff::Field;
use rebuttal_circuits::keccak::{KeccakCircuit, digest_words, input_rlc};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::mock::MockProver;
use sha3::{Digest, Keccak256};

/// Chunk size and k used by the MockProver tests: a 597-row table, 40 keccak-f per circuit.
pub const CHUNK_BITS: usize = 3;
pub const K: u32 = 10;

pub fn sha3_keccak(input: &[u8]) -> [u8; 32] {
    Keccak256::digest(input).into()
}

pub fn circuit(inputs: Vec<Vec<u8>>) -> KeccakCircuit {
    KeccakCircuit::with_shape(inputs, CHUNK_BITS, K).expect("inputs fit")
}

pub fn mock(circuit: &KeccakCircuit) -> MockProver {
    MockProver::run(K, circuit).expect("assignment succeeds")
}

/// A column of the circuit by name.
pub fn column(prover: &MockProver, name: &str) -> rebuttal_prover::circuit::Column {
    prover.cs().column_by_name(name).unwrap_or_else(|| panic!("no column `{name}`"))
}

/// The value of the named column's cell at `row`.
pub fn get(prover: &MockProver, name: &str, row: usize) -> Fr {
    prover.cell(column(prover, name).cell(row)).expect("cell exists")
}

/// Overwrites the named column's cell at `row` (a forged witness), returning the old value.
pub fn set(prover: &mut MockProver, name: &str, row: usize, value: Fr) -> Fr {
    let cell = column(prover, name).cell(row);
    prover.set_cell(cell, value).expect("cell exists")
}

/// The enabled rows of the keccak table: `(rlc, len, hi, lo)` on each region's last row whose
/// `is_final` is set, in region order.
pub fn table_rows(prover: &MockProver) -> Vec<[Fr; 4]> {
    let get = |name: &str, row: usize| prover.cell(column(prover, name).cell(row)).unwrap();
    let regions = prover.usable_rows() / 25;
    (0..regions)
        .map(|p| 25 * p + 24)
        .filter(|&row| get("is_final", row) == Fr::ONE)
        .map(|row| [get("rlc", row), get("len", row), get("hi", row), get("lo", row)])
        .collect()
}

/// The table row the circuit must expose for `input` under challenge `r`.
pub fn expected_row(input: &[u8], r: Fr) -> [Fr; 4] {
    let (hi, lo) = digest_words(&sha3_keccak(input));
    [input_rlc(input, r), Fr::from(input.len() as u64), hi, lo]
}

/// Proves `inputs` with the MockProver and checks every table row against the `sha3` crate.
pub fn check_inputs(inputs: Vec<Vec<u8>>) {
    let c = circuit(inputs.clone());
    let prover = mock(&c);
    prover.assert_satisfied();
    let r = prover.challenges()[0];
    let rows = table_rows(&prover);
    for (i, input) in inputs.iter().enumerate() {
        assert_eq!(rows[i], expected_row(input, r), "input {i} of {} bytes", input.len());
    }
    // Every remaining region hashes the empty string.
    let empty = expected_row(&[], r);
    assert!(rows[inputs.len()..].iter().all(|row| *row == empty));
    assert_eq!(rows.len(), inputs.len() + prover.usable_rows() / 25 - c.num_permutations());
}

/// Re-derives the input RLC of a one-block input of `len` bytes after its byte `at` grew by
/// `delta`: the running accumulators from that byte on and the table row's `rlc`, as a prover
/// would after the challenge `r` (for forged witnesses).
pub fn add_to_input_rlc(prover: &mut MockProver, at: usize, delta: Fr, len: usize, r: Fr) {
    for s in at..17 * 8 {
        let e = s.min(len - 1) - at;
        let name = format!("acc[{}]", s % 8);
        let v = get(prover, &name, s / 8) + delta * r.pow_vartime([e as u64]);
        set(prover, &name, s / 8, v);
    }
    let v = get(prover, "rlc", 24) + delta * r.pow_vartime([(len - 1 - at) as u64]);
    set(prover, "rlc", 24, v);
}
