//! snarkjs `.ptau` files (Hermez / Perpetual Powers of Tau).
//!
//! Layout (all integers little-endian): magic `"ptau"`, `u32` version (1), `u32` number of
//! sections; then each section as `u32` type, `u64` byte size, data. rebuttal reads:
//! - section 1 (header): `u32` n8 (32), the base-field modulus q in n8 bytes, `u32` power p,
//!   `u32` ceremony power;
//! - section 2: `[τ^i]₁` for `i < 2^(p+1) − 1`, each `x ‖ y`;
//! - section 3: `[τ^i]₂` for `i < 2^p`, each `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`.
//!
//! Field elements are 32 bytes in Montgomery form (`a · 2^256 mod q`), little-endian — the same
//! representation as halo2curves' raw bytes. Other sections are skipped.

use std::io::{Read, Seek, SeekFrom, Write};

use ff::{Field, PrimeField};
use group::Curve;
use halo2curves::CurveAffine;
use halo2curves::bn256::{Fq, Fr, G1, G1Affine, G2, G2Affine};
use halo2curves::serde::SerdeObject;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rayon::prelude::*;

use super::{Srs, SrsError, io_err};
use crate::arith::MAX_K;
use crate::encoding::EncodingError;

const MAGIC: &[u8; 4] = b"ptau";
const VERSION: u32 = 1;

fn read_u32(r: &mut impl Read, what: &str) -> Result<u32, SrsError> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b).map_err(io_err(what))?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(r: &mut impl Read, what: &str) -> Result<u64, SrsError> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).map_err(io_err(what))?;
    Ok(u64::from_le_bytes(b))
}

/// The base-field modulus q, little-endian.
fn modulus_le() -> [u8; 32] {
    // q − 1 is the largest canonical element; its canonical (non-Montgomery) repr plus one is q.
    let mut le = [0u8; 32];
    le.copy_from_slice((-Fq::ONE).to_repr().as_ref());
    let mut carry = 1u16;
    for b in le.iter_mut() {
        let v = *b as u16 + carry;
        *b = v as u8;
        carry = v >> 8;
    }
    le
}

/// Parses a raw (Montgomery, little-endian) base-field element.
pub(super) fn raw_fq(bytes: &[u8]) -> Result<Fq, EncodingError> {
    Fq::from_raw_bytes(bytes).ok_or(EncodingError::NonCanonicalCoordinate)
}

/// Parses a raw G1 point `x ‖ y`; rejects the identity and points off the curve.
pub(super) fn raw_g1(bytes: &[u8]) -> Result<G1Affine, EncodingError> {
    let (x, y) = (raw_fq(&bytes[..32])?, raw_fq(&bytes[32..64])?);
    if bool::from(x.is_zero() & y.is_zero()) {
        return Err(EncodingError::Identity);
    }
    Option::from(G1Affine::from_xy(x, y)).ok_or(EncodingError::NotOnCurve)
}

/// Parses a raw G2 point `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`; the subgroup is checked by the caller.
pub(super) fn raw_g2(bytes: &[u8]) -> Result<G2Affine, EncodingError> {
    let f = |i: usize| raw_fq(&bytes[32 * i..32 * (i + 1)]);
    let x = halo2curves::bn256::Fq2::new(f(0)?, f(1)?);
    let y = halo2curves::bn256::Fq2::new(f(2)?, f(3)?);
    if bool::from(x.is_zero() & y.is_zero()) {
        return Err(EncodingError::Identity);
    }
    Option::from(G2Affine::from_xy(x, y)).ok_or(EncodingError::NotOnCurve)
}

/// Parses `count` consecutive G1 points in parallel, naming the first bad one.
pub(super) fn parse_g1_points(bytes: &[u8], what: &str) -> Result<Vec<G1Affine>, SrsError> {
    bytes
        .par_chunks(64)
        .enumerate()
        .map(|(i, b)| raw_g1(b).map_err(|source| SrsError::BadPoint { what: format!("{what} {i}"), source }))
        .collect()
}

