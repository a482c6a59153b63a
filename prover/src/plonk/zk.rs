//! Zero-knowledge blinding (optional, off by default).
//!
//! # Why it is off by default
//!
//! rebuttal proves the state transition of a *public* block: the pre-state root, the
//! transactions and the post-state root are all on L1 or in the rollup's data, and the witness
//! is recomputed from them by anyone. A fraud proof needs succinctness and soundness, not
//! secrecy. Without blinding, proving is deterministic — the same block, key and backend give
//! the same proof bytes — which makes proofs reproducible across verify nodes and lets tests pin
//! them. Turn it on ([`super::KeygenConfig::zero_knowledge`]) for circuits whose witness is
//! private.
//!
//! # What it does
//!
//! 1. **Columns.** Every column the prover commits (the circuit's advice columns and the
//!    argument columns: multiplicities, logUp helpers, running sums, grand products) gets
//!    uniformly random values in its reserved rows, the rows after the usable ones. No constraint
//!    reads them: the argument constraints are gated by `l_active`, `l_0` and `l_last`, and the
//!    row `l_last` marks (where the running sums and grand products are checked) keeps its value.
//!    Circuit gates must not read reserved rows either; `MockProver` with random reserved rows
//!    checks that. There are [`crate::circuit::ConstraintSystem::blinding_factors`] such rows,
//!    `max(3, queries per column) + 2`: more random values than the verifier learns about each
//!    column (its evaluations at the opening points and its commitment, the value at τ), so the
//!    revealed values are uniformly distributed and can be simulated.
//! 2. **Quotient.** Revealing each quotient piece's commitment and evaluation would leak
//!    information about `h`. The pieces are therefore cut with stride `n − 2` instead of `n`,
//!    which leaves two free coefficients at the top of every piece but the last, and the prover
//!    adds random `(b_i + c_i·X)·X^(n−2)` to piece `i` and subtracts `b_i + c_i·X` from piece
//!    `i + 1`. The sum `Σ_i X^((n−2)·i)·h_i` is unchanged, so the verifier checks the same
//!    identity with `x^(n−2)` in place of `x^n`, while the `2m` values revealed about the `m`
//!    pieces (commitment and evaluation of each) carry `2(m − 1)` independent random masks:
//!    they are uniform subject to the two relations the verifier (or a simulator holding τ)
//!    already knows, the quotient identities at `x` and at τ. Holding the `(d − 1)·n`
//!    coefficients of a degree-`d` system's quotient needs one more piece than without
//!    zero-knowledge when `d ≥ 3`.
//!
//! With packed commitments ([`super::proof`]) a commitment reveals one value for a whole pack,
//! `C(τ) = Σ_j τ^j·f_j(τ^t)`, instead of one per member: each column's evaluations are as
//! without packing and at most one further value involves it, and the `m` quotient pieces
//! reveal `m + ⌈m/t⌉ ≤ 2m` values for the same `2(m − 1)` masks. The counting above carries
//! over; a separate simulator proof for packed keys has not been written.

use ff::Field;
use rand_core::RngCore;

use crate::arith::Fr;

/// Number of quotient pieces and the stride between them (`h = Σ_i X^(stride·i)·h_i`) for a
/// constraint system of degree `degree` over `n` rows.
///
/// Without zero-knowledge: `degree − 1` pieces of stride `n`. With it: stride `n − 2` and as
/// many pieces as hold `(degree − 1)·n` coefficients (each piece but the last holds `n − 2`).
pub fn quotient_layout(degree: usize, n: usize, zero_knowledge: bool) -> (usize, usize) {
    let plain = degree.saturating_sub(1);
    if !zero_knowledge || plain <= 1 {
        return (plain, n);
    }
    // Keys with fewer than `min_rows` rows are refused (keygen, key decoding); the `max(1)`
    // only keeps this function total.
    let stride = n.saturating_sub(2).max(1);
    // Smallest m with (m − 1)·stride + n ≥ plain·n.
    let pieces = 1 + (plain * n - n).div_ceil(stride);
    (pieces, stride)
}

