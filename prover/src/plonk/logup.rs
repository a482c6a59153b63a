//! The prover's logUp columns: multiplicities, group helpers and running sums, laid out by the
//! extended system's [`LogUpPlan`](crate::circuit::LogUpPlan) (see [`crate::circuit::logup`] for
//! the constraints and their soundness).

use std::collections::HashMap;

use ff::{BatchInvert, Field};
use rayon::prelude::*;

use super::argument::Extended;
use super::prove::evaluate_rows;
use crate::arith::Fr;
use crate::circuit::logup::denominator;
use crate::circuit::{Expression, Program};
use crate::mock::Columns;

/// Rows per parallel batch inversion (one field inversion each).
const CHUNK: usize = 1 << 12;

/// The points at which a test may change the prover's logUp columns (soundness tests: whatever
/// the hook forges, the verifier must reject). Each stage runs right after the honest prover
/// filled the columns it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The multiplicities, before they are committed (helpers and running sums follow from them).
    Multiplicities,
    /// The group helpers, before the running sums are computed from them.
    Helpers,
    /// The running sums, before they are committed.
    RunningSums,
}

/// A hook that may change advice columns (indexed as in the extended system) at a [`Stage`].
pub(crate) type Forge<'a> = dyn Fn(Stage, &Extended, &mut [Vec<Fr>]) + Sync + 'a;

/// Per table of the plan: how many lookup inputs (all its lookups, all usable rows) equal each
/// table row, counted on the first row holding that tuple.
pub(super) fn multiplicities(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Fr>> {
    let cs = &ext.cs;
    ext.logup
        .tables
        .iter()
        .map(|groups| {
            let table = &cs.tables()[groups.table];
            let rows = transpose(evaluate_rows(&Program::compile(&table.columns), columns, usable, n, challenges));
            let mut first_row: HashMap<&Vec<Fr>, usize> = HashMap::with_capacity(rows.len());
            for (r, tuple) in rows.iter().enumerate() {
                first_row.entry(tuple).or_insert(r);
            }
            let mut m = vec![0u64; n];
            let lookups = groups.in_running_sum.iter().chain(groups.helpers.iter().flatten());
            for &l in lookups {
                let program = Program::compile(&cs.lookups()[l].inputs);
                for tuple in &transpose(evaluate_rows(&program, columns, usable, n, challenges)) {
                    if let Some(&r) = first_row.get(tuple) {
                        m[r] += 1;
                    }
                }
            }
            m.into_iter().map(Fr::from).collect()
        })
        .collect()
}

/// `Σ_j 1/(β + f_j)` over the lookups `lookups`, on rows `0..usable` (zero on the others): all
/// denominators inverted in batches, one field inversion per batch.
fn inverse_sum(
    ext: &Extended,
    lookups: &[usize],
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Fr> {
    let (theta, beta) = (ext.theta.expr(), ext.beta.expr());
    let denominators: Vec<Expression> =
        lookups.iter().map(|&l| denominator(&ext.cs.lookups()[l].inputs, &theta, &beta)).collect();
    let mut values = evaluate_rows(&Program::compile(&denominators), columns, usable, n, challenges);
    let mut sum = vec![Fr::ZERO; n];
    for v in &mut values {
        v.par_chunks_mut(CHUNK).for_each(|chunk| {
            chunk.batch_invert();
        });
        sum[..usable].par_iter_mut().zip(v.par_iter()).for_each(|(s, inv)| *s += inv);
    }
    sum
}

/// Per table of the plan, per helper group: the helper column `Σ_j 1/(β + f_j)`.
pub(super) fn helpers(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Vec<Fr>>> {
    ext.logup
        .tables
        .iter()
        .map(|groups| {
            groups.helpers.par_iter().map(|lookups| inverse_sum(ext, lookups, columns, usable, n, challenges)).collect()
        })
        .collect()
}

/// Per table of the plan: the running sum `φ`, with `φ[0] = 0` and, on each usable row,
/// `φ[r+1] = φ[r] + Σ (helpers) + Σ 1/(β + f) (the lookups in the step) − m/(β + t)`, read
/// from the helper and multiplicity columns in `columns` (so forged ones are followed).
pub(super) fn running_sums(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Fr>> {
    let (theta, beta) = (ext.theta.expr(), ext.beta.expr());
    ext.logup
        .tables
        .iter()
        .enumerate()
        .map(|(i, groups)| {
            let mut step = inverse_sum(ext, &groups.in_running_sum, columns, usable, n, challenges);
            let table = denominator(&ext.cs.tables()[groups.table].columns, &theta, &beta);
            let mut table_inverse =
                evaluate_rows(&Program::compile([&table]), columns, usable, n, challenges).remove(0);
            table_inverse.par_chunks_mut(CHUNK).for_each(|chunk| {
                chunk.batch_invert();
            });
            let m = &columns.advice[ext.multiplicity[i].index()];
            step[..usable].par_iter_mut().enumerate().for_each(|(r, s)| {
                *s += ext.helpers[i].iter().map(|g| columns.advice[g.index()][r]).sum::<Fr>();
                *s -= m[r] * table_inverse[r];
            });
            let mut phi = vec![Fr::ZERO; n];
            for r in 0..usable {
                phi[r + 1] = phi[r] + step[r];
            }
            phi
        })
        .collect()
}

/// `[output][row]` → `[row][output]`.
fn transpose(columns: Vec<Vec<Fr>>) -> Vec<Vec<Fr>> {
    let rows = columns.first().map_or(0, Vec::len);
    (0..rows).map(|r| columns.iter().map(|c| c[r]).collect()).collect()
}
