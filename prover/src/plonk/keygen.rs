//! Keygen: the fixed polynomials (the circuit's, the permutation's σ, the Lagrange selectors),
//! their commitments, and the verifying key's digest.

use std::collections::HashMap;
use std::sync::Arc;

use ff::Field;
use group::Curve;
use rayon::prelude::*;
use sha3::{Digest, Keccak256};

use super::argument::{Extended, delta_power};
use super::shape::encode_shape;
use crate::arith::{Domain, Fr, G1Affine, G2Affine};
use crate::backend::{Backend, BackendError};
use crate::circuit::{Circuit, Column, Layout, SynthesisError};
use crate::encoding::{g1_to_bytes, g2_to_bytes};
use crate::srs::{Srs, lagrange_basis};

/// Version of the proof system (and of the verifying-key digest input). Version 2: logUp
/// lookups of one table share helper columns and the table's fraction moved into the running-sum
/// step ([`crate::circuit::logup`]); the proof's columns, constraints and degree changed.
pub const PROTOCOL_VERSION: u32 = 2;

/// Why keygen failed.
#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    #[error("the SRS holds 2^{have} powers but the circuit needs 2^{want}")]
    SrsTooSmall { have: u32, want: u32 },
    #[error("packing {packing} polynomials per commitment is beyond the key format's 32 bits")]
    PackingTooLarge { packing: usize },
    #[error(
        "packing {members} polynomials per commitment at 2^{k} rows needs {needed} SRS powers; the SRS holds {have}"
    )]
    SrsTooSmallForPacking { k: u32, members: usize, needed: usize, have: usize },
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(
        "zero-knowledge needs at least {min} rows for this circuit's degree {degree} (the quotient's pieces hold n − 2 coefficients each); k = {k} gives {n}"
    )]
    DomainTooSmallForZeroKnowledge { k: u32, n: usize, degree: usize, min: usize },
}

/// Options of [`keygen_with_config`]; they are part of the key (and of its digest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeygenConfig {
    /// Make proofs zero-knowledge (random reserved rows and blinded quotient pieces, see
    /// [`super::zk`]). Off by default: rebuttal proves public blocks, where secrecy buys nothing
    /// and deterministic proofs are reproducible.
    pub zero_knowledge: bool,
    /// Most polynomials one commitment holds (0 and 1: one each). Packing p polynomials opened
    /// at the same rotations into one commitment (see [`super::proof`], "Packed commitments")
    /// makes the verifier do one elliptic-curve multiplication per pack instead of one per
    /// polynomial, which is what an on-chain verifier pays most for; the prover then commits
    /// and opens polynomials of degree t·n, t ≤ p being the largest pack, and the SRS must hold
    /// t·n powers. Meant for narrow circuits (tens of columns), such as the last proof before
    /// L1. At most `u32::MAX` (the key stores it in 32 bits).
    pub packing: usize,
}

/// What a verifier needs: the circuit's shape, the fixed commitments and the SRS's G2 points.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    pub(crate) k: u32,
    pub(crate) ext: Arc<Extended>,
    /// The circuit's own constraint system (what the key serialises).
    pub(crate) circuit_cs: Arc<crate::circuit::ConstraintSystem>,
    /// Commitments to the circuit's fixed columns.
    pub(crate) fixed_commitments: Vec<G1Affine>,
    /// Commitments to the permutation columns σ.
    pub(crate) sigma_commitments: Vec<G1Affine>,
    /// With packing, the commitments to the key's packs ([`super::proof::ProofShape::key_packs`])
    /// instead of the two lists above, which are then empty.
    pub(crate) packed_commitments: Vec<G1Affine>,
    pub(crate) g1: G1Affine,
    pub(crate) g2: G2Affine,
    pub(crate) tau_g2: G2Affine,
    pub(crate) digest: [u8; 32],
}

impl VerifyingKey {
    /// log2 of the number of rows.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Keccak256 over the protocol version, the circuit's shape, the commitments and the SRS
    /// points: the transcript's first input.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Whether this key's proofs are zero-knowledge.
    pub fn zero_knowledge(&self) -> bool {
        self.ext.zero_knowledge
    }

