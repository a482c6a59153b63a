//! Conversions of device outputs to halo2curves types, validating everything the device wrote.

use ff::{Field, PrimeField};
use group::prime::PrimeCurveAffine;
use halo2curves::CurveAffine;
use rebuttal_prover::arith::{Fq, G1Affine};

/// The `Fq` whose Montgomery limbs (halo2curves' and sppark's representation) are `limbs`, or
/// `None` when they are not a canonical residue (`≥ p`).
pub(crate) fn montgomery_to_fq(limbs: [u64; 4]) -> Option<Fq> {
    let x = Fq(limbs);
    // A non-canonical `m ≥ p` would come back as `m mod p`: different limbs.
    let canonical: Option<Fq> = Fq::from_repr(x.to_repr()).into();
    canonical.filter(|c| c.0 == limbs)
}

/// A Jacobian point `(X, Y, Z)` (12 limbs: X, then Y, then Z, each 4 Montgomery limbs) as affine
/// `(X/Z², Y/Z³)`, `Z = 0` being the identity. `None` when a coordinate is not canonical or
/// the point is not on the curve.
pub(crate) fn jacobian_to_affine(words: &[u64; 12]) -> Option<G1Affine> {
    let limbs = |i: usize| -> [u64; 4] { [words[4 * i], words[4 * i + 1], words[4 * i + 2], words[4 * i + 3]] };
    let x = montgomery_to_fq(limbs(0))?;
    let y = montgomery_to_fq(limbs(1))?;
    let z = montgomery_to_fq(limbs(2))?;
    let Some(z_inv) = Option::<Fq>::from(z.invert()) else {
        return Some(G1Affine::identity());
    };
    let z_inv2 = z_inv.square();
    Option::from(G1Affine::from_xy(x * z_inv2, y * z_inv2 * z_inv))
}

#[cfg(test)]
mod tests {
    use group::Curve;
    use rebuttal_prover::arith::{Fr, G1};

    use super::*;

    fn words(x: Fq, y: Fq, z: Fq) -> [u64; 12] {
        let mut w = [0u64; 12];
        for (i, c) in [x, y, z].iter().enumerate() {
            w[4 * i..4 * i + 4].copy_from_slice(&c.0);
        }
        w
    }

    #[test]
    fn canonical_limbs_round_trip() {
        for v in [Fq::ZERO, Fq::ONE, -Fq::ONE, Fq::from(12345u64)] {
            assert_eq!(montgomery_to_fq(v.0), Some(v));
        }
    }

    #[test]
    fn non_canonical_limbs_are_refused() {
        // p itself and 2^256 − 1 are not residues below p.
        let p_limbs = (-Fq::ONE).to_repr();
        let mut p = [0u64; 4];
        for (i, l) in p.iter_mut().enumerate() {
            *l = u64::from_le_bytes(p_limbs.as_ref()[8 * i..8 * i + 8].try_into().unwrap());
        }
        p[0] += 1; // (p − 1) + 1, as an integer: p's limbs
        assert_eq!(montgomery_to_fq(p), None);
        assert_eq!(montgomery_to_fq([u64::MAX; 4]), None);
    }

    #[test]
    fn jacobian_conversion() {
        let p = (G1::generator() * Fr::from(99u64)).to_affine();
        let z = Fq::from(7u64);
        let (z2, z3) = (z.square(), z.square() * z);
        assert_eq!(jacobian_to_affine(&words(p.x * z2, p.y * z3, z)), Some(p));
        assert_eq!(jacobian_to_affine(&words(p.x, p.y, Fq::ONE)), Some(p));
        // Z = 0 is the identity whatever X and Y are.
        assert_eq!(jacobian_to_affine(&words(Fq::ONE, Fq::ONE, Fq::ZERO)), Some(G1Affine::identity()));
        // Not on the curve.
        assert_eq!(jacobian_to_affine(&words(p.x, p.y + Fq::ONE, Fq::ONE)), None);
    }
}
