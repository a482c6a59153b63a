//! The structured reference string for KZG: `[τ^i]₁` for `i < 2^k`, with `[1]₂` and `[τ]₂`.
//!
//! Sources:
//! - [`Srs::unsafe_setup`]: a seeded setup **for tests only** — whoever knows the seed knows τ
//!   and can forge proofs;
//! - [`Srs::read_ptau`]: snarkjs `.ptau` files (Hermez / Perpetual Powers of Tau, up to 2^28);
//! - [`Srs::read_params_kzg`]: PSE halo2 `ParamsKZG` files in their raw-bytes format.
//!
//! Every loader validates each point (canonical coordinates, on the curve, G2 in the subgroup,
//! no identity) and then runs [`Srs::check_consistency`], a pairing check that the G1 powers
//! really are successive powers of the τ behind `[τ]₂`, on a random sample of positions.

mod params_kzg;

pub(crate) use params_kzg::lagrange_basis;
mod ptau;

pub use ptau::write_insecure_ptau;

use std::io;

use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use halo2curves::bn256::{Fr, G1, G1Affine, G2Affine, Gt, multi_miller_loop};
use halo2curves::pairing::MillerLoopResult;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use crate::arith::MAX_K;
use crate::encoding::EncodingError;

/// Why an SRS could not be built or loaded. Each names the file section or point involved.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    #[error("reading {what}: {source}")]
    Io { what: String, source: io::Error },
    #[error("{what} ends early: expected {expected} bytes, found {found}")]
    Truncated { what: String, expected: u64, found: u64 },
    #[error("not a .ptau file: the magic bytes are {found:?}, expected \"ptau\"")]
    BadMagic { found: [u8; 4] },
    #[error("{format} version {version} is not supported (supported: {supported})")]
    UnsupportedVersion { format: &'static str, version: u32, supported: u32 },
    #[error(".ptau file has no section {section} ({name})")]
    MissingSection { section: u32, name: &'static str },
    #[error(".ptau section {section} has size {size}, expected {expected}")]
    SectionSize { section: u32, size: u64, expected: u64 },
    #[error(".ptau file is for another curve: field elements of {n8} bytes with modulus {modulus_hex}")]
    WrongCurve { n8: u32, modulus_hex: String },
    #[error("the SRS holds 2^{have} powers but 2^{want} are needed")]
    TooSmall { have: u32, want: u32 },
    #[error("2^{k} powers exceed the largest supported SRS (2^{MAX_K})")]
    TooLarge { k: u32 },
    #[error("{what}: {source}")]
    BadPoint { what: String, source: EncodingError },
    #[error(
        "the SRS is inconsistent: the G1 powers are not successive powers of the τ in [τ]₂ (sampled pairing check failed)"
    )]
    Inconsistent,
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> SrsError {
    let what = what.into();
    move |source| SrsError::Io { what, source }
}

/// KZG parameters: powers of τ in G1, and `[1]₂`, `[τ]₂`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srs {
    k: u32,
    g1_powers: Vec<G1Affine>,
    g2: G2Affine,
    tau_g2: G2Affine,
}