    /// Most polynomials per commitment (1: no packing).
    pub fn packing(&self) -> usize {
        self.ext.packing
    }

    /// Number of instance columns.
    pub fn num_instance(&self) -> usize {
        self.ext.cs.num_instance()
    }

    /// Every constraint the proof attests, by name (gates, lookups, permutation).
    pub fn constraint_names(&self) -> impl Iterator<Item = &str> {
        self.ext.constraints.iter().map(|(n, _)| n.as_str())
    }

    /// The extended constraint system (the circuit's plus the argument columns and
    /// constraints) that the verifier evaluates; read-only, for verifier generators.
    pub fn extended(&self) -> &Extended {
        &self.ext
    }

    /// Commitments to the circuit's fixed columns, in column order.
    pub fn fixed_commitments(&self) -> &[G1Affine] {
        &self.fixed_commitments
    }

    /// Commitments to the permutation columns σ, in equality-column order.
    pub fn sigma_commitments(&self) -> &[G1Affine] {
        &self.sigma_commitments
    }

    /// With packing, the commitments to the key's packs, in
    /// [`super::proof::ProofShape::key_packs`] order; empty without.
    pub fn packed_commitments(&self) -> &[G1Affine] {
        &self.packed_commitments
    }

    /// The SRS points the verifier uses: `[1]₁`, `[1]₂` and `[τ]₂`.
    pub fn srs_points(&self) -> (G1Affine, G2Affine, G2Affine) {
        (self.g1, self.g2, self.tau_g2)
    }
}

/// What the prover needs beyond the verifying key.
#[derive(Debug, Clone)]
pub struct ProvingKey {
    pub(crate) vk: VerifyingKey,
    /// Coefficients of every fixed column of the extended system.
    pub(crate) fixed_coeffs: Vec<Vec<Fr>>,
    /// Values of every fixed column on the domain (σ, selectors and the circuit's).
    pub(crate) fixed_values: Vec<Vec<Fr>>,
    pub(crate) srs_powers: Arc<[G1Affine]>,
    /// The Lagrange basis over the domain (`[L_i(τ)]₁`), derived from the powers: the prover
    /// commits to its columns' values with it, which costs an MSM over short scalars where the
    /// values are short (bits, bytes, chunks) instead of over their coefficients. Empty with
    /// packing, where every commitment is made from (interleaved) coefficients.
    pub(crate) srs_lagrange: Arc<[G1Affine]>,
}

impl ProvingKey {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey {
        &self.vk
    }
}

/// Builds the proving and verifying keys of `circuit` at `2^k` rows, without zero-knowledge
/// (the default [`KeygenConfig`]).
pub fn keygen<C: Circuit>(srs: &Srs, circuit: &C, k: u32, backend: &dyn Backend) -> Result<ProvingKey, KeygenError> {
    keygen_with_config(srs, circuit, k, backend, KeygenConfig::default())
}