impl Srs {
    /// Reads the first `2^k` powers of a `.ptau` file.
    pub fn read_ptau(mut reader: impl Read + Seek, k: u32) -> Result<Self, SrsError> {
        let mut magic = [0u8; 4];
        reader.read_exact(&mut magic).map_err(io_err("the .ptau magic bytes"))?;
        if &magic != MAGIC {
            return Err(SrsError::BadMagic { found: magic });
        }
        let version = read_u32(&mut reader, "the .ptau version")?;
        if version != VERSION {
            return Err(SrsError::UnsupportedVersion { format: ".ptau", version, supported: VERSION });
        }
        let sections = read_u32(&mut reader, "the .ptau section count")?;
        let file_len = reader.seek(SeekFrom::End(0)).map_err(io_err("the .ptau file length"))?;
        let mut pos = 12u64;
        let mut found: [Option<(u64, u64)>; 4] = [None; 4];
        for _ in 0..sections {
            reader.seek(SeekFrom::Start(pos)).map_err(io_err("a .ptau section header"))?;
            if pos + 12 > file_len {
                return Err(SrsError::Truncated {
                    what: ".ptau section header".into(),
                    expected: pos + 12,
                    found: file_len,
                });
            }
            let kind = read_u32(&mut reader, "a .ptau section type")?;
            let size = read_u64(&mut reader, "a .ptau section size")?;
            let start = pos + 12;
            let end = start.checked_add(size).filter(|&e| e <= file_len).ok_or(SrsError::Truncated {
                what: format!(".ptau section {kind}"),
                expected: start.saturating_add(size),
                found: file_len,
            })?;
            if (1..=3).contains(&kind) && found[kind as usize].is_none() {
                found[kind as usize] = Some((start, size));
            }
            pos = end;
        }
        let section =
            |id: u32, name: &'static str| found[id as usize].ok_or(SrsError::MissingSection { section: id, name });

        let (header, header_size) = section(1, "header")?;
        reader.seek(SeekFrom::Start(header)).map_err(io_err(".ptau header"))?;
        let n8 = read_u32(&mut reader, ".ptau header field size")?;
        if n8 != 32 || header_size != 4 + 32 + 8 {
            return Err(SrsError::WrongCurve { n8, modulus_hex: String::from("(not read)") });
        }
        let mut q = [0u8; 32];
        reader.read_exact(&mut q).map_err(io_err(".ptau header modulus"))?;
        if q != modulus_le() {
            let modulus_hex = q.iter().rev().map(|b| format!("{b:02x}")).collect();
            return Err(SrsError::WrongCurve { n8, modulus_hex });
        }
        let power = read_u32(&mut reader, ".ptau header power")?;
        if power > MAX_K {
            return Err(SrsError::TooLarge { k: power });
        }
        if k > power {
            return Err(SrsError::TooSmall { have: power, want: k });
        }

        let (g1_start, g1_size) = section(2, "tauG1")?;
        let g1_expected = ((1u64 << (power + 1)) - 1) * 64;
        if g1_size != g1_expected {
            return Err(SrsError::SectionSize { section: 2, size: g1_size, expected: g1_expected });
        }
        let mut g1_bytes = vec![0u8; (1usize << k) * 64];
        reader.seek(SeekFrom::Start(g1_start)).map_err(io_err(".ptau tauG1"))?;
        reader.read_exact(&mut g1_bytes).map_err(io_err(".ptau tauG1"))?;
        let g1_powers = parse_g1_points(&g1_bytes, ".ptau tauG1 point")?;

        let (g2_start, g2_size) = section(3, "tauG2")?;
        let g2_expected = (1u64 << power) * 128;
        if g2_size != g2_expected {
            return Err(SrsError::SectionSize { section: 3, size: g2_size, expected: g2_expected });
        }
        let mut g2_bytes = [0u8; 256];
        reader.seek(SeekFrom::Start(g2_start)).map_err(io_err(".ptau tauG2"))?;
        reader.read_exact(&mut g2_bytes).map_err(io_err(".ptau tauG2"))?;
        let g2 = raw_g2(&g2_bytes[..128])
            .map_err(|source| SrsError::BadPoint { what: ".ptau tauG2 point 0".into(), source })?;
        let tau_g2 = raw_g2(&g2_bytes[128..])
            .map_err(|source| SrsError::BadPoint { what: ".ptau tauG2 point 1".into(), source })?;
        Self::from_parts(g1_powers, g2, tau_g2)
    }

    /// Reads the first `2^k` powers of the `.ptau` file at `path`.
    pub fn read_ptau_file(path: &std::path::Path, k: u32) -> Result<Self, SrsError> {
        let file = std::fs::File::open(path).map_err(io_err(path.display().to_string()))?;
        Self::read_ptau(std::io::BufReader::new(file), k)
    }
}

/// **Insecure**: writes a `.ptau` file of power `power` (sections 1–3 only) whose τ is derived
/// from `seed`, in exactly the layout snarkjs uses for those sections. For tests of the loader.
pub fn write_insecure_ptau(mut writer: impl Write, power: u32, seed: u64) -> Result<(), SrsError> {
    let tau = Fr::random(ChaCha20Rng::seed_from_u64(seed));
    let powers = |count: usize| -> Vec<Fr> {
        let mut p = Fr::ONE;
        (0..count)
            .map(|_| {
                let v = p;
                p *= tau;
                v
            })
            .collect()
    };
    let g1: Vec<G1Affine> =
        powers((1 << (power + 1)) - 1).par_iter().map(|s| (G1::generator() * s).to_affine()).collect();
    let g2: Vec<G2Affine> = powers(1 << power).par_iter().map(|s| (G2::generator() * s).to_affine()).collect();
    let w = |writer: &mut dyn Write, bytes: &[u8]| writer.write_all(bytes).map_err(io_err("writing .ptau"));
    w(&mut writer, MAGIC)?;
    w(&mut writer, &VERSION.to_le_bytes())?;
    w(&mut writer, &3u32.to_le_bytes())?;
    w(&mut writer, &1u32.to_le_bytes())?;
    w(&mut writer, &44u64.to_le_bytes())?;
    w(&mut writer, &32u32.to_le_bytes())?;
    w(&mut writer, &modulus_le())?;
    w(&mut writer, &power.to_le_bytes())?;
    w(&mut writer, &power.to_le_bytes())?;
    w(&mut writer, &2u32.to_le_bytes())?;
    w(&mut writer, &(g1.len() as u64 * 64).to_le_bytes())?;
    for p in &g1 {
        w(&mut writer, &p.to_raw_bytes())?;
    }
    w(&mut writer, &3u32.to_le_bytes())?;
    w(&mut writer, &(g2.len() as u64 * 128).to_le_bytes())?;
    for p in &g2 {
        w(&mut writer, &p.to_raw_bytes())?;
    }
    Ok(())
}
