//! The MockProver: checks a circuit's assignment against every gate, lookup and copy
//! constraint, without cryptography, and names each failure.
//!
//! It runs the circuit exactly as the prover does (same [`Layout`], same phase order), with
//! challenges drawn from a seeded RNG. By default the reserved rows at the end of each advice
//! column are filled with random values, as zero-knowledge blinding would: a gate that is not
//! switched off there by a selector is reported.

mod failure;
mod sweep;

pub use failure::{CellValue, VerifyFailure, format_fr};
pub use sweep::{SweepError, SweepOptions, SweepReport, UnconstrainedCell};

use std::collections::{HashMap, HashSet};

use ff::Field;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rayon::prelude::*;

use crate::arith::Fr;
use crate::circuit::{
    Cell, Circuit, CircuitStats, Column, ConstraintSystem, Layout, Phase, Program, Query, SynthesisError,
    assign_advice_phase, instance_columns,
};

/// At most this many failures of one check are listed; the rest are counted.
pub const MAX_REPORTED_PER_CHECK: usize = 32;

const ROW_CHUNK: usize = 1 << 10;

/// How the MockProver simulates the prover.
#[derive(Debug, Clone, Copy)]
pub struct MockOptions {
    /// Seed for challenges and blinding values.
    pub seed: u64,
    /// Fill the reserved rows of advice columns with random values (as blinding would).
    pub random_reserved_rows: bool,
}

impl Default for MockOptions {
    fn default() -> Self {
        Self { seed: 0x5eed, random_reserved_rows: true }
    }
}

/// A fully assigned circuit, ready to be checked.
#[derive(Debug, Clone)]
pub struct MockProver {
    k: u32,
    n: usize,
    usable_rows: usize,
    cs: ConstraintSystem,
    fixed: Vec<Vec<Fr>>,
    advice: Vec<Vec<Fr>>,
    instance: Vec<Vec<Fr>>,
    copies: Vec<(Cell, Cell)>,
    challenges: Vec<Fr>,
}

/// Read access to every column, resolving rotations with wrap-around.
#[derive(Clone, Copy)]
pub(crate) struct Columns<'a> {
    pub fixed: &'a [Vec<Fr>],
    pub advice: &'a [Vec<Fr>],
    pub instance: &'a [Vec<Fr>],
}

impl<'a> Columns<'a> {
    pub fn column(&self, column: Column) -> &'a [Fr] {
        match column {
            Column::Fixed(c) => &self.fixed[c.index()],
            Column::Advice(c) => &self.advice[c.index()],
            Column::Instance(c) => &self.instance[c.index()],
        }
    }

    pub fn get(&self, cell: Cell) -> Fr {
        self.column(cell.column)[cell.row]
    }

    /// The program's queries as (column slice, rotation) pairs for fast loading.
    pub fn bind(&self, program: &Program) -> Vec<(&'a [Fr], i64)> {
        program.queries().iter().map(|q| (self.column(q.column), q.rotation.0 as i64)).collect()
    }
}

/// Rows per block in block evaluation: small enough that all of a program's slots for one
/// block stay in cache.
const BLOCK: usize = 32;

/// Evaluates a bound program on rows `start .. start + len` (`len ≤ BLOCK`) into `scratch`.
pub(crate) fn eval_block(
    program: &Program,
    bound: &[(&[Fr], i64)],
    start: usize,
    len: usize,
    n: usize,
    challenges: &[Fr],
    scratch: &mut Vec<Fr>,
) {
    let mask = n - 1;
    program.evaluate_block(
        len,
        |i, dst| {
            let (column, rotation) = bound[i];
            let first = (start as i64 + rotation).rem_euclid(n as i64) as usize;
            if first + len <= n {
                dst.copy_from_slice(&column[first..first + len]);
            } else {
                dst.iter_mut().enumerate().for_each(|(j, d)| *d = column[(first + j) & mask]);
            }
        },
        challenges,
        scratch,
    );
}

