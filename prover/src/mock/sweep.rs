//! The mutation sweep: change advice cells of a valid assignment one at a time and report every
//! change the checks do not notice. An unnoticed change means the cell is not (fully)
//! constrained: a bug until explained.
//!
//! Each mutation is checked incrementally: only the gate rows that read the cell, the lookup
//! input and table rows that read it (against per-table tuple counts) and the copy constraints
//! that involve it are re-evaluated. That keeps a sweep over tens of thousands of cells fast.

use std::collections::HashMap;
use std::ops::Range;

use ff::Field;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use super::{MockProver, VerifyFailure};
use crate::arith::Fr;
use crate::circuit::{AdviceColumn, Cell, Column, Program};

/// Which cells to mutate.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// Columns to sweep (default: every advice column).
    pub columns: Option<Vec<AdviceColumn>>,
    /// Rows to sweep (default: the rows in use — up to the last non-zero fixed or advice value).
    pub rows: Option<Range<usize>>,
    /// Mutate only a seeded random sample of this many cells (default: all).
    pub sample: Option<usize>,
    /// Seed for the sample and for the random mutation values.
    pub seed: u64,
}

/// A cell whose change went unnoticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconstrainedCell {
    pub cell: Cell,
    /// The column's name.
    pub name: String,
    /// The valid value.
    pub original: Fr,
    /// A different value that every check accepted.
    pub accepted: Fr,
}

/// The outcome of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// Cells mutated.
    pub cells_checked: usize,
    /// Cells whose mutation was not noticed, by column and row.
    pub unconstrained: Vec<UnconstrainedCell>,
}

impl SweepReport {
    /// Whether every mutated cell was caught.
    pub fn all_constrained(&self) -> bool {
        self.unconstrained.is_empty()
    }
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} cells mutated, {} unconstrained", self.cells_checked, self.unconstrained.len())?;
        for u in self.unconstrained.iter().take(50) {
            writeln!(
                f,
                "  {}[{}]: {} → {} accepted",
                u.name,
                u.cell.row,
                super::format_fr(&u.original),
                super::format_fr(&u.accepted)
            )?;
        }
        Ok(())
    }
}

/// Why a sweep could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SweepError {
    #[error("the unmutated assignment already fails {} checks; the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    InvalidBaseline(Vec<VerifyFailure>),
    #[error("sweep rows {start}..{end} exceed the {usable} usable rows")]
    RowsOutOfRange { start: usize, end: usize, usable: usize },
    #[error("advice column #{index} does not belong to this circuit")]
    UnknownColumn { index: usize },
}

/// Precomputed state shared by all mutations.
struct Index<'a> {
    prover: &'a MockProver,
    gates: Program,
    /// Per advice column: distinct rotations at which gates read it.
    gate_rotations: Vec<Vec<i32>>,
    inputs: Vec<Program>,
    /// Per advice column: (lookup, rotation) pairs reading it in inputs.
    input_reads: Vec<Vec<(usize, i32)>>,
    tables: Vec<Program>,
    /// Per advice column: (table, rotation) pairs reading it in table expressions.
    table_reads: Vec<Vec<(usize, i32)>>,
    /// Per table: how many usable rows hold each tuple.
    table_counts: Vec<HashMap<Vec<Fr>, u64>>,
    /// Per table: how many lookup inputs (all lookups into it, all usable rows) equal each tuple.
    input_counts: Vec<HashMap<Vec<Fr>, u64>>,
    /// Copy partners of each advice cell.
    partners: HashMap<Cell, Vec<Cell>>,
}

fn advice_reads(program: &Program, num_advice: usize) -> Vec<Vec<i32>> {
    let mut reads = vec![Vec::new(); num_advice];
    for q in program.queries() {
        if let Column::Advice(a) = q.column {
            reads[a.index()].push(q.rotation.0);
        }
    }
    for r in &mut reads {
        r.sort();
        r.dedup();
    }
    reads
}