/// Builds the proving and verifying keys of `circuit` at `2^k` rows with `config`.
pub fn keygen_with_config<C: Circuit>(
    srs: &Srs,
    circuit: &C,
    k: u32,
    backend: &dyn Backend,
    config: KeygenConfig,
) -> Result<ProvingKey, KeygenError> {
    if u32::try_from(config.packing).is_err() {
        return Err(KeygenError::PackingTooLarge { packing: config.packing });
    }
    let layout = Layout::new(circuit, k)?;
    if srs.k() < k {
        return Err(KeygenError::SrsTooSmall { have: srs.k(), want: k });
    }
    let domain = Domain::new(k).map_err(|_| SynthesisError::DomainTooLarge { k })?;
    let ext = Extended::with_zero_knowledge(&layout.cs, config.zero_knowledge).with_packing(config.packing);
    let shape = super::proof::ProofShape::new(&ext, k);
    if config.zero_knowledge {
        let degree = shape.degree;
        let min = super::zk::min_rows(degree);
        if layout.n < min {
            return Err(KeygenError::DomainTooSmallForZeroKnowledge { k, n: layout.n, degree, min });
        }
    }
    let n = layout.n;
    let usable = layout.usable_rows;
    let powers_needed = srs_powers_needed(&shape, n);
    if srs.g1_powers().len() < powers_needed {
        return Err(KeygenError::SrsTooSmallForPacking {
            k,
            members: shape.max_members(),
            needed: powers_needed,
            have: srs.g1_powers().len(),
        });
    }

    let mut fixed_values = layout.fixed.clone();
    fixed_values.extend(sigma_values(&ext, &layout.copies, n, &domain));
    fixed_values.extend(selector_values(&domain, usable));
    debug_assert_eq!(fixed_values.len(), ext.cs.num_fixed());

    let fixed_coeffs = interpolate_all(&fixed_values, &domain, backend)?;
    let powers = &srs.g1_powers()[..powers_needed];
    let KeyCommitments { fixed: fixed_commitments, sigma: sigma_commitments, packed: packed_commitments } =
        key_commitments(&ext, &shape, &fixed_coeffs, powers, backend)?;

    let (g1, g2, tau_g2) = (srs.g1_powers()[0], srs.g2(), srs.tau_g2());
    let key_points = [fixed_commitments.as_slice(), &sigma_commitments, &packed_commitments].concat();
    let digest = vk_digest(k, &ext, &key_points, g1, g2, tau_g2);
    let vk = VerifyingKey {
        k,
        ext: Arc::new(ext),
        circuit_cs: Arc::new(layout.cs.clone()),
        fixed_commitments,
        sigma_commitments,
        packed_commitments,
        g1,
        g2,
        tau_g2,
        digest,
    };
    let srs_lagrange = if shape.packing > 1 { Arc::from([]) } else { lagrange_basis(&powers[..n], &domain).into() };
    Ok(ProvingKey { vk, fixed_coeffs, fixed_values, srs_powers: powers.into(), srs_lagrange })
}

/// How many SRS powers the prover commits with: n, or with packing the largest pack's
/// `members · n` (its commitments and SHPLONK polynomials have that degree bound).
pub(super) fn srs_powers_needed(shape: &super::proof::ProofShape, n: usize) -> usize {
    shape.max_members().saturating_mul(n)
}

/// The verifying key's commitments: without packing one per circuit fixed column and one per
/// σ; with packing one per key pack.
pub(super) struct KeyCommitments {
    pub fixed: Vec<G1Affine>,
    pub sigma: Vec<G1Affine>,
    pub packed: Vec<G1Affine>,
}

pub(super) fn key_commitments(
    ext: &Extended,
    shape: &super::proof::ProofShape,
    fixed_coeffs: &[Vec<Fr>],
    powers: &[G1Affine],
    backend: &dyn Backend,
) -> Result<KeyCommitments, BackendError> {
    let bases = backend.prepare_bases(powers)?;
    let commit = |coeffs: &[Fr]| backend.msm_prepared(coeffs, &bases).map(|p| p.to_affine());
    if shape.packing > 1 {
        let packed = shape
            .key_packs
            .iter()
            .map(|members| {
                let columns: Vec<&[Fr]> = members
                    .iter()
                    .map(|p| match p {
                        super::proof::Poly::Fixed(i) => fixed_coeffs[*i].as_slice(),
                        other => unreachable!("key packs hold fixed columns only, not {other:?}"),
                    })
                    .collect();
                commit(&super::poly::interleave(&columns))
            })
            .collect::<Result<_, _>>()?;
        return Ok(KeyCommitments { fixed: Vec::new(), sigma: Vec::new(), packed });
    }
    let fixed = fixed_coeffs[..ext.circuit_fixed].iter().map(|c| commit(c)).collect::<Result<_, _>>()?;
    let sigma_start = ext.circuit_fixed;
    let sigma =
        fixed_coeffs[sigma_start..sigma_start + ext.sigma.len()].iter().map(|c| commit(c)).collect::<Result<_, _>>()?;
    Ok(KeyCommitments { fixed, sigma, packed: Vec::new() })
}