impl MockProver {
    /// Lays out and assigns `circuit` at `2^k` rows with default options.
    pub fn run<C: Circuit>(k: u32, circuit: &C) -> Result<Self, SynthesisError> {
        Self::run_with(k, circuit, MockOptions::default())
    }

    /// Lays out and assigns `circuit` at `2^k` rows.
    pub fn run_with<C: Circuit>(k: u32, circuit: &C, options: MockOptions) -> Result<Self, SynthesisError> {
        let layout = Layout::new(circuit, k)?;
        let mut rng = ChaCha20Rng::seed_from_u64(options.seed);
        let challenges: Vec<Fr> = (0..layout.cs.num_challenges()).map(|_| Fr::random(&mut rng)).collect();
        let mut advice = layout.empty_advice();
        for phase in Phase::ALL {
            assign_advice_phase(circuit, &layout, phase, &challenges, &mut advice)?;
        }
        if options.random_reserved_rows {
            for column in &mut advice {
                for v in &mut column[layout.usable_rows..] {
                    *v = Fr::random(&mut rng);
                }
            }
        }
        let instance = instance_columns(circuit, &layout)?;
        let Layout { k, n, usable_rows, cs, fixed, copies, .. } = layout;
        Ok(Self { k, n, usable_rows, cs, fixed, advice, instance, copies, challenges })
    }

    /// log2 of the number of rows.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Rows available to the circuit.
    pub fn usable_rows(&self) -> usize {
        self.usable_rows
    }

    /// The circuit's constraint system.
    pub fn cs(&self) -> &ConstraintSystem {
        &self.cs
    }

    /// The advice columns (each of `2^k` rows).
    pub fn advice(&self) -> &[Vec<Fr>] {
        &self.advice
    }

    /// The challenge values used.
    pub fn challenges(&self) -> &[Fr] {
        &self.challenges
    }

    /// The copy constraints.
    pub fn copies(&self) -> &[(Cell, Cell)] {
        &self.copies
    }

