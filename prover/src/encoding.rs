//! Byte encodings of scalars and points, shared by the transcript, proofs, verifying keys and
//! the Solidity verifier. Everything is big-endian, as the EVM reads it:
//!
//! - a scalar (`Fr`): 32 bytes, canonical (< r);
//! - a G1 point: 64 bytes, `x ‖ y`, each canonical (< q); the identity is `(0, 0)`, as the EVM
//!   precompiles write it;
//! - a G2 point: 128 bytes in the EVM precompile order `x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0`.
//!
//! Decoding untrusted bytes checks canonicity, the curve equation and (for G2) the subgroup, and
//! returns an [`EncodingError`]; it never panics.

use ff::{Field, PrimeField};
use group::Group;
use group::cofactor::CofactorGroup;
use group::prime::PrimeCurveAffine;
use halo2curves::CurveAffine;
use halo2curves::bn256::{Fq, Fq2, Fr, G1Affine, G2, G2Affine};

/// Why bytes do not decode to a scalar or point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    #[error("{what}: expected {expected} bytes, got {got}")]
    WrongLength { what: &'static str, expected: usize, got: usize },
    #[error("scalar is not canonical: it is not below the scalar field modulus r")]
    NonCanonicalScalar,
    #[error("point coordinate is not canonical: it is not below the base field modulus q")]
    NonCanonicalCoordinate,
    #[error("point is not on the curve")]
    NotOnCurve,
    #[error("G2 point is not in the prime-order subgroup")]
    NotInSubgroup,
    #[error("the point at infinity is not allowed here")]
    Identity,
}

/// A scalar as 32 big-endian bytes.
pub fn fr_to_bytes(value: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(value.to_repr().as_ref());
    out.reverse();
    out
}

/// A scalar from 32 big-endian bytes, which must be below r.
pub fn fr_from_bytes(bytes: &[u8]) -> Result<Fr, EncodingError> {
    let mut le = fixed::<32>("scalar", bytes)?;
    le.reverse();
    let mut repr = <Fr as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&le);
    Option::from(Fr::from_repr(repr)).ok_or(EncodingError::NonCanonicalScalar)
}

/// A 256-bit big-endian integer reduced modulo r (for challenges: keccak output mod r).
pub fn fr_from_bytes_reduced(bytes: &[u8; 32]) -> Fr {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let start = 32 - 8 * (i + 1);
        *limb = u64::from_be_bytes(bytes[start..start + 8].try_into().expect("8 bytes"));
    }
    // `from_raw` multiplies by R² in Montgomery form, which reduces any 256-bit input mod r.
    Fr::from_raw(limbs)
}

fn fq_to_bytes(value: &Fq) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(value.to_repr().as_ref());
    out.reverse();
    out
}

fn fq_from_bytes(bytes: &[u8]) -> Result<Fq, EncodingError> {
    let mut le = fixed::<32>("coordinate", bytes)?;
    le.reverse();
    let mut repr = <Fq as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&le);
    Option::from(Fq::from_repr(repr)).ok_or(EncodingError::NonCanonicalCoordinate)
}

fn fixed<const N: usize>(what: &'static str, bytes: &[u8]) -> Result<[u8; N], EncodingError> {
    bytes.try_into().map_err(|_| EncodingError::WrongLength { what, expected: N, got: bytes.len() })
}

/// A G1 point as 64 bytes `x ‖ y` (identity: all zero).
pub fn g1_to_bytes(point: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some(c) = Option::from(point.coordinates()) {
        let c: halo2curves::Coordinates<G1Affine> = c;
        out[..32].copy_from_slice(&fq_to_bytes(c.x()));
        out[32..].copy_from_slice(&fq_to_bytes(c.y()));
    }
    out
}

/// A G1 point from 64 bytes. `(0, 0)` decodes to the identity only if `allow_identity`.
pub fn g1_from_bytes(bytes: &[u8], allow_identity: bool) -> Result<G1Affine, EncodingError> {
    let bytes = fixed::<64>("G1 point", bytes)?;
    let x = fq_from_bytes(&bytes[..32])?;
    let y = fq_from_bytes(&bytes[32..])?;
    if bool::from(x.is_zero() & y.is_zero()) {
        return if allow_identity { Ok(G1Affine::identity()) } else { Err(EncodingError::Identity) };
    }
    Option::from(G1Affine::from_xy(x, y)).ok_or(EncodingError::NotOnCurve)
}

/// A G2 point as 128 bytes in EVM order `x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0` (identity: all zero).
pub fn g2_to_bytes(point: &G2Affine) -> [u8; 128] {
    let mut out = [0u8; 128];
    if let Some(c) = Option::from(point.coordinates()) {
        let c: halo2curves::Coordinates<G2Affine> = c;
        for (i, f) in [c.x().c1(), c.x().c0(), c.y().c1(), c.y().c0()].iter().enumerate() {
            out[32 * i..32 * (i + 1)].copy_from_slice(&fq_to_bytes(f));
        }
    }
    out
}

