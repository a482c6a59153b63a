//! The quotient `h = (Σ y^i · constraint_i) / (X^n − 1)` on an extended coset, one size-`n`
//! sub-coset at a time.
//!
//! The extended coset `g·H'` (`|H'| = 2^j · n`) is the union of the sub-cosets
//! `s_t · H` with `s_t = g · ω'^t`, `t < 2^j`. On each, every column the constraints read is
//! evaluated by a size-`n` NTT of its coefficients scaled by `s_t^i` — except the columns with a
//! closed form (`x`, `l_0`, `l_last`, `l_active`), which are computed directly: on `s·H`,
//! `X^n = s^n` is constant, so `L_0(s·ω^i) = (s^n − 1) / (n (s·ω^i − 1))` takes one batched
//! inversion, and `L_r(s·ω^i) = L_0(s·ω^(i−r))` is a rotation of it.
//!
//! Fewer sub-cosets when the witness satisfies the constraints: the quotient has `m = degree − 1`
//! pieces, `h = Σ_{j<m} X^(jn) · h_j`, and on `s_t·H` (where `X^n = c_t = s_t^n`) its values are
//! those of `Σ_j c_t^j · h_j`; so `m` sub-cosets determine it (an `m × m` Vandermonde system in
//! the distinct `c_t`, per coefficient), while the extended coset has `2^j ≥ m + 1` of them.
//! That holds only if the numerator vanishes on `H`, which the prover checks first on the
//! columns' values; otherwise (a witness the verifier will reject) it evaluates every sub-coset
//! and interpolates over the whole extended coset as before, so that even those proofs keep
//! their bytes.
//!
//! Memory: on each sub-coset the prover's committed columns (advice, instance) get their values
//! in a copy while a byte budget lasts (`QuotientInput::copy_budget`, see
//! [`super::prove::QuotientMemory`]) and are moved there *in place* beyond it, and back after
//! the evaluation. In place, memory holds one vector per column instead of two, for one more
//! inverse NTT per column and sub-coset (the round trip restores the coefficients bit for bit,
//! so the proof is the same either way). The key's fixed columns, which the prover must not
//! change, always get copies.

use std::collections::HashSet;

use ff::{BatchInvert, Field};
use rayon::prelude::*;

use super::argument::Extended;
use super::poly::interpolate;
use crate::arith::{Domain, Fr};
use crate::backend::{Backend, BackendError};
use crate::circuit::{Column, FixedColumn, Program};
use crate::mock::{Columns, eval_block};

/// Chunk size for element-wise parallel loops.
const CHUNK: usize = 1 << 12;

/// Rows per block when evaluating the constraints.
const BLOCK: usize = 32;

/// What the quotient reads from the key and the transcript.
pub(super) struct QuotientInput<'a> {
    pub ext: &'a Extended,
    pub domain: &'a Domain,
    pub usable: usize,
    pub fixed_coeffs: &'a [Vec<Fr>],
    pub challenges: &'a [Fr],
    /// Bytes the quotient may spend on each sub-coset for copies of the prover's columns
    /// (`Coefficients`); the columns beyond it are moved in place.
    pub copy_budget: usize,
}

/// The coefficients of the prover's own columns, which the quotient moves to each sub-coset and
/// back in place. They hold the same coefficients again when [`quotient_pieces`] returns `Ok`;
/// after an error they are unspecified (the caller abandons the proof).
pub(super) struct Coefficients<'a> {
    pub advice: &'a mut [Vec<Fr>],
    pub instance: &'a mut [Vec<Fr>],
}