    pub(crate) fn columns(&self) -> Columns<'_> {
        Columns { fixed: &self.fixed, advice: &self.advice, instance: &self.instance }
    }

    /// The value of any cell, or `None` if it does not exist.
    pub fn cell(&self, cell: Cell) -> Option<Fr> {
        self.column_vec(cell.column)?.get(cell.row).copied()
    }

    /// Overwrites any cell (fixed, advice or instance) — for tests that tamper with a valid
    /// assignment. Returns the previous value, or `None` if the cell does not exist.
    pub fn set_cell(&mut self, cell: Cell, value: Fr) -> Option<Fr> {
        let column = match cell.column {
            Column::Fixed(c) => self.fixed.get_mut(c.index())?,
            Column::Advice(c) => self.advice.get_mut(c.index())?,
            Column::Instance(c) => self.instance.get_mut(c.index())?,
        };
        let slot = column.get_mut(cell.row)?;
        Some(std::mem::replace(slot, value))
    }

    fn column_vec(&self, column: Column) -> Option<&Vec<Fr>> {
        match column {
            Column::Fixed(c) => self.fixed.get(c.index()),
            Column::Advice(c) => self.advice.get(c.index()),
            Column::Instance(c) => self.instance.get(c.index()),
        }
    }

    /// Statistics of the circuit with this assignment.
    pub fn stats(&self) -> CircuitStats {
        let mut used_advice = self.advice.clone();
        for column in &mut used_advice {
            column.truncate(self.usable_rows);
        }
        CircuitStats::new(&self.cs, self.k, &self.fixed, &used_advice, self.copies.len())
    }

    /// Checks every gate on every row, every lookup on every usable row and every copy
    /// constraint. Returns all failures (at most [`MAX_REPORTED_PER_CHECK`] listed per check).
    pub fn verify(&self) -> Result<(), Vec<VerifyFailure>> {
        let mut failures = self.check_gates();
        failures.extend(self.check_lookups());
        failures.extend(self.check_copies());
        if failures.is_empty() { Ok(()) } else { Err(failures) }
    }

    /// Panics with a readable report if [`MockProver::verify`] fails. For tests.
    #[track_caller]
    pub fn assert_satisfied(&self) {
        if let Err(failures) = self.verify() {
            let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
            panic!("circuit is not satisfied ({} failures):\n{}", failures.len(), report.join("\n"));
        }
    }

    fn cell_values(&self, queries: &[Query], row: usize) -> Vec<CellValue> {
        let columns = self.columns();
        queries
            .iter()
            .map(|q| {
                let abs = q.rotation.apply(row, self.n);
                CellValue {
                    name: self.cs.column_name(q.column).to_string(),
                    column: q.column,
                    row: abs,
                    rotation: q.rotation.0,
                    value: columns.get(Cell { column: q.column, row: abs }),
                }
            })
            .collect()
    }

    pub(crate) fn gate_program(&self) -> (Program, Vec<(usize, usize)>) {
        let mut owners = Vec::new();
        let mut exprs = Vec::new();
        for (g, gate) in self.cs.gates().iter().enumerate() {
            for (c, constraint) in gate.constraints.iter().enumerate() {
                owners.push((g, c));
                exprs.push(&constraint.expression);
            }
        }
        (Program::compile(exprs), owners)
    }

    fn check_gates(&self) -> Vec<VerifyFailure> {
        let (program, owners) = self.gate_program();
        if program.num_outputs() == 0 {
            return Vec::new();
        }
        let columns = self.columns();
        let bound = columns.bind(&program);
        let n = self.n;
        let mut bad: Vec<(usize, usize, Fr)> = (0..n.div_ceil(ROW_CHUNK))
            .into_par_iter()
            .flat_map_iter(|chunk| {
                let mut scratch = Vec::new();
                let mut bad = Vec::new();
                let end = ((chunk + 1) * ROW_CHUNK).min(n);
                for start in (chunk * ROW_CHUNK..end).step_by(BLOCK) {
                    let len = BLOCK.min(end - start);
                    eval_block(&program, &bound, start, len, n, &self.challenges, &mut scratch);
                    for i in 0..program.num_outputs() {
                        for (j, v) in program.block_output(&scratch, i, len).iter().enumerate() {
                            if !bool::from(v.is_zero()) {
                                bad.push((i, start + j, *v));
                            }
                        }
                    }
                }
                bad
            })
            .collect();
        bad.sort_by_key(|&(i, row, _)| (i, row));
        let mut failures = Vec::new();
        for group in bad.chunk_by(|a, b| a.0 == b.0) {
            let (g, c) = owners[group[0].0];
            let gate = &self.cs.gates()[g];
            let constraint = &gate.constraints[c];
            let queries = constraint.expression.queries();
            for &(_, row, value) in group.iter().take(MAX_REPORTED_PER_CHECK) {
                failures.push(VerifyFailure::Gate {
                    gate: gate.name.clone(),
                    constraint: constraint.name.clone(),
                    row,
                    value,
                    cells: self.cell_values(&queries, row),
                });
            }
            if group.len() > MAX_REPORTED_PER_CHECK {
                failures.push(VerifyFailure::Omitted {
                    check: format!("{}/{}", gate.name, constraint.name),
                    count: group.len() - MAX_REPORTED_PER_CHECK,
                });
            }
        }
        failures
    }

    /// Evaluates a tuple of expressions on every usable row.
    pub(crate) fn evaluate_tuples(&self, program: &Program) -> Vec<Vec<Fr>> {
        let columns = self.columns();
        let bound = columns.bind(program);
        let (n, usable) = (self.n, self.usable_rows);
        let width = program.num_outputs();
        (0..usable.div_ceil(BLOCK))
            .into_par_iter()
            .map_init(Vec::new, |scratch, block| {
                let start = block * BLOCK;
                let len = BLOCK.min(usable - start);
                eval_block(program, &bound, start, len, n, &self.challenges, scratch);
                (0..len)
                    .map(|j| (0..width).map(|i| program.block_output(scratch, i, len)[j]).collect::<Vec<Fr>>())
                    .collect::<Vec<_>>()
            })
            .flatten_iter()
            .collect()
    }

    /// The set of rows of each table.
    pub(crate) fn table_sets(&self) -> Vec<HashSet<Vec<Fr>>> {
        self.cs
            .tables()
            .iter()
            .map(|t| self.evaluate_tuples(&Program::compile(&t.columns)).into_iter().collect())
            .collect()
    }

    fn check_lookups(&self) -> Vec<VerifyFailure> {
        let tables = self.table_sets();
        let mut failures = Vec::new();
        for lookup in self.cs.lookups() {
            let table = &tables[lookup.table.index()];
            let inputs = self.evaluate_tuples(&Program::compile(&lookup.inputs));
            let missing: Vec<usize> =
                inputs.par_iter().enumerate().filter(|(_, t)| !table.contains(*t)).map(|(row, _)| row).collect();
            let queries: Vec<Query> = {
                let mut q: Vec<Query> = lookup.inputs.iter().flat_map(|e| e.queries()).collect();
                q.sort();
                q.dedup();
                q
            };
            for &row in missing.iter().take(MAX_REPORTED_PER_CHECK) {
                failures.push(VerifyFailure::Lookup {
                    lookup: lookup.name.clone(),
                    table: self.cs.tables()[lookup.table.index()].name.clone(),
                    row,
                    inputs: inputs[row].clone(),
                    cells: self.cell_values(&queries, row),
                });
            }
            if missing.len() > MAX_REPORTED_PER_CHECK {
                failures.push(VerifyFailure::Omitted {
                    check: lookup.name.clone(),
                    count: missing.len() - MAX_REPORTED_PER_CHECK,
                });
            }
        }
        failures
    }

    fn copy_cell(&self, cell: Cell) -> CellValue {
        CellValue {
            name: self.cs.column_name(cell.column).to_string(),
            column: cell.column,
            row: cell.row,
            rotation: 0,
            value: self.cell(cell).unwrap_or(Fr::ZERO),
        }
    }

    fn check_copies(&self) -> Vec<VerifyFailure> {
        let mut broken = 0usize;
        let mut failures = Vec::new();
        for &(left, right) in &self.copies {
            if self.cell(left) != self.cell(right) {
                broken += 1;
                if broken <= MAX_REPORTED_PER_CHECK {
                    failures.push(VerifyFailure::Copy { left: self.copy_cell(left), right: self.copy_cell(right) });
                }
            }
        }
        if broken > MAX_REPORTED_PER_CHECK {
            failures.push(VerifyFailure::Omitted { check: "copy".into(), count: broken - MAX_REPORTED_PER_CHECK });
        }
        failures
    }

    /// Multiplicity of every usable row of each table: how many lookup inputs (over all lookups
    /// into that table) it serves. Each input tuple is credited to the first table row holding
    /// it. Inputs not found in their table are ignored (they fail [`MockProver::verify`]).
    pub fn table_multiplicities(&self) -> Vec<Vec<u64>> {
        let mut result = Vec::new();
        for (t, table) in self.cs.tables().iter().enumerate() {
            let rows = self.evaluate_tuples(&Program::compile(&table.columns));
            let mut first_row: HashMap<&Vec<Fr>, usize> = HashMap::new();
            for (row, tuple) in rows.iter().enumerate() {
                first_row.entry(tuple).or_insert(row);
            }
            let mut m = vec![0u64; rows.len()];
            for lookup in self.cs.lookups().iter().filter(|l| l.table.index() == t) {
                for input in self.evaluate_tuples(&Program::compile(&lookup.inputs)) {
                    if let Some(&row) = first_row.get(&input) {
                        m[row] += 1;
                    }
                }
            }
            result.push(m);
        }
        result
    }
}
