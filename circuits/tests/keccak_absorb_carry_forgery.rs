//! Regression test for a forgery found in review: the absorb row's last (short) standard chunk takes a hidden digit 4 just below its
//! first digit and lowers that digit by one; the chunk below gets +4 on its top digit. 4 + 4 = 8
//! carries, so the absorb gate (Σ chunks · 8^start = bytes) holds, all lookups see digits ≤ 5, and
//! parity(4) = 0 — but bit 64 − len of the lane was absorbed as 0 although the bytes (and the
//! input RLC) have it set, and the table claimed keccak(honest) for the claimed input. Every piece
//! shorter than a chunk is now also looked up unshifted (an integer, hence no hidden digits): the
//! forged witness must fail exactly there.

mod common;

use common::{add_to_input_rlc, get, set};
use ff::Field;
use rebuttal_circuits::keccak::KeccakCircuit;
use rebuttal_circuits::keccak::layout::{Layout, sparse};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::mock::{MockProver, VerifyFailure};

fn forge(c: usize, k: u32, lane: usize) {
    let layout = Layout::new(c);
    let chunks = layout.chunks().to_vec();
    let nstd = chunks.len();
    let last = chunks[nstd - 1];
    assert!(last.len < c);
    let n = 30usize;
    let honest = vec![0x01u8; n];
    let s0 = 8 * lane + 7;
    let bit = 64 - last.len - 56; // bit of the top byte at lane digit 64 − len
    let mut claimed = honest.clone();
    claimed[s0] |= 1 << bit;
    let mut p = MockProver::run(k, &KeccakCircuit::with_shape(vec![honest], c, k).unwrap()).unwrap();
    p.assert_satisfied();
    let r = p.challenges()[0];
    set(&mut p, "byte[7]", lane, Fr::from(claimed[s0] as u64));
    set(&mut p, "sparse[7]", lane, Fr::from(sparse(claimed[s0] as u64, 8)));
    let m = (c - last.len) as u32;
    // chunk nstd−2 (full): +4 on its top digit (the honest digit there is 0).
    let below = format!("theta_in[{lane}][{}]", nstd - 2);
    let v = get(&p, &below, 0) + Fr::from(4 * 8u64.pow(c as u32 - 1));
    set(&mut p, &below, 0, v);
    // last chunk: looked-up value T_honest + 4·8^(m−1) (claimed bit minus the carry).
    let shift = Fr::from(layout.shift(last.len));
    let t = get(&p, &format!("theta_in[{lane}][{}]", nstd - 1), 0) * shift + Fr::from(4 * 8u64.pow(m - 1));
    set(&mut p, &format!("theta_in[{lane}][{}]", nstd - 1), 0, t * shift.invert().unwrap());
    // theta_out = parity(T): the honest output (parity(4) = 0).
    let delta = Fr::from((claimed[s0] - 0x01) as u64);
    add_to_input_rlc(&mut p, s0, delta, n, r);
    let failures = p.verify().expect_err("the forged witness must be rejected");
    let all: Vec<String> = failures.iter().take(10).map(ToString::to_string).collect();
    assert!(
        failures.iter().any(
            |f| matches!(f, VerifyFailure::Lookup { lookup, row: 0, .. } if lookup.starts_with("θ piece is an integer"))
        ),
        "expected the integer lookup to reject the forgery (c = {c}), got:\n{}",
        all.join("\n")
    );
}

#[test]
fn a_carry_from_a_short_absorb_chunk_is_rejected_with_3_bit_chunks() {
    forge(3, 10, 1);
}
#[test]
fn a_carry_from_a_short_absorb_chunk_is_rejected_with_5_bit_chunks() {
    forge(5, 14, 2);
}
