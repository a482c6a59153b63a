//! The quotient `h = (Σ y^i · constraint_i) / (X^n − 1)` on an extended coset, one size-`n`
//! sub-coset at a time, so that memory holds the columns' evaluations on one sub-coset only.
//!
//! The extended coset `g·H'` (`|H'| = 2^j · n`) is the union of the sub-cosets
//! `s_t · H` with `s_t = g · ω'^t`, `t < 2^j`. On each, every column the constraints read is
//! evaluated by a size-`n` NTT of its coefficients scaled by `s_t^i` — except the columns with a
//! closed form (`x`, `l_0`, `l_last`, `l_active`), which are computed directly: on `s·H`,
//! `X^n = s^n` is constant, so `L_0(s·ω^i) = (s^n − 1) / (n (s·ω^i − 1))` takes one batched
//! inversion, and `L_r(s·ω^i) = L_0(s·ω^(i−r))` is a rotation of it.

use ff::{BatchInvert, Field};
use rayon::prelude::*;

use super::argument::Extended;
use crate::arith::{Domain, Fr};
use crate::backend::{Backend, BackendError};
use crate::circuit::{Column, FixedColumn, Program};
use crate::mock::{Columns, eval_block};

/// Chunk size for element-wise parallel loops.
const CHUNK: usize = 1 << 12;

/// Rows per block when evaluating the constraints.
const BLOCK: usize = 32;

/// What the quotient needs from the prover: coefficients of every column, by kind.
pub(super) struct QuotientInput<'a> {
    pub ext: &'a Extended,
    pub domain: &'a Domain,
    pub usable: usize,
    pub fixed_coeffs: &'a [Vec<Fr>],
    pub advice_coeffs: &'a [Vec<Fr>],
    pub instance_coeffs: &'a [Vec<Fr>],
    pub challenges: &'a [Fr],
}

/// Evaluations of `numerator / (X^n − 1)` on the extended coset `g · big`, in the natural order
/// of `big`'s points (`g · ω'^m` at index `m`), ready for a coset inverse NTT.
pub(super) fn quotient_evaluations(
    input: &QuotientInput<'_>,
    big: &Domain,
    backend: &dyn Backend,
) -> Result<Vec<Fr>, BackendError> {
    let QuotientInput { ext, domain, usable, fixed_coeffs, advice_coeffs, instance_coeffs, challenges } = *input;
    let n = domain.n();
    let factor = big.n() / n;
    let program = Program::compile([&ext.combined()]);
    let used: std::collections::HashSet<Column> = program.queries().iter().map(|q| q.column).collect();
    let g = Domain::coset_generator();
    let omega_powers = powers(domain.omega(), n);
    let mut evaluations = vec![Fr::ZERO; big.n()];
    for t in 0..factor {
        let shift = g * big.omega().pow_vartime([t as u64]);
        let powers = powers(shift, n);
        // Coefficients → values on shift·H, for the columns the constraints read.
        let on_coset = |column: Column, coeffs: &[Fr]| -> Result<Vec<Fr>, BackendError> {
            if !used.contains(&column) {
                return Ok(Vec::new());
            }
            let mut values: Vec<Fr> = Vec::with_capacity(n);
            coeffs.par_iter().zip(powers.par_iter()).map(|(c, p)| *c * p).collect_into_vec(&mut values);
            backend.ntt(&mut values, domain)?;
            Ok(values)
        };
        let mut closed = ClosedForms::new(domain, shift, &omega_powers, usable);
        let fixed: Vec<Vec<Fr>> = ext
            .cs
            .fixed_columns()
            .map(|f| match closed.take(ext, f) {
                Some(values) => Ok(values),
                None => on_coset(f.into(), &fixed_coeffs[f.index()]),
            })
            .collect::<Result<_, _>>()?;
        let advice: Vec<Vec<Fr>> =
            ext.cs.advice_columns().map(|a| on_coset(a.into(), &advice_coeffs[a.index()])).collect::<Result<_, _>>()?;
        let instance: Vec<Vec<Fr>> = ext
            .cs
            .instance_columns()
            .map(|i| on_coset(i.into(), &instance_coeffs[i.index()]))
            .collect::<Result<_, _>>()?;
        drop(powers);
        let columns = Columns { fixed: &fixed, advice: &advice, instance: &instance };
        let vanishing_inv = Option::<Fr>::from((shift.pow_vartime([n as u64]) - Fr::ONE).invert())
            .expect("the coset avoids the domain, so X^n − 1 is non-zero on it");
        write_numerator(&program, columns, n, challenges, vanishing_inv, t, factor, &mut evaluations);
    }
    Ok(evaluations)
}

