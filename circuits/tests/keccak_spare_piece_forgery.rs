//! Regression test for a forgery found in review: on the absorb row, a rate lane's spare θ piece
//! shorter than a chunk is looked up times 8^(c−len), so it could hold a fraction whose multiple
//! by 8^64 landed on the lane's top digits. Block bits put there were committed by the bytes and
//! the input RLC but never absorbed, so the table claimed keccak(honest input) for another input.
//! The absorb gate now forces every spare piece to zero on its own; the forged witness must fail
//! exactly there.

mod common;

use common::{add_to_input_rlc, set};
use ff::Field;
use rebuttal_circuits::keccak::KeccakCircuit;
use rebuttal_circuits::keccak::layout::{Layout, sparse};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::mock::{MockProver, VerifyFailure};

/// Hides bits 62 and 63 of rate lane `lane` in its spare piece: the witness proves
/// keccak(honest) while its bytes and RLC are those of `claimed`.
fn forge(chunk_bits: usize, k: u32, lane: usize) {
    let layout = Layout::new(chunk_bits);
    let nstd = layout.chunks().len();
    let spare = layout.pieces(lane)[nstd];
    assert!(spare.len < chunk_bits, "this lane's spare piece must be shorter than a chunk for the attack");
    let n = 30usize;
    let honest = vec![0x11u8; n];
    let s0 = 8 * lane + 7; // the lane's top byte; 0x11 leaves its bits 6 and 7 clear
    let mut claimed = honest.clone();
    claimed[s0] |= 0xC0;

    let mut p = MockProver::run(k, &KeccakCircuit::with_shape(vec![honest], chunk_bits, k).unwrap()).unwrap();
    p.assert_satisfied();
    let r = p.challenges()[0];
    set(&mut p, "byte[7]", lane, Fr::from(claimed[s0] as u64));
    set(&mut p, "sparse[7]", lane, Fr::from(sparse(claimed[s0] as u64, 8)));
    let top_digits = Fr::from(1 + 8u64);
    let shift = Fr::from(layout.shift(spare.len));
    set(&mut p, &format!("theta_in[{lane}][{nstd}]"), 0, top_digits * shift.invert().unwrap());
    set(&mut p, &format!("theta_out[{lane}][{nstd}]"), 0, top_digits);
    // The RLC of the claimed input, as a prover would compute it after the challenge.
    let delta = Fr::from(0xC0u64);
    add_to_input_rlc(&mut p, s0, delta, n, r);

    let failures = p.verify().expect_err("the forged witness must be rejected");
    let expected = format!("piece [{lane}][{nstd}] holds no block");
    let found = failures.iter().any(|f| {
        matches!(f, VerifyFailure::Gate { gate, constraint, row: 0, .. } if gate == "absorb" && *constraint == expected)
    });
    let all: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(found, "expected gate `absorb/{expected}` at row 0, got:\n{}", all.join("\n"));
}

#[test]
fn a_spare_piece_cannot_hide_block_bits_with_3_bit_chunks() {
    forge(3, 10, 1);
}

#[test]
fn a_spare_piece_cannot_hide_block_bits_with_4_bit_chunks() {
    forge(4, 12, 2);
}
