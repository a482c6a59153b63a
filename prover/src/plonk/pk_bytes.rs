//! Proving keys to bytes and back.
//!
//! # Layout (version 2, as the verifying key's), big-endian
//!
//! ```text
//! "RBPK"  u32 version  u32 vk_length  vk bytes (see the verifying-key layout)
//! 32-byte scalars × n × #fixed      the circuit's fixed columns, column by column
//! 32-byte scalars × n × #equality   the permutation columns σ
//! 64-byte G1 points × m              the SRS powers [τ^i]₁ the prover commits with (m = n, or
//!                                    with packing the largest pack's members × n)
//! ```
//!
//! The selectors `l_0`, `l_last`, `l_active` and `x` are recomputed. On load the verifying
//! key's commitments are recomputed and compared (every fixed and σ column; with packing every
//! key pack, which leaves out fixed columns no constraint opens), and the SRS powers are checked
//! to be successive powers of the key's τ with one pairing, so a corrupted proving key is an
//! error rather than a source of proofs that fail to verify.

use std::sync::Arc;

use rayon::prelude::*;

use super::keygen::{
    PROTOCOL_VERSION, ProvingKey, VerifyingKey, interpolate_all, key_commitments, selector_values, srs_powers_needed,
};
use super::vk_bytes::VkError;
use crate::arith::{Domain, Fr, G1Affine};
use crate::backend::{BackendError, CpuBackend};
use crate::encoding::{EncodingError, fr_from_bytes, fr_to_bytes, g1_from_bytes, g1_to_bytes};
use crate::srs::lagrange_basis;

const MAGIC: &[u8; 4] = b"RBPK";