/// Coefficients of each column from its values on `domain`.
pub(super) fn interpolate_all(
    columns: &[Vec<Fr>],
    domain: &Domain,
    backend: &dyn Backend,
) -> Result<Vec<Vec<Fr>>, BackendError> {
    columns
        .iter()
        .map(|v| {
            let mut c = v.clone();
            backend.intt(&mut c, domain).map(|_| c)
        })
        .collect()
}

/// Values of `l_0`, `l_last`, `l_active` and `x` (in that order, the extended system's last
/// fixed columns) on a domain with `usable` usable rows.
pub(super) fn selector_values(domain: &Domain, usable: usize) -> Vec<Vec<Fr>> {
    let n = domain.n();
    let mut l0 = vec![Fr::ZERO; n];
    l0[0] = Fr::ONE;
    let mut l_last = vec![Fr::ZERO; n];
    l_last[usable] = Fr::ONE;
    let mut l_active = vec![Fr::ZERO; n];
    l_active[..usable].iter_mut().for_each(|v| *v = Fr::ONE);
    let mut x = vec![Fr::ONE; n];
    for i in 1..n {
        x[i] = x[i - 1] * domain.omega();
    }
    vec![l0, l_last, l_active, x]
}

pub(super) fn vk_digest(
    k: u32,
    ext: &Extended,
    key_points: &[G1Affine],
    g1: G1Affine,
    g2: G2Affine,
    tau_g2: G2Affine,
) -> [u8; 32] {
    let mut h = Keccak256::new();
    h.update(b"rebuttal verifying key");
    h.update(PROTOCOL_VERSION.to_be_bytes());
    h.update(k.to_be_bytes());
    h.update(encode_shape(ext));
    for p in key_points.iter().chain([&g1]) {
        h.update(g1_to_bytes(p));
    }
    h.update(g2_to_bytes(&g2));
    h.update(g2_to_bytes(&tau_g2));
    h.finalize().into()
}

/// σ columns: each equality cell maps to the next cell of its copy cycle, encoded as
/// `δ^column · ω^row`.
fn sigma_values(
    ext: &Extended,
    copies: &[(crate::circuit::Cell, crate::circuit::Cell)],
    n: usize,
    domain: &Domain,
) -> Vec<Vec<Fr>> {
    let m = ext.equality.len();
    let index: HashMap<Column, usize> = ext.equality.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    // mapping[c][r]: the next cell of (c, r)'s cycle; aux: the cycle's representative.
    let mut mapping: Vec<Vec<(usize, usize)>> = (0..m).map(|c| (0..n).map(|r| (c, r)).collect()).collect();
    let mut aux = mapping.clone();
    let mut sizes = vec![vec![1usize; n]; m];
    for (a, b) in copies {
        // Columns were checked to be equality-enabled when the copy was declared.
        let (Some(&ca), Some(&cb)) = (index.get(&a.column), index.get(&b.column)) else { continue };
        let (mut left, mut right) = ((ca, a.row), (cb, b.row));
        let (mut rep_l, mut rep_r) = (aux[left.0][left.1], aux[right.0][right.1]);
        if rep_l == rep_r {
            continue;
        }
        if sizes[rep_l.0][rep_l.1] < sizes[rep_r.0][rep_r.1] {
            std::mem::swap(&mut left, &mut right);
            std::mem::swap(&mut rep_l, &mut rep_r);
        }
        sizes[rep_l.0][rep_l.1] += sizes[rep_r.0][rep_r.1];
        let mut cell = right;
        loop {
            aux[cell.0][cell.1] = rep_l;
            cell = mapping[cell.0][cell.1];
            if cell == right {
                break;
            }
        }
        let tmp = mapping[left.0][left.1];
        mapping[left.0][left.1] = mapping[right.0][right.1];
        mapping[right.0][right.1] = tmp;
    }
    let mut omega_powers = vec![Fr::ONE; n];
    for i in 1..n {
        omega_powers[i] = omega_powers[i - 1] * domain.omega();
    }
    let deltas: Vec<Fr> = (0..m).map(delta_power).collect();
    mapping.par_iter().map(|col| col.iter().map(|&(c, r)| deltas[c] * omega_powers[r]).collect()).collect()
}
