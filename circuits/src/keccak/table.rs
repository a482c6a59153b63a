//! The fixed lookup table `(tag, input, output)` every normalisation reads, three tables in one
//! (one multiplicity and one running-sum column instead of three of each, and its lookups can
//! share logUp helper columns across tags):
//!
//! - [`PARITY`]: every `c`-digit sparse value with digits `0..=5` → the parity of each digit;
//! - [`CHI`]: every `c`-digit sparse value with digits `0..=4` → χ of each digit, where the digit
//!   `3 − 2a + b − c` of bits `a, b, c` determines `a ⊕ (¬b ∧ c)` as `[0, 1, 1, 0, 0][digit]`;
//! - [`BYTE`]: every byte → its sparse value (a byte range check and conversion in one).
//!
//! Rows past the entries are all zero, and `(tag, 0, 0)` is a valid entry of every tag, so a
//! lookup whose input is switched off by a selector is satisfied by zeros.

use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{AssignError, FixedAssignment, FixedColumn};

use super::layout::{BASE, sparse};

/// Tag of the parity table.
pub const PARITY: u64 = 1;
/// Tag of the χ table.
pub const CHI: u64 = 2;
/// Tag of the byte table.
pub const BYTE: u64 = 3;

/// Largest digit the parity table accepts: θ's column sums add five bits.
pub const PARITY_MAX_DIGIT: u64 = 5;
/// χ of the digit `3 − 2a + b − c`.
pub const CHI_OF_DIGIT: [u64; 5] = [0, 1, 1, 0, 0];

/// Rows the table fills for chunks of `chunk_bits` digits.
pub fn table_rows(chunk_bits: usize) -> usize {
    let c = chunk_bits as u32;
    (PARITY_MAX_DIGIT as usize + 1).pow(c) + CHI_OF_DIGIT.len().pow(c) + 256
}

/// Every `(input, output)` of the table with `digits` possible digit values, output digit by digit.
fn digit_map(chunk_bits: usize, digits: u64, map: impl Fn(u64) -> u64) -> impl Iterator<Item = (u64, u64)> {
    let count = digits.pow(chunk_bits as u32);
    (0..count).map(move |mut n| {
        let (mut input, mut output, mut place) = (0, 0, 1);
        for _ in 0..chunk_bits {
            let d = n % digits;
            n /= digits;
            input += d * place;
            output += map(d) * place;
            place *= BASE;
        }
        (input, output)
    })
}

/// Fills the three fixed columns with the table's entries.
pub fn assign_table(
    fixed: &mut FixedAssignment<'_>,
    chunk_bits: usize,
    [tag, input, output]: [FixedColumn; 3],
) -> Result<(), AssignError> {
    let parity = digit_map(chunk_bits, PARITY_MAX_DIGIT + 1, |d| d & 1).map(|e| (PARITY, e));
    let chi = digit_map(chunk_bits, CHI_OF_DIGIT.len() as u64, |d| CHI_OF_DIGIT[d as usize]).map(|e| (CHI, e));
    let bytes = (0..256u64).map(|b| (BYTE, (b, sparse(b, 8))));
    let rows = table_rows(chunk_bits);
    if rows > fixed.usable_rows() {
        return Err(AssignError::Circuit(format!(
            "the keccak lookup table needs {rows} rows, only {} are usable",
            fixed.usable_rows()
        )));
    }
    let mut columns = fixed.columns_mut(&[tag, input, output])?;
    for (row, (t, (i, o))) in parity.chain(chi).chain(bytes).enumerate() {
        columns[0][row] = Fr::from(t);
        columns[1][row] = Fr::from(i);
        columns[2][row] = Fr::from(o);
    }
    Ok(())
}
