//! PSE halo2 `ParamsKZG` files in the raw-bytes format (`ParamsKZG::write`).
//!
//! Layout: `u32` k (little-endian); `2^k` G1 points `[τ^i]₁`; `2^k` G1 points in Lagrange form
//! (the inverse NTT of the former); `[1]₂`; `[τ]₂`. A G1 point is `x ‖ y` and a G2 point
//! `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`, each coordinate 32 bytes in Montgomery form, little-endian.
//! rebuttal keeps only the monomial powers; the Lagrange points are read (to check the length)
//! and dropped.

use std::io::{Read, Write};

use group::Curve;
use group::prime::PrimeCurveAffine;
use halo2curves::bn256::{G1, G1Affine};
use halo2curves::serde::SerdeObject;
use rayon::prelude::*;

use super::ptau::{parse_g1_points, raw_g2};
use super::{Srs, SrsError, io_err};
use crate::arith::{Domain, MAX_K};

impl Srs {
    /// Reads a PSE halo2 `ParamsKZG` file (raw-bytes format).
    pub fn read_params_kzg(mut reader: impl Read) -> Result<Self, SrsError> {
        let mut k = [0u8; 4];
        reader.read_exact(&mut k).map_err(io_err("ParamsKZG k"))?;
        let k = u32::from_le_bytes(k);
        if k > MAX_K {
            return Err(SrsError::TooLarge { k });
        }
        let n = 1usize << k;
        let g1_bytes = read_exact_growing(&mut reader, n * 64, "ParamsKZG g")?;
        let g1_powers = parse_g1_points(&g1_bytes, "ParamsKZG g point")?;
        // The Lagrange points: only their presence is checked.
        read_exact_growing(&mut reader, n * 64, "ParamsKZG g_lagrange")?;
        let g2_bytes = read_exact_growing(&mut reader, 256, "ParamsKZG g2 and s_g2")?;
        let g2 =
            raw_g2(&g2_bytes[..128]).map_err(|source| SrsError::BadPoint { what: "ParamsKZG g2".into(), source })?;
        let tau_g2 =
            raw_g2(&g2_bytes[128..]).map_err(|source| SrsError::BadPoint { what: "ParamsKZG s_g2".into(), source })?;
        Self::from_parts(g1_powers, g2, tau_g2)
    }

    /// Writes this SRS as a PSE halo2 `ParamsKZG` file (raw-bytes format), computing the
    /// Lagrange-basis points.
    pub fn write_params_kzg(&self, mut writer: impl Write) -> Result<(), SrsError> {
        let w = |writer: &mut dyn Write, bytes: &[u8]| writer.write_all(bytes).map_err(io_err("writing ParamsKZG"));
        w(&mut writer, &self.k.to_le_bytes())?;
        for p in &self.g1_powers {
            w(&mut writer, &p.to_raw_bytes())?;
        }
        for p in &self.lagrange_g1() {
            w(&mut writer, &p.to_raw_bytes())?;
        }
        w(&mut writer, &self.g2.to_raw_bytes())?;
        w(&mut writer, &self.tau_g2.to_raw_bytes())
    }

    /// The Lagrange basis `[L_i(τ)]₁` over the domain of `2^k` points: committing to a
    /// polynomial's evaluations with these equals committing to its coefficients with the powers.
    pub fn lagrange_g1(&self) -> Vec<G1Affine> {
        let domain = Domain::new(self.k).expect("k ≤ MAX_K was checked on construction");
        lagrange_basis(&self.g1_powers, &domain)
    }
}

/// The Lagrange basis `[L_i(τ)]₁` over `domain` from the first `domain.n()` powers `[τ^j]₁`
/// (an inverse NTT over G1: `[L_i(τ)] = n⁻¹ Σ_j ω^(−ij) [τ^j]`). `powers` must hold at least
/// `domain.n()` points.
pub(crate) fn lagrange_basis(powers: &[G1Affine], domain: &Domain) -> Vec<G1Affine> {
    let mut points: Vec<G1> = powers[..domain.n()].par_iter().map(|p| p.to_curve()).collect();
    halo2curves::fft::best_fft(&mut points, domain.omega_inv(), domain.k());
    let n_inv = domain.n_inv();
    points.par_iter_mut().for_each(|p| *p *= n_inv);
    let mut affine = vec![G1Affine::identity(); points.len()];
    G1::batch_normalize(&points, &mut affine);
    affine
}

/// Reads exactly `len` bytes. The buffer grows only as data arrives, so a header that claims a
/// huge `k` over a short input is a `Truncated` error, not a huge allocation.
fn read_exact_growing(reader: &mut impl Read, len: usize, what: &str) -> Result<Vec<u8>, SrsError> {
    let mut buf = Vec::with_capacity(len.min(1 << 20));
    reader.take(len as u64).read_to_end(&mut buf).map_err(|source| SrsError::Io { what: what.into(), source })?;
    if buf.len() != len {
        return Err(SrsError::Truncated { what: what.into(), expected: len as u64, found: buf.len() as u64 });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use ff::Field;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::arith::Fr;
    use crate::backend::{Backend, CpuBackend};

    #[test]
    fn values_over_the_lagrange_basis_commit_like_coefficients_over_the_powers() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let srs = Srs::unsafe_setup(6, 9).unwrap();
        for k in [0, 1, 3, 5] {
            let domain = Domain::new(k).unwrap();
            let lagrange = lagrange_basis(srs.g1_powers(), &domain);
            assert_eq!(lagrange.len(), domain.n());
            for values in [
                (0..domain.n()).map(|_| Fr::random(&mut rng)).collect::<Vec<_>>(),
                (0..domain.n()).map(|i| Fr::from((i % 3) as u64)).collect(),
            ] {
                let mut coeffs = values.clone();
                CpuBackend.intt(&mut coeffs, &domain).unwrap();
                let by_values = CpuBackend.msm(&values, &lagrange).unwrap().to_affine();
                let by_coeffs = CpuBackend.msm(&coeffs, &srs.g1_powers()[..domain.n()]).unwrap().to_affine();
                assert_eq!(by_values, by_coeffs, "k = {k}");
            }
        }
    }
}