/// The quotient's `pieces` pieces (`n` coefficients each) over the extended domain `big`.
/// `vanishes` says whether the numerator vanishes on `H` ([`numerator_vanishes`]): then only
/// `pieces` sub-cosets are evaluated.
pub(super) fn quotient_pieces(
    input: &QuotientInput<'_>,
    committed: &mut Coefficients<'_>,
    vanishes: bool,
    pieces: usize,
    big: &Domain,
    backend: &dyn Backend,
) -> Result<Vec<Vec<Fr>>, BackendError> {
    let n = input.domain.n();
    let factor = big.n() / n;
    let program = Program::compile([&input.ext.combined()]);
    let g = Domain::coset_generator();
    let shift = |t: usize| g * big.omega().pow_vartime([t as u64]);
    if vanishes && pieces < factor {
        // Sub-coset t holds Σ_j c_t^j · h_j: interpolate each, then solve for the h_j.
        let mut combined: Vec<Vec<Fr>> = Vec::with_capacity(pieces);
        for t in 0..pieces {
            let mut evaluations = evaluate_sub_coset(input, committed, &program, shift(t), backend)?;
            backend.coset_intt(&mut evaluations, input.domain, shift(t))?;
            combined.push(evaluations);
        }
        let c: Vec<Fr> = (0..pieces).map(|t| shift(t).pow_vartime([n as u64])).collect();
        return Ok(solve_vandermonde(&c, &combined));
    }
    let mut evaluations = vec![Fr::ZERO; big.n()];
    for t in 0..factor {
        // Row i of sub-coset t is point t + i·factor of the extended coset.
        let sub_coset = evaluate_sub_coset(input, committed, &program, shift(t), backend)?;
        evaluations.par_chunks_mut(factor).zip(sub_coset.par_iter()).for_each(|(points, v)| points[t] = *v);
    }
    backend.coset_intt(&mut evaluations, big, g)?;
    Ok((0..pieces).map(|j| evaluations[j * n..(j + 1) * n].to_vec()).collect())
}

/// Whether the quotient's numerator (all constraints combined by `y`) is zero on every row of
/// the domain of `n` rows, from the columns' `values` there.
pub(super) fn numerator_vanishes(ext: &Extended, values: Columns<'_>, n: usize, challenges: &[Fr]) -> bool {
    let program = Program::compile([&ext.combined()]);
    let program = &program;
    let bound = values.bind(program);
    (0..n.div_ceil(BLOCK)).into_par_iter().all(|b| {
        let mut scratch = Vec::new();
        let start = b * BLOCK;
        let len = BLOCK.min(n - start);
        eval_block(program, &bound, start, len, n, challenges, &mut scratch);
        program.block_output(&scratch, 0, len).iter().all(|v| bool::from(v.is_zero()))
    })
}

/// `h_j = Σ_t w_{j,t} · q_t` where `q_t = Σ_j c_t^j · h_j` (coefficient-wise): `w` is the inverse
/// of the Vandermonde matrix of the distinct `c_t`, whose column `t` holds the coefficients of
/// the Lagrange polynomial that is 1 at `c_t` and 0 at the other `c`.
fn solve_vandermonde(c: &[Fr], q: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let m = c.len();
    let lagrange: Vec<Vec<Fr>> = (0..m)
        .map(|t| {
            let unit: Vec<Fr> = (0..m).map(|u| if u == t { Fr::ONE } else { Fr::ZERO }).collect();
            interpolate(c, &unit)
        })
        .collect();
    let n = q.first().map_or(0, Vec::len);
    (0..m)
        .map(|j| {
            let weights: Vec<Fr> = lagrange.iter().map(|l| l[j]).collect();
            let mut h = vec![Fr::ZERO; n];
            h.par_chunks_mut(CHUNK).enumerate().for_each(|(b, chunk)| {
                let start = b * CHUNK;
                for (i, out) in chunk.iter_mut().enumerate() {
                    *out = weights.iter().zip(q).map(|(w, q_t)| *w * q_t[start + i]).sum();
                }
            });
            h
        })
        .collect()
}

