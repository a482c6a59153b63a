//! The synthetic circuit's values, shared by both provers.
//!
//! Every row `i` holds a vanilla PLONK gate `q_l·a + q_r·b + q_m·a·b − q_o·c + q_c = 0`, the
//! relation `d = a + e`, and `e` is a byte (looked up in a fixed table of 0..=255). Every
//! [`COPY_STRIDE`]-th row's `c` is copied into the next row's `a`. The values are generated
//! from field arithmetic on random integers, so both provers' field types get identical values.

use ff::PrimeField;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

/// A copy constraint `c[i] = a[i + 1]` is placed at every row `i` that is a multiple of this.
pub const COPY_STRIDE: usize = 64;

/// Rows are generated in chunks of this many, each from its own seeded RNG (a multiple of
/// [`COPY_STRIDE`], so each copied pair of rows lies in one chunk).
const CHUNK: usize = 1 << 12;

/// Columns `q_l, q_r, q_m, q_o, q_c` (fixed) and `a, b, c, d, e` (advice), `rows` long each.
pub struct Witness<F> {
    pub selectors: [Vec<F>; 5],
    pub advice: [Vec<F>; 5],
}

/// A uniformly random field element built from 256 random bits by field arithmetic.
fn random_element<F: PrimeField>(rng: &mut ChaCha20Rng, two_128: F) -> F {
    F::from_u128(rng.r#gen::<u128>()) * two_128 + F::from_u128(rng.r#gen::<u128>())
}

/// Fills one chunk of rows of the columns `[q_l, q_r, q_m, q_o, q_c, a, b, c, d, e]`.
fn fill_chunk<F: PrimeField>(seed: u64, index: usize, cols: &mut [&mut [F]]) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let two_128 = F::from_u128(1u128 << 127).double();
    for i in 0..cols[0].len() {
        let q_l = F::from(rng.r#gen::<u32>() as u64);
        let q_r = F::from(rng.r#gen::<u32>() as u64);
        let q_m = F::from(rng.r#gen::<u32>() as u64);
        let q_o = F::ONE;
        let q_c = random_element::<F>(&mut rng, two_128);
        // The row after a copy row starts from the previous row's output.
        let a = if i % COPY_STRIDE == 1 { cols[7][i - 1] } else { random_element(&mut rng, two_128) };
        let b = random_element::<F>(&mut rng, two_128);
        let e = F::from(rng.r#gen::<u8>() as u64);
        let d = a + e;
        let c = q_l * a + q_r * b + q_m * a * b + q_c;
        for (column, value) in cols.iter_mut().zip([q_l, q_r, q_m, q_o, q_c, a, b, c, d, e]) {
            column[i] = value;
        }
    }
}

impl<F: PrimeField> Witness<F> {
    /// Deterministic in `(rows, seed)`; a shorter witness is a prefix of a longer one.
    pub fn generate(rows: usize, seed: u64) -> Self {
        let mut columns: [Vec<F>; 10] = std::array::from_fn(|_| vec![F::ZERO; rows]);
        {
            let mut per_column: Vec<std::slice::ChunksMut<'_, F>> =
                columns.iter_mut().map(|c| c.chunks_mut(CHUNK)).collect();
            let chunks: Vec<Vec<&mut [F]>> =
                (0..rows.div_ceil(CHUNK)).map(|_| per_column.iter_mut().filter_map(Iterator::next).collect()).collect();
            chunks.into_par_iter().enumerate().for_each(|(i, mut cols)| fill_chunk(seed, i, &mut cols));
        }
        let [q_l, q_r, q_m, q_o, q_c, a, b, c, d, e] = columns;
        Witness { selectors: [q_l, q_r, q_m, q_o, q_c], advice: [a, b, c, d, e] }
    }

    /// Rows `i` with a copy `c[i] = a[i + 1]`, among the first `rows`.
    pub fn copy_rows(rows: usize) -> impl Iterator<Item = usize> {
        (0..rows.saturating_sub(1)).step_by(COPY_STRIDE)
    }
}
