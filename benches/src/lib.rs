//! Shared helpers for benchmarks: deterministic inputs, generated in parallel, and their
//! conversions to arkworks types so that peers run on exactly the same values; [`measure`]
//! times work and reads the process's peak memory for the comparison binaries.

pub mod measure;

use ark_ff::PrimeField as _;
use ff::{Field, PrimeField};
use group::{Curve, prime::PrimeCurveAffine};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use rebuttal_prover::arith::{Fq, Fr, G1, G1Affine};

/// Inputs are generated in chunks of this many elements, each chunk from its own seeded RNG,
/// so the output does not depend on the number of threads.
const CHUNK: usize = 1 << 12;

fn chunk_rng(seed: u64, chunk: usize) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ chunk as u64)
}

/// `n` uniformly random scalars, deterministic in `seed`.
pub fn random_scalars(n: usize, seed: u64) -> Vec<Fr> {
    let mut out = vec![Fr::ZERO; n];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut rng = chunk_rng(seed, c);
        chunk.iter_mut().for_each(|s| *s = Fr::random(&mut rng));
    });
    out
}

/// `n` pseudo-random points of G1, deterministic in `seed`. Each chunk starts at a random
/// multiple of the generator and walks by random steps from a small table: one point addition
/// per point instead of a scalar multiplication.
pub fn random_bases(n: usize, seed: u64) -> Vec<G1Affine> {
    let mut out = vec![G1Affine::generator(); n];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut rng = chunk_rng(seed ^ 0xba5e, c);
        let g = G1::generator();
        let steps: Vec<G1> = (0..16).map(|_| g * Fr::random(&mut rng)).collect();
        let mut p = g * Fr::random(&mut rng);
        let walk: Vec<G1> = (0..chunk.len())
            .map(|_| {
                p += steps[rng.gen_range(0..steps.len())];
                p
            })
            .collect();
        G1::batch_normalize(&walk, chunk);
    });
    out
}

/// The same scalars as arkworks values.
pub fn to_ark_scalars(scalars: &[Fr]) -> Vec<ark_bn254::Fr> {
    scalars.par_iter().map(|s| ark_bn254::Fr::from_le_bytes_mod_order(s.to_repr().as_ref())).collect()
}

fn fq_to_ark(x: &Fq) -> ark_bn254::Fq {
    ark_bn254::Fq::from_le_bytes_mod_order(x.to_repr().as_ref())
}

/// The same points as arkworks affine points (identity maps to identity).
pub fn to_ark_bases(bases: &[G1Affine]) -> Vec<ark_bn254::G1Affine> {
    use ark_ec::AffineRepr;
    bases
        .par_iter()
        .map(|p| {
            if bool::from(p.is_identity()) {
                ark_bn254::G1Affine::zero()
            } else {
                ark_bn254::G1Affine::new_unchecked(fq_to_ark(&p.x), fq_to_ark(&p.y))
            }
        })
        .collect()
}

/// Reads a `u32` from the environment (e.g. the largest size to benchmark), or `default`.
pub fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Bytes keccak256 absorbs per keccak-f (the sponge's rate).
pub const KECCAK_RATE_BYTES: usize = 136;

/// `n` byte strings of random lengths in `0..KECCAK_RATE_BYTES` and random contents,
/// deterministic in `seed`: each is hashed with exactly one keccak-f, so `n` inputs cost `n`
/// keccak-f in any keccak circuit.
pub fn random_keccak_inputs(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let len = rng.gen_range(0..KECCAK_RATE_BYTES);
            (0..len).map(|_| rng.r#gen()).collect()
        })
        .collect()
}
