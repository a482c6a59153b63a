//! Small polynomial helpers over coefficient vectors (lowest degree first).

use ff::{BatchInvert, Field};
use rayon::prelude::*;

use crate::arith::Fr;

/// `p(x)`, parallel over chunks for large polynomials.
pub fn evaluate(coeffs: &[Fr], x: Fr) -> Fr {
    const CHUNK: usize = 1 << 12;
    if coeffs.len() <= CHUNK {
        return coeffs.iter().rev().fold(Fr::ZERO, |acc, c| acc * x + c);
    }
    let x_chunk = x.pow_vartime([CHUNK as u64]);
    let partial: Vec<Fr> =
        coeffs.par_chunks(CHUNK).map(|c| c.iter().rev().fold(Fr::ZERO, |acc, v| acc * x + v)).collect();
    partial.iter().rev().fold(Fr::ZERO, |acc, p| acc * x_chunk + p)
}

/// `(p(X) − p(z)) / (X − z)`: the quotient of synthetic division (the remainder `p(z)` is
/// dropped).
pub fn divide_by_linear(coeffs: &[Fr], z: Fr) -> Vec<Fr> {
    if coeffs.len() < 2 {
        return Vec::new();
    }
    let mut q = vec![Fr::ZERO; coeffs.len() - 1];
    let mut carry = Fr::ZERO;
    for i in (1..coeffs.len()).rev() {
        carry = coeffs[i] + carry * z;
        q[i - 1] = carry;
    }
    q
}

/// Coefficients of the polynomial of degree < `points.len()` through `(points[i], values[i])`.
pub fn interpolate(points: &[Fr], values: &[Fr]) -> Vec<Fr> {
    let m = points.len();
    let mut result = vec![Fr::ZERO; m];
    for (j, (&xj, &yj)) in points.iter().zip(values).enumerate() {
        // basis_j(X) = Π_{k≠j} (X − x_k) / (x_j − x_k)
        let mut basis = vec![Fr::ONE];
        let mut denom = Fr::ONE;
        for (k, &xk) in points.iter().enumerate() {
            if k == j {
                continue;
            }
            let mut next = vec![Fr::ZERO; basis.len() + 1];
            for (i, b) in basis.iter().enumerate() {
                next[i] -= *b * xk;
                next[i + 1] += b;
            }
            basis = next;
            denom *= xj - xk;
        }
        let scale = yj * denom.invert().unwrap_or(Fr::ZERO);
        for (r, b) in result.iter_mut().zip(&basis) {
            *r += *b * scale;
        }
    }
    result
}

/// The value at `u` of the polynomial through `(points[i], values[i])` (barycentric-free
/// Lagrange form; `points` are few and distinct).
pub fn interpolate_at(points: &[Fr], values: &[Fr], u: Fr) -> Fr {
    let mut denoms: Vec<Fr> = points
        .iter()
        .enumerate()
        .map(|(j, &xj)| {
            points.iter().enumerate().filter(|&(k, _)| k != j).fold(Fr::ONE, |acc, (_, &xk)| acc * (xj - xk))
        })
        .collect();
    denoms.batch_invert();
    points
        .iter()
        .enumerate()
        .map(|(j, _)| {
            let num = points.iter().enumerate().filter(|&(k, _)| k != j).fold(Fr::ONE, |acc, (_, &xk)| acc * (u - xk));
            values[j] * num * denoms[j]
        })
        .sum()
}

/// The coefficients of `C(X) = Σ_j X^j·f_j(X^t)` from the members' coefficients `f_0 … f_{t−1}`
/// (t = `members.len()`): `C[t·i + j] = f_j[i]`. Members may differ in length.
pub fn interleave(members: &[&[Fr]]) -> Vec<Fr> {
    let t = members.len();
    let len = members.iter().map(|m| m.len()).max().unwrap_or(0);
    let mut out = vec![Fr::ZERO; t * len];
    for (j, member) in members.iter().enumerate() {
        for (i, c) in member.iter().enumerate() {
            out[t * i + j] = *c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_and_interpolation() {
        let p: Vec<Fr> = (1..=9u64).map(Fr::from).collect();
        let z = Fr::from(7u64);
        let q = divide_by_linear(&p, z);
        let x = Fr::from(123u64);
        assert_eq!(evaluate(&q, x) * (x - z), evaluate(&p, x) - evaluate(&p, z));

        let points = [Fr::from(2u64), Fr::from(5u64), Fr::from(11u64)];
        let values = [Fr::from(3u64), Fr::from(1u64), Fr::from(4u64)];
        let c = interpolate(&points, &values);
        for (pt, v) in points.iter().zip(&values) {
            assert_eq!(evaluate(&c, *pt), *v);
        }
        assert_eq!(interpolate_at(&points, &values, x), evaluate(&c, x));

        let big: Vec<Fr> = (0..10_000u64).map(Fr::from).collect();
        let naive = big.iter().rev().fold(Fr::ZERO, |acc, c| acc * x + c);
        assert_eq!(evaluate(&big, x), naive);
    }

    #[test]
    fn interleaving_evaluates_as_the_members_at_x_to_the_t() {
        let f0: Vec<Fr> = [1u64, 2, 3].map(Fr::from).to_vec();
        let f1: Vec<Fr> = [4u64, 5].map(Fr::from).to_vec();
        let f2: Vec<Fr> = [6u64, 7, 8].map(Fr::from).to_vec();
        let c = interleave(&[&f0, &f1, &f2]);
        assert_eq!(c.len(), 9);
        let x = Fr::from(11u64);
        let y = x.pow_vartime([3]);
        // C(x) = f0(x³) + x·f1(x³) + x²·f2(x³)
        assert_eq!(evaluate(&c, x), evaluate(&f0, y) + x * evaluate(&f1, y) + x * x * evaluate(&f2, y));
    }
}