/// Why bytes are not a proving key.
#[derive(Debug, thiserror::Error)]
pub enum PkError {
    #[error("proving key ends early while reading {what}")]
    Truncated { what: &'static str },
    #[error("not a rebuttal proving key (magic bytes {found:?})")]
    BadMagic { found: Vec<u8> },
    #[error("proving-key version {version} is not supported (this build reads {PROTOCOL_VERSION})")]
    UnsupportedVersion { version: u32 },
    #[error("proving key's embedded verifying key: {0}")]
    Vk(#[from] VkError),
    #[error("proving key's {what} is malformed: {source}")]
    Malformed { what: String, source: EncodingError },
    #[error("proving key's {what} does not match the verifying key's commitment")]
    CommitmentMismatch { what: String },
    #[error("{extra} bytes follow the proving key")]
    TrailingBytes { extra: usize },
    #[error("the proving key's SRS powers are not successive powers of the verifying key's τ")]
    SrsInconsistent,
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl ProvingKey {
    /// The proving key in the documented byte layout.
    pub fn to_bytes(&self) -> Vec<u8> {
        let vk = self.vk.to_bytes();
        let ext = &self.vk.ext;
        let mut out = Vec::with_capacity(12 + vk.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&PROTOCOL_VERSION.to_be_bytes());
        out.extend_from_slice(&(vk.len() as u32).to_be_bytes());
        out.extend_from_slice(&vk);
        let columns = ext.circuit_fixed + ext.sigma.len();
        for column in &self.fixed_values[..columns] {
            for v in column {
                out.extend_from_slice(&fr_to_bytes(v));
            }
        }
        for p in self.srs_powers.iter() {
            out.extend_from_slice(&g1_to_bytes(p));
        }
        out
    }

    /// Parses untrusted bytes; re-commits the fixed columns with the CPU backend and checks
    /// them against the verifying key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PkError> {
        let take = |at: &mut usize, len: usize, what: &'static str| -> Result<&[u8], PkError> {
            let end = at.checked_add(len).filter(|&e| e <= bytes.len()).ok_or(PkError::Truncated { what })?;
            let s = &bytes[*at..end];
            *at = end;
            Ok(s)
        };
        let mut at = 0;
        let magic = take(&mut at, 4, "magic bytes")?;
        if magic != MAGIC {
            return Err(PkError::BadMagic { found: magic.to_vec() });
        }
        let version = u32::from_be_bytes(take(&mut at, 4, "version")?.try_into().expect("4 bytes"));
        if version != PROTOCOL_VERSION {
            return Err(PkError::UnsupportedVersion { version });
        }
        let vk_len =
            u32::from_be_bytes(take(&mut at, 4, "verifying-key length")?.try_into().expect("4 bytes")) as usize;
        let vk = VerifyingKey::from_bytes(take(&mut at, vk_len, "verifying key")?)?;
        let ext = vk.ext.clone();
        let domain = Domain::new(vk.k).expect("a decoded verifying key has a valid k");
        let n = domain.n();
        let columns = ext.circuit_fixed + ext.sigma.len();
        let scalars = take(&mut at, columns.saturating_mul(n).saturating_mul(32), "fixed columns")?;
        let mut fixed_values: Vec<Vec<Fr>> = scalars
            .par_chunks(n * 32)
            .enumerate()
            .map(|(c, col)| {
                col.chunks(32)
                    .enumerate()
                    .map(|(r, b)| {
                        fr_from_bytes(b)
                            .map_err(|source| PkError::Malformed { what: format!("fixed column {c} row {r}"), source })
                    })
                    .collect()
            })
            .collect::<Result<_, _>>()?;
        let shape = super::proof::ProofShape::new(&ext, vk.k);
        let powers = srs_powers_needed(&shape, n);
        let points = take(&mut at, powers.saturating_mul(64), "SRS powers")?;
        let srs_powers: Vec<G1Affine> = points
            .par_chunks(64)
            .enumerate()
            .map(|(i, b)| {
                g1_from_bytes(b, false).map_err(|source| PkError::Malformed { what: format!("SRS power {i}"), source })
            })
            .collect::<Result<_, _>>()?;
        if at != bytes.len() {
            return Err(PkError::TrailingBytes { extra: bytes.len() - at });
        }
        if srs_powers.first() != Some(&vk.g1) {
            return Err(PkError::CommitmentMismatch { what: "first SRS power ([1]₁)".into() });
        }
        fixed_values.extend(selector_values(&domain, ext.cs.usable_rows(vk.k)));
        let backend = CpuBackend;
        let fixed_coeffs = interpolate_all(&fixed_values, &domain, &backend)?;
        let recomputed = key_commitments(&ext, &shape, &fixed_coeffs, &srs_powers, &backend)?;
        let expected = vk.fixed_commitments.iter().chain(&vk.sigma_commitments);
        for (i, (got, commitment)) in recomputed.fixed.iter().chain(&recomputed.sigma).zip(expected).enumerate() {
            if got != commitment {
                let what = if i < ext.circuit_fixed {
                    format!("fixed column {i}")
                } else {
                    format!("σ column {}", i - ext.circuit_fixed)
                };
                return Err(PkError::CommitmentMismatch { what });
            }
        }
        for (i, (got, commitment)) in recomputed.packed.iter().zip(&vk.packed_commitments).enumerate() {
            if got != commitment {
                return Err(PkError::CommitmentMismatch { what: format!("packed key commitment {i}") });
            }
        }
        check_powers(&srs_powers, &vk)?;
        let srs_lagrange =
            if shape.packing > 1 { Arc::from([]) } else { lagrange_basis(&srs_powers[..n], &domain).into() };
        Ok(ProvingKey { vk, fixed_coeffs, fixed_values, srs_powers: Arc::from(srs_powers), srs_lagrange })
    }
}

/// Checks that `powers` are `[τ^i]₁` for the τ of the verifying key's `[τ]₂`, all at once:
/// `e(Σ r_i·P_{i+1}, [1]₂) = e(Σ r_i·P_i, [τ]₂)` with random `r_i`. The key commitments checked
/// above cover only the powers the fixed columns use; the prover also commits with the others
/// (quotient pieces, W, W', with packing up to the widest pack), and a wrong power there would
/// give proofs that fail to verify.
fn check_powers(powers: &[G1Affine], vk: &VerifyingKey) -> Result<(), PkError> {
    use ff::Field;
    use group::Curve;
    use halo2curves::bn256::{Gt, multi_miller_loop};
    use halo2curves::pairing::MillerLoopResult;
    if powers.len() < 2 {
        return Ok(());
    }
    let mut rng = rand_core::OsRng;
    let r: Vec<Fr> = (0..powers.len() - 1).map(|_| Fr::random(&mut rng)).collect();
    let shifted = crate::backend::cpu::cpu_msm(&r, &powers[1..]).to_affine();
    let neg_base = (-crate::backend::cpu::cpu_msm(&r, &powers[..powers.len() - 1])).to_affine();
    let result = multi_miller_loop(&[(&shifted, &vk.g2), (&neg_base, &vk.tau_g2)]).final_exponentiation();
    if result == Gt::identity() { Ok(()) } else { Err(PkError::SrsInconsistent) }
}