/// The values of `numerator / (X^n − 1)` on the sub-coset `shift · H` (row `i` at
/// `shift · ω^i`). `committed` holds its columns' values there during the evaluation and its
/// coefficients again afterwards.
fn evaluate_sub_coset(
    input: &QuotientInput<'_>,
    committed: &mut Coefficients<'_>,
    program: &Program,
    shift: Fr,
    backend: &dyn Backend,
) -> Result<Vec<Fr>, BackendError> {
    let QuotientInput { ext, domain, .. } = *input;
    let used: HashSet<Column> = program.queries().iter().map(|q| q.column).collect();
    let powers = powers(shift, domain.n());
    let mut mover = Mover { backend, domain, shift, powers: &powers, used: &used, budget: input.copy_budget };
    let advice_ids: Vec<Column> = ext.cs.advice_columns().map(Column::from).collect();
    let instance_ids: Vec<Column> = ext.cs.instance_columns().map(Column::from).collect();
    let advice_moves = mover.forward(committed.advice, &advice_ids)?;
    let instance_moves = mover.forward(committed.instance, &instance_ids)?;
    let out = evaluate_on_coset(input, &*committed, program, &used, shift, &powers, backend)?;
    mover.back(committed.advice, advice_moves)?;
    mover.back(committed.instance, instance_moves)?;
    Ok(out)
}

/// How a committed column got to the sub-coset.
enum Moved {
    /// The constraints do not read it: left as coefficients.
    Unused,
    /// Transformed in place; an inverse transform brings the coefficients back.
    InPlace,
    /// Its values were computed into a new vector swapped in; these are its coefficients.
    Copied(Vec<Fr>),
}

/// Moves committed columns between their coefficients and their values on `shift · H`: into a
/// copy while `budget` bytes last (one NTT per column), in place after that (one more inverse
/// NTT per column, but no second vector).
struct Mover<'a> {
    backend: &'a dyn Backend,
    domain: &'a Domain,
    shift: Fr,
    powers: &'a [Fr],
    used: &'a HashSet<Column>,
    /// Bytes left for copies on this sub-coset.
    budget: usize,
}

impl Mover<'_> {
    /// Gives each of `columns` (identified by `ids`) that the constraints read its values on
    /// the sub-coset, copied while the budget lasts and in place after that.
    fn forward(&mut self, columns: &mut [Vec<Fr>], ids: &[Column]) -> Result<Vec<Moved>, BackendError> {
        let bytes = self.domain.n() * std::mem::size_of::<Fr>();
        columns
            .iter_mut()
            .zip(ids)
            .map(|(column, id)| {
                if !self.used.contains(id) {
                    return Ok(Moved::Unused);
                }
                if self.budget >= bytes {
                    self.budget -= bytes;
                    let mut values: Vec<Fr> = Vec::with_capacity(column.len());
                    column.par_iter().zip(self.powers.par_iter()).map(|(c, p)| *c * p).collect_into_vec(&mut values);
                    self.backend.ntt(&mut values, self.domain)?;
                    return Ok(Moved::Copied(std::mem::replace(column, values)));
                }
                self.backend.coset_ntt(column, self.domain, self.shift)?;
                Ok(Moved::InPlace)
            })
            .collect()
    }

    /// Undoes [`Mover::forward`]: the exact inverse, so the coefficients are bit for bit those
    /// of before.
    fn back(&self, columns: &mut [Vec<Fr>], moves: Vec<Moved>) -> Result<(), BackendError> {
        for (column, moved) in columns.iter_mut().zip(moves) {
            match moved {
                Moved::Unused => {}
                Moved::InPlace => self.backend.coset_intt(column, self.domain, self.shift)?,
                Moved::Copied(coeffs) => *column = coeffs,
            }
        }
        Ok(())
    }
}