/// A G2 point from 128 bytes in EVM order; checks the curve and the subgroup.
pub fn g2_from_bytes(bytes: &[u8], allow_identity: bool) -> Result<G2Affine, EncodingError> {
    let bytes = fixed::<128>("G2 point", bytes)?;
    let f = |i: usize| fq_from_bytes(&bytes[32 * i..32 * (i + 1)]);
    let (x1, x0, y1, y0) = (f(0)?, f(1)?, f(2)?, f(3)?);
    let x = Fq2::new(x0, x1);
    let y = Fq2::new(y0, y1);
    if bool::from(x.is_zero() & y.is_zero()) {
        return if allow_identity { Ok(G2Affine::identity()) } else { Err(EncodingError::Identity) };
    }
    let point: G2Affine = Option::from(G2Affine::from_xy(x, y)).ok_or(EncodingError::NotOnCurve)?;
    check_g2_subgroup(&point)?;
    Ok(point)
}

/// Checks that a G2 point (on the curve) lies in the prime-order subgroup.
pub fn check_g2_subgroup(point: &G2Affine) -> Result<(), EncodingError> {
    let projective: G2 = point.to_curve();
    if bool::from(projective.is_torsion_free()) || bool::from(projective.is_identity()) {
        Ok(())
    } else {
        Err(EncodingError::NotInSubgroup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use group::Curve;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn scalars_round_trip_and_reject_r() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for _ in 0..50 {
            let v = Fr::random(&mut rng);
            assert_eq!(fr_from_bytes(&fr_to_bytes(&v)), Ok(v));
        }
        assert_eq!(fr_to_bytes(&Fr::from(258u64))[30..], [1, 2]);
        // r itself, big-endian.
        let r = hex("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
        assert_eq!(fr_from_bytes(&r), Err(EncodingError::NonCanonicalScalar));
        assert_eq!(fr_from_bytes_reduced(&r.try_into().unwrap()), Fr::ZERO);
        assert!(matches!(fr_from_bytes(&[0u8; 31]), Err(EncodingError::WrongLength { .. })));
    }

    #[test]
    fn reduction_matches_wide_reduction() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        for _ in 0..100 {
            let mut be = [0u8; 32];
            rand_core::RngCore::fill_bytes(&mut rng, &mut be);
            let mut wide = [0u8; 64];
            wide[..32].copy_from_slice(&be);
            wide[..32].reverse();
            let expected = <Fr as ff::FromUniformBytes<64>>::from_uniform_bytes(&wide);
            assert_eq!(fr_from_bytes_reduced(&be), expected);
        }
    }

    #[test]
    fn points_round_trip_and_bad_points_are_rejected() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for _ in 0..10 {
            let p = halo2curves::bn256::G1::random(&mut rng).to_affine();
            assert_eq!(g1_from_bytes(&g1_to_bytes(&p), false), Ok(p));
            let q = G2::random(&mut rng).to_affine();
            assert_eq!(g2_from_bytes(&g2_to_bytes(&q), false), Ok(q));
        }
        assert_eq!(g1_from_bytes(&[0; 64], false), Err(EncodingError::Identity));
        assert_eq!(g1_from_bytes(&[0; 64], true), Ok(G1Affine::identity()));
        let mut off = g1_to_bytes(&G1Affine::generator());
        off[63] ^= 1;
        assert_eq!(g1_from_bytes(&off, false), Err(EncodingError::NotOnCurve));
        let mut big = g1_to_bytes(&G1Affine::generator());
        big[..32].copy_from_slice(&[0xff; 32]);
        assert_eq!(g1_from_bytes(&big, false), Err(EncodingError::NonCanonicalCoordinate));
        assert_eq!(g2_from_bytes(&[0; 128], true), Ok(G2Affine::identity()));
    }

    #[test]
    fn g2_points_outside_the_subgroup_are_rejected() {
        // Find a point on the twist that is not in the r-torsion: pick x, solve for y.
        let b = G2Affine::b();
        let mut x = Fq2::new(Fq::from(1u64), Fq::from(1u64));
        let point = loop {
            let rhs = x.square() * x + b;
            if let Some(y) = Option::<Fq2>::from(rhs.sqrt()) {
                break G2Affine::from_xy(x, y).unwrap();
            }
            x += Fq2::ONE;
        };
        assert_eq!(check_g2_subgroup(&point), Err(EncodingError::NotInSubgroup));
        assert_eq!(g2_from_bytes(&g2_to_bytes(&point), false), Err(EncodingError::NotInSubgroup));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }
}