/// The fewest rows a zero-knowledge key of constraint degree `degree` may have: every blinded
/// piece needs two free coefficients, which [`quotient_layout`] provides when `n ≥ 2(d − 1)`.
pub fn min_rows(degree: usize) -> usize {
    (2 * degree.saturating_sub(1)).max(4)
}

/// Random values in rows `from..` of `column`.
pub(super) fn blind_rows(column: &mut [Fr], from: usize, rng: &mut dyn RngCore) {
    for v in column.iter_mut().skip(from) {
        *v = Fr::random(&mut *rng);
    }
}

/// Re-cuts the quotient given as `plain` pieces of stride `n` (coefficients) into `pieces`
/// pieces of stride `stride` (see [`quotient_layout`]) and blinds them: piece `i` gains
/// `(b_i + c_i·X)·X^stride` and piece `i + 1` loses `b_i + c_i·X`.
///
/// Coefficients beyond the new pieces' capacity are dropped; an honest quotient has none.
pub(super) fn blind_quotient(
    plain: Vec<Vec<Fr>>,
    n: usize,
    pieces: usize,
    stride: usize,
    rng: &mut dyn RngCore,
) -> Vec<Vec<Fr>> {
    debug_assert!(stride + 2 <= n);
    let coefficients: Vec<Fr> = plain.into_iter().flatten().collect();
    let mut out: Vec<Vec<Fr>> = (0..pieces)
        .map(|i| {
            let start = (i * stride).min(coefficients.len());
            let len = if i + 1 == pieces { n } else { stride };
            let end = (start + len).min(coefficients.len());
            let mut piece = coefficients[start..end].to_vec();
            piece.resize(n, Fr::ZERO);
            piece
        })
        .collect();
    for i in 0..pieces.saturating_sub(1) {
        let (b, c) = (Fr::random(&mut *rng), Fr::random(&mut *rng));
        out[i][stride] += b;
        out[i][stride + 1] += c;
        out[i + 1][0] -= b;
        out[i + 1][1] -= c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plonk::poly::evaluate;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn layouts() {
        // Without zero-knowledge: degree − 1 pieces of stride n.
        assert_eq!(quotient_layout(4, 64, false), (3, 64));
        // With it: one more piece from degree 3 on, stride n − 2.
        assert_eq!(quotient_layout(2, 64, true), (1, 64));
        assert_eq!(quotient_layout(3, 64, true), (3, 62));
        assert_eq!(quotient_layout(5, 64, true), (5, 62));
        for degree in 2..12 {
            for k in 4..10 {
                let n = 1usize << k;
                let (m, s) = quotient_layout(degree, n, true);
                assert!((m - 1) * s + n >= (degree - 1) * n, "degree {degree}, n {n}: capacity");
                assert!(m == 1 || (m - 2) * s + n < (degree - 1) * n, "degree {degree}, n {n}: one piece too many");
            }
        }
    }

    #[test]
    fn blinding_keeps_the_quotient_and_masks_every_piece() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let (n, degree) = (32usize, 5usize);
        let plain: Vec<Vec<Fr>> = (0..degree - 1).map(|_| (0..n).map(|_| Fr::random(&mut rng)).collect()).collect();
        let (pieces, stride) = quotient_layout(degree, n, true);
        let blinded = blind_quotient(plain.clone(), n, pieces, stride, &mut rng);
        let again = blind_quotient(plain.clone(), n, pieces, stride, &mut rng);
        assert_eq!(blinded.len(), pieces);
        let x = Fr::random(&mut rng);
        let combine = |pieces: &[Vec<Fr>], stride: usize| -> Fr {
            let step = x.pow_vartime([stride as u64]);
            pieces.iter().rev().fold(Fr::ZERO, |acc, p| acc * step + evaluate(p, x))
        };
        assert_eq!(combine(&blinded, stride), combine(&plain, n), "Σ x^(stride·i)·h_i(x) is h(x)");
        for (i, (a, b)) in blinded.iter().zip(&again).enumerate() {
            assert_eq!(a.len(), n, "piece {i} has degree below n");
            assert_ne!(evaluate(a, x), evaluate(b, x), "piece {i} is masked by fresh randomness");
        }
    }
}