impl<'a> Index<'a> {
    fn new(prover: &'a MockProver) -> Self {
        let num_advice = prover.cs.num_advice();
        let (gates, _) = prover.gate_program();
        let gate_rotations = advice_reads(&gates, num_advice);

        let lookups = prover.cs.lookups();
        let inputs: Vec<Program> = lookups.iter().map(|l| Program::compile(&l.inputs)).collect();
        let mut input_reads = vec![Vec::new(); num_advice];
        for (l, p) in inputs.iter().enumerate() {
            for (col, rots) in advice_reads(p, num_advice).into_iter().enumerate() {
                input_reads[col].extend(rots.into_iter().map(|r| (l, r)));
            }
        }

        let tables: Vec<Program> = prover.cs.tables().iter().map(|t| Program::compile(&t.columns)).collect();
        let mut table_reads = vec![Vec::new(); num_advice];
        for (t, p) in tables.iter().enumerate() {
            for (col, rots) in advice_reads(p, num_advice).into_iter().enumerate() {
                table_reads[col].extend(rots.into_iter().map(|r| (t, r)));
            }
        }

        let count = |tuples: Vec<Vec<Fr>>, into: &mut HashMap<Vec<Fr>, u64>| {
            for t in tuples {
                *into.entry(t).or_insert(0) += 1;
            }
        };
        let mut table_counts = vec![HashMap::new(); tables.len()];
        for (t, p) in tables.iter().enumerate() {
            count(prover.evaluate_tuples(p), &mut table_counts[t]);
        }
        let mut input_counts = vec![HashMap::new(); tables.len()];
        for (l, p) in inputs.iter().enumerate() {
            count(prover.evaluate_tuples(p), &mut input_counts[lookups[l].table.index()]);
        }

        let mut partners: HashMap<Cell, Vec<Cell>> = HashMap::new();
        for &(a, b) in &prover.copies {
            partners.entry(a).or_default().push(b);
            partners.entry(b).or_default().push(a);
        }

        Self {
            prover,
            gates,
            gate_rotations,
            inputs,
            input_reads,
            tables,
            table_reads,
            table_counts,
            input_counts,
            partners,
        }
    }

    /// Evaluates `program` at `row` with `cell` replaced by `value`.
    fn eval(&self, program: &Program, row: usize, cell: Cell, value: Fr, scratch: &mut Vec<Fr>, out: &mut Vec<Fr>) {
        let columns = self.prover.columns();
        let n = self.prover.n;
        let load = |i: usize| {
            let q = program.queries()[i];
            let at = Cell { column: q.column, row: q.rotation.apply(row, n) };
            if at == cell { value } else { columns.get(at) }
        };
        program.evaluate(load, &self.prover.challenges, scratch, out);
    }

    /// Whether replacing `cell`'s value by `value` breaks any check.
    fn noticed(&self, column: AdviceColumn, row: usize, value: Fr, scratch: &mut Vec<Fr>, out: &mut Vec<Fr>) -> bool {
        let p = self.prover;
        let cell = column.cell(row);
        let n = p.n;
        let back = |rot: i32| crate::circuit::Rotation(-rot).apply(row, n);

        for &rot in &self.gate_rotations[column.index()] {
            self.eval(&self.gates, back(rot), cell, value, scratch, out);
            if out.iter().any(|v| !bool::from(v.is_zero())) {
                return true;
            }
        }
        // The baseline holds every copy, so a change breaks exactly the pairs with another cell
        // (a cell copied to itself stays equal to itself).
        if let Some(partners) = self.partners.get(&cell)
            && partners.iter().any(|&other| other != cell && p.columns().get(other) != value)
        {
            return true;
        }

        // Lookups: changes to input tuples and table tuples, per table.
        let mut table_delta: HashMap<(usize, Vec<Fr>), i64> = HashMap::new();
        let mut input_delta: HashMap<(usize, Vec<Fr>), i64> = HashMap::new();
        let mut old = Vec::new();
        for &(t, rot) in &self.table_reads[column.index()] {
            let r = back(rot);
            if r >= p.usable_rows {
                continue;
            }
            self.eval(&self.tables[t], r, cell, self.prover.columns().get(cell), scratch, &mut old);
            self.eval(&self.tables[t], r, cell, value, scratch, out);
            if old != *out {
                *table_delta.entry((t, old.clone())).or_insert(0) -= 1;
                *table_delta.entry((t, out.clone())).or_insert(0) += 1;
            }
        }
        for &(l, rot) in &self.input_reads[column.index()] {
            let r = back(rot);
            if r >= p.usable_rows {
                continue;
            }
            let t = p.cs.lookups()[l].table.index();
            self.eval(&self.inputs[l], r, cell, self.prover.columns().get(cell), scratch, &mut old);
            self.eval(&self.inputs[l], r, cell, value, scratch, out);
            if old != *out {
                *input_delta.entry((t, old.clone())).or_insert(0) -= 1;
                *input_delta.entry((t, out.clone())).or_insert(0) += 1;
            }
        }
        let count_after =
            |base: &HashMap<Vec<Fr>, u64>, delta: &HashMap<(usize, Vec<Fr>), i64>, key: &(usize, Vec<Fr>)| {
                base.get(&key.1).copied().unwrap_or(0) as i64 + delta.get(key).copied().unwrap_or(0)
            };
        // Only tuples whose counts changed can newly violate "every input is in the table".
        table_delta.keys().chain(input_delta.keys()).any(|key| {
            let inputs = count_after(&self.input_counts[key.0], &input_delta, key);
            let rows = count_after(&self.table_counts[key.0], &table_delta, key);
            inputs > 0 && rows <= 0
        })
    }
}

