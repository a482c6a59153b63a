//! Radix-2 NTT and coset helpers on the CPU.

use crate::arith::Fr;
use ff::Field;
use rayon::prelude::*;

const CHUNK: usize = 1 << 12;

/// In-place NTT of `values` (length `2^log_n`) with root `omega`.
pub(super) fn ntt(values: &mut [Fr], omega: Fr, log_n: u32) {
    debug_assert_eq!(values.len(), 1 << log_n);
    halo2curves::fft::best_fft(values, omega, log_n);
}

/// `values[i] *= factor`.
pub(super) fn scale(values: &mut [Fr], factor: Fr) {
    values.par_chunks_mut(CHUNK).for_each(|c| c.iter_mut().for_each(|v| *v *= factor));
}

/// `values[i] *= base^i`.
pub(super) fn multiply_by_powers(values: &mut [Fr], base: Fr) {
    multiply_by_scaled_powers(values, Fr::ONE, base);
}

/// `values[i] *= factor · base^i`.
pub(super) fn multiply_by_scaled_powers(values: &mut [Fr], factor: Fr, base: Fr) {
    let chunk_step = base.pow_vartime([CHUNK as u64]);
    values.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut power = factor * chunk_step.pow_vartime([c as u64]);
        for v in chunk.iter_mut() {
            *v *= power;
            power *= base;
        }
    });
}
