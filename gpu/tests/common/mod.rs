//! Inputs shared by the GPU crate's tests.
#![allow(dead_code)] // each test binary uses a different subset

use ff::Field;
use group::Curve;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rebuttal_prover::arith::{Fr, G1, G1Affine};

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn random_scalars(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = rng(seed);
    (0..n).map(|_| Fr::random(&mut rng)).collect()
}

/// Distinct pseudo-random points, cheaply: a random start and random small steps.
pub fn random_bases(n: usize, seed: u64) -> Vec<G1Affine> {
    let mut rng = rng(seed ^ 0x5eed);
    let g = G1::generator();
    let mut p = g * Fr::random(&mut rng);
    let steps: Vec<G1> = (0..8).map(|_| g * Fr::random(&mut rng)).collect();
    let proj: Vec<G1> = (0..n)
        .map(|_| {
            p += steps[rng.gen_range(0..steps.len())];
            p
        })
        .collect();
    let mut out = vec![G1Affine::default(); n];
    G1::batch_normalize(&proj, &mut out);
    out
}