impl Srs {
    /// **Insecure**: an SRS whose τ is derived from `seed`. Anyone who knows the seed can forge
    /// proofs. For tests and benchmarks only.
    pub fn unsafe_setup(k: u32, seed: u64) -> Result<Self, SrsError> {
        if k > MAX_K {
            return Err(SrsError::TooLarge { k });
        }
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let tau = Fr::random(&mut rng);
        let n = 1usize << k;
        // τ^i computed in parallel chunks from τ^(chunk start).
        const CHUNK: usize = 1 << 10;
        let mut powers = vec![Fr::ONE; n];
        powers.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
            let mut p = tau.pow_vartime([(c * CHUNK) as u64]);
            for slot in chunk {
                *slot = p;
                p *= tau;
            }
        });
        let table = FixedBaseTable::new(G1::generator());
        let projective: Vec<G1> = powers.par_iter().map(|s| table.mul(s)).collect();
        let mut g1_powers = vec![G1Affine::identity(); n];
        G1::batch_normalize(&projective, &mut g1_powers);
        let g2 = G2Affine::generator();
        let tau_g2 = (g2 * tau).to_affine();
        Ok(Self { k, g1_powers, g2, tau_g2 })
    }

    /// Builds an SRS from its parts, validating the points and the powers' consistency.
    pub fn from_parts(g1_powers: Vec<G1Affine>, g2: G2Affine, tau_g2: G2Affine) -> Result<Self, SrsError> {
        let n = g1_powers.len();
        if !n.is_power_of_two() {
            return Err(SrsError::Truncated {
                what: "G1 powers".into(),
                expected: n.next_power_of_two() as u64,
                found: n as u64,
            });
        }
        let k = n.trailing_zeros();
        if k > MAX_K {
            return Err(SrsError::TooLarge { k });
        }
        if let Some(i) = g1_powers.par_iter().position_any(|p| bool::from(p.is_identity())) {
            return Err(SrsError::BadPoint { what: format!("G1 power {i}"), source: EncodingError::Identity });
        }
        for (what, p) in [("[1]₂", &g2), ("[τ]₂", &tau_g2)] {
            if bool::from(p.is_identity()) {
                return Err(SrsError::BadPoint { what: what.into(), source: EncodingError::Identity });
            }
            crate::encoding::check_g2_subgroup(p).map_err(|source| SrsError::BadPoint { what: what.into(), source })?;
        }
        let srs = Self { k, g1_powers, g2, tau_g2 };
        srs.check_consistency(64, 0x5eed_5eed)?;
        Ok(srs)
    }

    /// log2 of the number of G1 powers.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// `[τ^i]₁` for `i < 2^k`.
    pub fn g1_powers(&self) -> &[G1Affine] {
        &self.g1_powers
    }

    /// `[1]₂`.
    pub fn g2(&self) -> G2Affine {
        self.g2
    }

    /// `[τ]₂`.
    pub fn tau_g2(&self) -> G2Affine {
        self.tau_g2
    }

    /// The same SRS cut down to `2^k` powers.
    pub fn cut(&self, k: u32) -> Result<Self, SrsError> {
        if k > self.k {
            return Err(SrsError::TooSmall { have: self.k, want: k });
        }
        Ok(Self { k, g1_powers: self.g1_powers[..1 << k].to_vec(), g2: self.g2, tau_g2: self.tau_g2 })
    }

    /// Checks on `samples` random positions `i` that `e([τ^(i+1)]₁, [1]₂) = e([τ^i]₁, [τ]₂)`,
    /// batched with random coefficients into one two-pairing check. Position 0 and the last
    /// pair are always included.
    pub fn check_consistency(&self, samples: usize, seed: u64) -> Result<(), SrsError> {
        let n = self.g1_powers.len();
        if n < 2 {
            return Ok(());
        }
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut positions = vec![0, n - 2];
        positions.extend((0..samples).map(|_| (rng.next_u64() % (n as u64 - 1)) as usize));
        let mut lhs = G1::identity();
        let mut rhs = G1::identity();
        for i in positions {
            let r = Fr::random(&mut rng);
            lhs += self.g1_powers[i + 1] * r;
            rhs += self.g1_powers[i] * r;
        }
        // e(lhs, [1]₂) · e(−rhs, [τ]₂) = 1
        let (lhs, neg_rhs) = (lhs.to_affine(), (-rhs).to_affine());
        let result = multi_miller_loop(&[(&lhs, &self.g2), (&neg_rhs, &self.tau_g2)]).final_exponentiation();
        if result == Gt::identity() { Ok(()) } else { Err(SrsError::Inconsistent) }
    }
}

/// Fixed-base scalar multiplication with 8-bit windows: 32 table additions per product.
struct FixedBaseTable {
    /// `table[w][d] = d · 2^(8w) · base` for `d < 256`.
    table: Vec<Vec<G1Affine>>,
}

impl FixedBaseTable {
    fn new(base: G1) -> Self {
        let mut table = Vec::with_capacity(32);
        let mut window_base = base;
        for _ in 0..32 {
            let mut row = vec![G1::identity(); 256];
            for d in 1..256 {
                row[d] = row[d - 1] + window_base;
            }
            let mut affine = vec![G1Affine::identity(); 256];
            G1::batch_normalize(&row, &mut affine);
            table.push(affine);
            for _ in 0..8 {
                window_base = window_base.double();
            }
        }
        Self { table }
    }

    fn mul(&self, scalar: &Fr) -> G1 {
        let repr = ff::PrimeField::to_repr(scalar);
        let mut acc = G1::identity();
        for (w, byte) in repr.as_ref().iter().enumerate() {
            if *byte != 0 {
                acc += self.table[w][*byte as usize];
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_setup_gives_consistent_powers() {
        let srs = Srs::unsafe_setup(6, 1).unwrap();
        assert_eq!(srs.g1_powers().len(), 64);
        assert_eq!(srs.g1_powers()[0], G1Affine::generator());
        srs.check_consistency(200, 5).unwrap();
        assert_ne!(srs, Srs::unsafe_setup(6, 2).unwrap());
        let cut = srs.cut(3).unwrap();
        assert_eq!(cut.g1_powers(), &srs.g1_powers()[..8]);
        cut.check_consistency(10, 1).unwrap();
        assert!(matches!(srs.cut(7), Err(SrsError::TooSmall { have: 6, want: 7 })));
    }

    #[test]
    fn fixed_base_table_matches_scalar_multiplication() {
        let table = FixedBaseTable::new(G1::generator());
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        for s in [Fr::ZERO, Fr::ONE, -Fr::ONE, Fr::random(&mut rng), Fr::random(&mut rng)] {
            assert_eq!(table.mul(&s), G1::generator() * s);
        }
    }

    #[test]
    fn a_wrong_power_is_caught() {
        let srs = Srs::unsafe_setup(5, 3).unwrap();
        for bad in [0usize, 17, 31] {
            let mut powers = srs.g1_powers().to_vec();
            powers[bad] = (powers[bad] + G1Affine::generator()).to_affine();
            // Sampling every position makes the check certain to include the bad one.
            let broken = Srs { g1_powers: powers, ..srs.clone() };
            assert!(matches!(broken.check_consistency(400, 9), Err(SrsError::Inconsistent)), "power {bad}");
        }
        let swapped = Srs { tau_g2: srs.g2, ..srs.clone() };
        assert!(matches!(swapped.check_consistency(4, 1), Err(SrsError::Inconsistent)));
    }
}
