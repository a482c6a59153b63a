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
        let mut g1_bytes = vec![0u8; n * 64];
        read_section(&mut reader, &mut g1_bytes, "ParamsKZG g")?;
        let g1_powers = parse_g1_points(&g1_bytes, "ParamsKZG g point")?;
        // The Lagrange points: only their presence is checked.
        read_section(&mut reader, &mut g1_bytes, "ParamsKZG g_lagrange")?;
        let mut g2_bytes = [0u8; 256];
        read_section(&mut reader, &mut g2_bytes, "ParamsKZG g2 and s_g2")?;
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
        let mut points: Vec<G1> = self.g1_powers.par_iter().map(|p| p.to_curve()).collect();
        halo2curves::fft::best_fft(&mut points, domain.omega_inv(), self.k);
        let n_inv = domain.n_inv();
        points.par_iter_mut().for_each(|p| *p *= n_inv);
        let mut affine = vec![G1Affine::identity(); points.len()];
        G1::batch_normalize(&points, &mut affine);
        affine
    }
}

fn read_section(reader: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), SrsError> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => {
                return Err(SrsError::Truncated {
                    what: what.into(),
                    expected: buf.len() as u64,
                    found: filled as u64,
                });
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => return Err(SrsError::Io { what: what.into(), source }),
        }
    }
    Ok(())
}