/// Evaluates `program` (one output) on the `n` rows of one sub-coset and writes
/// `value · vanishing_inv` to `out[t + i · factor]`.
#[allow(clippy::too_many_arguments)]
fn write_numerator(
    program: &Program,
    columns: Columns<'_>,
    n: usize,
    challenges: &[Fr],
    vanishing_inv: Fr,
    t: usize,
    factor: usize,
    out: &mut [Fr],
) {
    let bound = columns.bind(program);
    // Blocks of BLOCK rows; each writes the strided slots of its rows (row i at t + i·factor),
    // which are the BLOCK·factor-long chunk of `out` starting at its first row.
    out.par_chunks_mut(BLOCK * factor).enumerate().for_each_init(Vec::new, |scratch, (b, chunk)| {
        let start = b * BLOCK;
        let len = BLOCK.min(n - start);
        eval_block(program, &bound, start, len, n, challenges, scratch);
        for (i, v) in program.block_output(scratch, 0, len).iter().enumerate() {
            chunk[t + i * factor] = *v * vanishing_inv;
        }
    });
}

/// `[base^i for i < n]`.
fn powers(base: Fr, n: usize) -> Vec<Fr> {
    let mut out = vec![Fr::ZERO; n];
    let step = base.pow_vartime([CHUNK as u64]);
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut power = step.pow_vartime([c as u64]);
        for v in chunk.iter_mut() {
            *v = power;
            power *= base;
        }
    });
    out
}

/// The columns `x`, `l_0`, `l_last`, `l_active` on one sub-coset `s·H`, from their closed forms.
struct ClosedForms {
    x: Vec<Fr>,
    l0: Vec<Fr>,
    l_last: Vec<Fr>,
    l_active: Vec<Fr>,
}

impl ClosedForms {
    /// `omega_powers[i] = ω^i`; `usable` rows are usable, so `l_last` is `L_usable` and
    /// `l_active` is `1 − Σ_{r ≥ usable} L_r`.
    fn new(domain: &Domain, shift: Fr, omega_powers: &[Fr], usable: usize) -> Self {
        let n = domain.n();
        let x: Vec<Fr> = omega_powers.par_iter().map(|w| *w * shift).collect();
        // L_0(s·ω^i) = (s^n − 1)/n · 1/(s·ω^i − 1).
        let scale = (shift.pow_vartime([n as u64]) - Fr::ONE) * domain.n_inv();
        let mut l0: Vec<Fr> = x.par_iter().map(|v| *v - Fr::ONE).collect();
        l0.par_chunks_mut(CHUNK).for_each(|chunk| {
            chunk.batch_invert();
            chunk.iter_mut().for_each(|v| *v *= scale);
        });
        // L_r(s·ω^i) = L_0(s·ω^(i−r)).
        let rotated = |r: usize, i: usize| l0[(i + n - r) % n];
        let l_last: Vec<Fr> = (0..n).into_par_iter().map(|i| rotated(usable, i)).collect();
        let l_active: Vec<Fr> =
            (0..n).into_par_iter().map(|i| Fr::ONE - (usable..n).map(|r| rotated(r, i)).sum::<Fr>()).collect();
        Self { x, l0, l_last, l_active }
    }

    /// Moves out the values of `column` if it is one of the closed-form columns.
    fn take(&mut self, ext: &Extended, column: FixedColumn) -> Option<Vec<Fr>> {
        let values = if column == ext.x {
            &mut self.x
        } else if column == ext.l0 {
            &mut self.l0
        } else if column == ext.l_last {
            &mut self.l_last
        } else if column == ext.l_active {
            &mut self.l_active
        } else {
            return None;
        };
        Some(std::mem::take(values))
    }
}