/// The values of `numerator / (X^n − 1)` on `shift · H`, with the prover's columns already
/// there (`on_coset`) and the key's fixed columns evaluated here from their coefficients
/// (`powers` are those of `shift`).
fn evaluate_on_coset(
    input: &QuotientInput<'_>,
    on_coset: &Coefficients<'_>,
    program: &Program,
    used: &HashSet<Column>,
    shift: Fr,
    powers: &[Fr],
    backend: &dyn Backend,
) -> Result<Vec<Fr>, BackendError> {
    let QuotientInput { ext, domain, usable, fixed_coeffs, challenges, .. } = *input;
    let n = domain.n();
    // Fixed coefficients → values on shift·H (new vectors: the key is not ours to change).
    let fixed_on_coset = |column: Column, coeffs: &[Fr]| -> Result<Vec<Fr>, BackendError> {
        if !used.contains(&column) {
            return Ok(Vec::new());
        }
        let mut values: Vec<Fr> = Vec::with_capacity(n);
        coeffs.par_iter().zip(powers.par_iter()).map(|(c, p)| *c * p).collect_into_vec(&mut values);
        backend.ntt(&mut values, domain)?;
        Ok(values)
    };
    let mut closed = ClosedForms::new(domain, shift, usable);
    let fixed: Vec<Vec<Fr>> = ext
        .cs
        .fixed_columns()
        .map(|f| match closed.take(ext, f) {
            Some(values) => Ok(values),
            None => fixed_on_coset(f.into(), &fixed_coeffs[f.index()]),
        })
        .collect::<Result<_, _>>()?;
    let columns = Columns { fixed: &fixed, advice: on_coset.advice, instance: on_coset.instance };
    let vanishing_inv = Option::<Fr>::from((shift.pow_vartime([n as u64]) - Fr::ONE).invert())
        .expect("the coset avoids the domain, so X^n − 1 is non-zero on it");
    let bound = columns.bind(program);
    let mut out = vec![Fr::ZERO; n];
    out.par_chunks_mut(BLOCK).enumerate().for_each_init(Vec::new, |scratch, (b, chunk)| {
        let start = b * BLOCK;
        let len = chunk.len();
        eval_block(program, &bound, start, len, n, challenges, scratch);
        for (o, v) in chunk.iter_mut().zip(program.block_output(scratch, 0, len)) {
            *o = *v * vanishing_inv;
        }
    });
    Ok(out)
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
    /// `usable` rows are usable, so `l_last` is `L_usable` and `l_active` is
    /// `1 − Σ_{r ≥ usable} L_r`.
    fn new(domain: &Domain, shift: Fr, usable: usize) -> Self {
        let n = domain.n();
        // x(s·ω^i) = s·ω^i.
        let mut x = powers(domain.omega(), n);
        x.par_iter_mut().for_each(|v| *v *= shift);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vandermonde_solution_recovers_the_pieces() {
        let g = Domain::coset_generator();
        let big = Domain::new(5).unwrap();
        let n = 8;
        for m in 1..=4 {
            let h: Vec<Vec<Fr>> =
                (0..m).map(|j| (0..n).map(|i| Fr::from((j * 100 + i * 7 + 3) as u64)).collect()).collect();
            let c: Vec<Fr> =
                (0..m).map(|t| (g * big.omega().pow_vartime([t as u64])).pow_vartime([n as u64])).collect();
            // q_t = Σ_j c_t^j · h_j.
            let q: Vec<Vec<Fr>> = c
                .iter()
                .map(|ct| (0..n).map(|i| (0..m).rev().fold(Fr::ZERO, |acc, j| acc * ct + h[j][i])).collect::<Vec<Fr>>())
                .collect();
            assert_eq!(solve_vandermonde(&c, &q), h, "m = {m}");
        }
    }

    #[test]
    fn closed_forms_match_the_columns_interpolated_on_the_domain() {
        use crate::backend::CpuBackend;
        let domain = Domain::new(4).unwrap();
        let (n, usable) = (domain.n(), 11);
        let shift = Domain::coset_generator() * Fr::from(5u64);
        let closed = ClosedForms::new(&domain, shift, usable);
        let l0: Vec<Fr> = (0..n).map(|i| Fr::from((i == 0) as u64)).collect();
        let l_last: Vec<Fr> = (0..n).map(|i| Fr::from((i == usable) as u64)).collect();
        let l_active: Vec<Fr> = (0..n).map(|i| Fr::from((i < usable) as u64)).collect();
        let x: Vec<Fr> = (0..n).map(|i| domain.rotate_omega(i as i64)).collect();
        for (values, expected) in
            [(l0, &closed.l0), (l_last, &closed.l_last), (l_active, &closed.l_active), (x, &closed.x)]
        {
            let mut coeffs = values;
            CpuBackend.intt(&mut coeffs, &domain).unwrap();
            CpuBackend.coset_ntt(&mut coeffs, &domain, shift).unwrap();
            assert_eq!(&coeffs, expected);
        }
    }
}