impl MockProver {
    /// Whether setting one advice cell to `value` breaks any check, decided incrementally as the
    /// sweep does. The baseline must be valid. (Equivalent to `set_cell` + `verify`, much faster
    /// per cell; tests compare the two.)
    pub fn mutation_noticed(&self, column: AdviceColumn, row: usize, value: Fr) -> Result<bool, SweepError> {
        self.verify().map_err(SweepError::InvalidBaseline)?;
        if !self.cs.contains_column(column.into()) {
            return Err(SweepError::UnknownColumn { index: column.index() });
        }
        if row >= self.usable_rows {
            return Err(SweepError::RowsOutOfRange { start: row, end: row + 1, usable: self.usable_rows });
        }
        let index = Index::new(self);
        Ok(index.noticed(column, row, value, &mut Vec::new(), &mut Vec::new()))
    }

    /// Mutates advice cells one at a time (to `v + 1` and to a random value) and reports each
    /// cell for which some mutation passes every check. The baseline must be valid.
    pub fn mutation_sweep(&self, options: &SweepOptions) -> Result<SweepReport, SweepError> {
        self.verify().map_err(SweepError::InvalidBaseline)?;
        let columns: Vec<AdviceColumn> = match &options.columns {
            Some(cols) => {
                for c in cols {
                    if !self.cs.contains_column((*c).into()) {
                        return Err(SweepError::UnknownColumn { index: c.index() });
                    }
                }
                cols.clone()
            }
            None => self.cs.advice_columns().collect(),
        };
        let rows = match &options.rows {
            Some(r) if r.end > self.usable_rows || r.start > r.end => {
                return Err(SweepError::RowsOutOfRange { start: r.start, end: r.end, usable: self.usable_rows });
            }
            Some(r) => r.clone(),
            None => 0..self.stats().rows_used.min(self.usable_rows),
        };
        let mut cells: Vec<(AdviceColumn, usize)> =
            columns.iter().flat_map(|&c| rows.clone().map(move |r| (c, r))).collect();
        let mut rng = ChaCha20Rng::seed_from_u64(options.seed);
        if let Some(sample) = options.sample
            && sample < cells.len()
        {
            // Partial Fisher–Yates: the first `sample` entries become a uniform sample.
            for i in 0..sample {
                let j = i + (rng.next_u64() % (cells.len() - i) as u64) as usize;
                cells.swap(i, j);
            }
            cells.truncate(sample);
            cells.sort();
        }
        let index = Index::new(self);
        let base_seed = rng.next_u64();
        let unconstrained: Vec<UnconstrainedCell> = cells
            .par_iter()
            .enumerate()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(scratch, out), (i, &(column, row))| {
                    let original = self.advice[column.index()][row];
                    let mut cell_rng =
                        ChaCha20Rng::seed_from_u64(base_seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let candidates = [original + Fr::ONE, original + Fr::random(&mut cell_rng)];
                    candidates.into_iter().find(|&v| v != original && !index.noticed(column, row, v, scratch, out)).map(
                        |accepted| UnconstrainedCell {
                            cell: column.cell(row),
                            name: self.cs.column_name(column.into()).to_string(),
                            original,
                            accepted,
                        },
                    )
                },
            )
            .flatten()
            .collect();
        Ok(SweepReport { cells_checked: cells.len(), unconstrained })
    }
}
