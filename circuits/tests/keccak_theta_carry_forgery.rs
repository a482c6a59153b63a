//! Regression test for a forgery found in review: a coordinated two-cell forgery of a θ normalisation on a round row, using a carry.
//! Piece B (shorter than a chunk, looked up times 8^(c−len)) gets a hidden low digit 4 at source
//! digit s_B − 1 and its lowest real digit lowered by 1 (−8 there); piece A, which ends at s_B,
//! gets +4 on its top digit (where the honest θ sum digit is 0 or 1). 4 + 4 = 8 carries into
//! digit s_B, so the θ gate holds; every looked-up value keeps digits ≤ 5, so the parity lookups
//! hold; parity(4) = 0 so no fractional garbage reaches χ; but θ's output bit s_B is flipped.
//! Everything downstream of row 24 (χ, ι, squeeze bytes, hi/lo) is recomputed honestly from the
//! flipped bit: the keccak table then claimed a wrong digest for the honest input. Every piece
//! shorter than a chunk is now also looked up unshifted (an integer, hence no hidden digits): the
//! forged witness must fail exactly there.

mod common;

use common::{get, set};
use ff::{Field, PrimeField};
use rebuttal_circuits::keccak::layout::{Layout, sparse};
use rebuttal_circuits::keccak::reference::{keccak256, pi_destination};
use rebuttal_circuits::keccak::{KeccakCircuit, digest_words};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::mock::{MockProver, VerifyFailure};

fn to_u64(v: Fr) -> u64 {
    let r = v.to_repr();
    let b = r.as_ref();
    assert!(b[8..].iter().all(|&x| x == 0), "not a small integer");
    u64::from_le_bytes(b[..8].try_into().unwrap())
}
fn digit(t: u64, i: usize) -> u64 {
    (t >> (3 * i)) & 7
}
fn map_digits(t: u64, c: usize, f: impl Fn(u64) -> u64) -> u64 {
    (0..c).map(|i| f(digit(t, i)) << (3 * i)).sum()
}

fn forge(chunk_bits: usize, k: u32) {
    let c = chunk_bits;
    let layout = Layout::new(c);
    let chunks = layout.chunks().to_vec();
    let row = 24; // round 23 of the only (final) block
    for seed in 0u8..8 {
        let input: Vec<u8> = (0..30u8).map(|i| i.wrapping_mul(37).wrapping_add(seed.wrapping_mul(101))).collect();
        let honest_digest = keccak256(&input);
        let p = MockProver::run(k, &KeccakCircuit::with_shape(vec![input.clone()], c, k).unwrap()).unwrap();
        p.assert_satisfied();
        let shiftf = |len: usize| Fr::from(layout.shift(len));
        let t_of = |p: &MockProver, lane: usize, q: usize| {
            let len = layout.pieces(lane)[q].len;
            to_u64(get(p, &format!("theta_in[{lane}][{q}]"), row) * shiftf(len))
        };

        for lane in 0..25 {
            let pieces = layout.pieces(lane).to_vec();
            for (b, pb) in pieces.iter().enumerate() {
                if pb.len >= c || pb.start == 0 {
                    continue;
                }
                let a = pieces.iter().position(|pa| pa.start + pa.len == pb.start).unwrap();
                let (ta, tb) = (t_of(&p, lane, a), t_of(&p, lane, b));
                let s_below = digit(ta, c - 1);
                let s_at = digit(tb, c - pb.len);
                if s_below > 1 || s_at == 0 {
                    continue;
                }
                let mut q = MockProver::run(k, &KeccakCircuit::with_shape(vec![input.clone()], c, k).unwrap()).unwrap();
                // The two θ pieces: the θ gate's sum is unchanged (4·8^(s−1) + 4·8^(s−1) − 8^s = 0).
                let ta2 = ta + (4 << (3 * (c - 1)));
                let tb2 = tb + (4 << (3 * (c - pb.len - 1))) - (1 << (3 * (c - pb.len)));
                for (idx, t2, len) in [(a, ta2, pieces[a].len), (b, tb2, pb.len)] {
                    set(&mut q, &format!("theta_in[{lane}][{idx}]"), row, Fr::from(t2) * shiftf(len).invert().unwrap());
                    set(&mut q, &format!("theta_out[{lane}][{idx}]"), row, Fr::from(map_digits(t2, c, |d| d & 1)));
                }
                // χ recomputed honestly from the (forged) θ outputs.
                let b_chunk = |q: &MockProver, dest: usize, kk: usize| {
                    let src = (0..25).find(|&l| pi_destination(l) == dest).unwrap();
                    layout
                        .pieces(src)
                        .iter()
                        .enumerate()
                        .filter(|(_, pc)| pc.chunk == kk)
                        .map(|(i, pc)| {
                            get(q, &format!("theta_out[{src}][{i}]"), row)
                                * Fr::from(8u64).pow_vartime([pc.offset as u64])
                                * shiftf(pc.len).invert().unwrap()
                        })
                        .fold(Fr::ZERO, |x, y| x + y)
                };
                for d in 0..25 {
                    let (x, y) = (d % 5, d / 5);
                    for (kk, ch) in chunks.iter().enumerate() {
                        let ones: u64 = (0..ch.len).map(|i| 8u64.pow(i as u32)).sum();
                        let inp = (Fr::from(3 * ones) - b_chunk(&q, d, kk).double()
                            + b_chunk(&q, (x + 1) % 5 + 5 * y, kk)
                            - b_chunk(&q, (x + 2) % 5 + 5 * y, kk))
                            * shiftf(ch.len);
                        let out = map_digits(to_u64(inp), c, |dg| [0, 1, 1, 0, 0][dg as usize]);
                        set(&mut q, &format!("chi[{d}][{kk}]"), row, Fr::from(out));
                    }
                }
                for kk in 0..chunks.len() {
                    let v = to_u64(get(&q, &format!("chi[0][{kk}]"), row) + get(&q, &format!("rc[{kk}]"), row));
                    set(&mut q, &format!("iota[{kk}]"), row, Fr::from(map_digits(v, c, |d| d & 1)));
                }
                // Squeeze the (forged) state into the output bytes, hi and lo.
                let mut digest = [0u8; 32];
                for l in 0..4 {
                    let mut lane_v = 0u64;
                    for (kk, ch) in chunks.iter().enumerate() {
                        let name = if l == 0 { format!("iota[{kk}]") } else { format!("chi[{l}][{kk}]") };
                        let v = to_u64(get(&q, &name, row));
                        for i in 0..ch.len {
                            lane_v |= digit(v, c - ch.len + i) << (ch.start + i);
                        }
                    }
                    digest[8 * l..8 * l + 8].copy_from_slice(&lane_v.to_le_bytes());
                }
                if digest == honest_digest {
                    continue; // the flip did not reach the squeezed lanes; try another spot
                }
                for (i, &byte) in digest.iter().enumerate() {
                    set(&mut q, &format!("byte[{}]", i % 8), 17 + i / 8, Fr::from(byte as u64));
                    set(&mut q, &format!("sparse[{}]", i % 8), 17 + i / 8, Fr::from(sparse(byte as u64, 8)));
                }
                let (hi, lo) = digest_words(&digest);
                set(&mut q, "hi", row, hi);
                set(&mut q, "lo", row, lo);
                let failures = q.verify().expect_err("the forged witness must be rejected");
                let all: Vec<String> = failures.iter().take(10).map(ToString::to_string).collect();
                assert!(
                failures.iter().any(|f| matches!(f, VerifyFailure::Lookup { lookup, .. } if lookup.starts_with("θ piece is an integer"))),
                "lane {lane} pieces {a},{b}: expected the integer lookup to reject the forgery, got:\n{}",
                all.join("\n")
            );
                return;
            }
        }
    }
    panic!("no spot found");
}

#[test]
fn a_carry_between_theta_pieces_is_rejected_with_3_bit_chunks() {
    forge(3, 10);
}

#[test]
fn a_carry_between_theta_pieces_is_rejected_with_4_bit_chunks() {
    forge(4, 12);
}
#[test]
fn a_carry_between_theta_pieces_is_rejected_with_2_bit_chunks() {
    forge(2, 10);
}
