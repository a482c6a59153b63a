//! Direct witness assignment into column vectors.
//!
//! Circuits write values straight into each column's `Vec<Fr>`: a single cell with `set`, a
//! whole column slice with `column_mut`, several columns at once with `columns_mut`, a
//! row-major block of a region with `assign_rows`, or rayon-parallel row chunks with
//! `par_row_chunks`. Only usable rows are reachable; every out-of-range row, wrong-phase column
//! or unknown column is an [`AssignError`], never a panic.

use std::collections::HashMap;

use rayon::prelude::*;

use super::column::{AdviceColumn, Cell, Challenge, Column, FixedColumn, Phase};
use super::cs::ConstraintSystem;
use crate::arith::Fr;

/// Why an assignment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("row {row} of column `{column}` is outside the {usable} usable rows")]
    RowOutOfRange { column: String, row: usize, usable: usize },
    #[error("advice column `{column}` is committed in {column_phase} and cannot be assigned in {phase}")]
    WrongPhase { column: String, column_phase: Phase, phase: Phase },
    #[error("advice column `{column}` of {column_phase} is not known yet in {phase}")]
    NotYetAssigned { column: String, column_phase: Phase, phase: Phase },
    #[error("challenge #{index} is drawn after {drawn_after} and cannot be used in {phase}")]
    ChallengeUnavailable { index: usize, drawn_after: Phase, phase: Phase },
    #[error("copy constraint on cell {row} of column `{column}`, which does not have equality enabled")]
    EqualityNotEnabled { column: String, row: usize },
    #[error("column `{column}` given twice in one multi-column access")]
    DuplicateColumn { column: String },
    #[error("{kind:?} column #{index} does not belong to this constraint system")]
    UnknownColumn { kind: super::column::ColumnKind, index: usize },
    #[error("a region of {values} values is not a whole number of rows of {columns} columns")]
    RaggedRegion { values: usize, columns: usize },
    #[error("row chunks must hold at least one row")]
    EmptyChunk,
    #[error("the circuit has {expected} instance columns but supplied {got}")]
    InstanceCount { expected: usize, got: usize },
    #[error("instance column `{column}` has {len} values but only {usable} rows are usable")]
    InstanceTooLong { column: String, len: usize, usable: usize },
    #[error("the domain of 2^{k} rows leaves no usable row after {reserved} reserved rows")]
    DomainTooSmall { k: u32, reserved: usize },
    /// A failure of the circuit's own witness generation.
    #[error("{0}")]
    Circuit(String),
}

/// The challenge values a phase may use: those drawn after earlier phases.
#[derive(Debug, Clone, Copy)]
pub struct ChallengeValues<'a> {
    values: &'a [Fr],
    cs: &'a ConstraintSystem,
    phase: Phase,
}

impl<'a> ChallengeValues<'a> {
    /// `values[i]` is challenge `i`'s value (ignored for challenges not yet drawn).
    pub fn new(cs: &'a ConstraintSystem, values: &'a [Fr], phase: Phase) -> Self {
        Self { values, cs, phase }
    }

    /// The value of `challenge`, if it was drawn before the current phase.
    pub fn get(&self, challenge: Challenge) -> Result<Fr, AssignError> {
        let known = self.cs.challenges().any(|c| c == challenge);
        if challenge.phase >= self.phase || !known {
            return Err(AssignError::ChallengeUnavailable {
                index: challenge.index,
                drawn_after: challenge.phase,
                phase: self.phase,
            });
        }
        self.values.get(challenge.index).copied().ok_or(AssignError::ChallengeUnavailable {
            index: challenge.index,
            drawn_after: challenge.phase,
            phase: self.phase,
        })
    }
}

/// Fixed column values and copy constraints: the part of a circuit's layout that does not
/// depend on the witness.
pub struct FixedAssignment<'a> {
    cs: &'a ConstraintSystem,
    usable: usize,
    columns: Vec<Vec<Fr>>,
    copies: Vec<(Cell, Cell)>,
}

impl<'a> FixedAssignment<'a> {
    /// Zero-filled fixed columns for a domain of `n` rows of which `usable` are usable.
    pub fn new(cs: &'a ConstraintSystem, n: usize, usable: usize) -> Self {
        Self { cs, usable, columns: vec![vec![<Fr as ff::Field>::ZERO; n]; cs.num_fixed()], copies: Vec::new() }
    }

    /// Rows the circuit may assign.
    pub fn usable_rows(&self) -> usize {
        self.usable
    }

    /// Sets one cell.
    pub fn set(&mut self, column: FixedColumn, row: usize, value: Fr) -> Result<(), AssignError> {
        *cell_mut(self.cs, &mut self.columns, column.into(), row, self.usable)? = value;
        Ok(())
    }

    /// The usable rows of one column, to fill directly.
    pub fn column_mut(&mut self, column: FixedColumn) -> Result<&mut [Fr], AssignError> {
        column_slice_mut(self.cs, &mut self.columns, column.into(), self.usable)
    }

    /// The usable rows of several distinct columns at once.
    pub fn columns_mut(&mut self, columns: &[FixedColumn]) -> Result<Vec<&mut [Fr]>, AssignError> {
        let cols: Vec<Column> = columns.iter().map(|&c| c.into()).collect();
        pick_columns_mut(self.cs, &mut self.columns, &cols, self.usable)
    }

    /// Writes a row-major block: `values[r * columns.len() + c]` goes to `columns[c]` at row
    /// `first_row + r`.
    pub fn assign_rows(&mut self, first_row: usize, columns: &[FixedColumn], values: &[Fr]) -> Result<(), AssignError> {
        let cols: Vec<Column> = columns.iter().map(|&c| c.into()).collect();
        let usable = self.usable;
        let slices = pick_columns_mut(self.cs, &mut self.columns, &cols, usable)?;
        scatter_rows(self.cs, slices, &cols, first_row, values, usable)
    }

    /// Constrains two cells to hold equal values. Both columns need equality enabled and both
    /// rows must be usable.
    pub fn copy(&mut self, left: Cell, right: Cell) -> Result<(), AssignError> {
        for cell in [left, right] {
            check_cell_for_copy(self.cs, cell, self.usable)?;
        }
        self.copies.push((left, right));
        Ok(())
    }

    /// The fixed columns (each of `n` rows) and the copy constraints.
    pub fn into_parts(self) -> (Vec<Vec<Fr>>, Vec<(Cell, Cell)>) {
        (self.columns, self.copies)
    }
}

/// The advice columns of one phase, writable; those of earlier phases, readable.
pub struct AdviceAssignment<'a> {
    cs: &'a ConstraintSystem,
    phase: Phase,
    usable: usize,
    columns: &'a mut [Vec<Fr>],
}

impl<'a> AdviceAssignment<'a> {
    /// Wraps all advice columns (each of `n` rows) for assignment in `phase`.
    pub fn new(cs: &'a ConstraintSystem, phase: Phase, usable: usize, columns: &'a mut [Vec<Fr>]) -> Self {
        Self { cs, phase, usable, columns }
    }

    /// The phase being assigned.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Rows the circuit may assign.
    pub fn usable_rows(&self) -> usize {
        self.usable
    }

    fn check_phase(&self, column: AdviceColumn) -> Result<(), AssignError> {
        if column.phase != self.phase {
            return Err(AssignError::WrongPhase {
                column: self.cs.column_name(column.into()).to_string(),
                column_phase: column.phase,
                phase: self.phase,
            });
        }
        Ok(())
    }

    /// Sets one cell of a column of this phase.
    pub fn set(&mut self, column: AdviceColumn, row: usize, value: Fr) -> Result<(), AssignError> {
        self.check_phase(column)?;
        *cell_mut(self.cs, self.columns, column.into(), row, self.usable)? = value;
        Ok(())
    }

    /// The usable rows of one column of this phase, to fill directly.
    pub fn column_mut(&mut self, column: AdviceColumn) -> Result<&mut [Fr], AssignError> {
        self.check_phase(column)?;
        column_slice_mut(self.cs, self.columns, column.into(), self.usable)
    }

    /// The usable rows of several distinct columns of this phase at once.
    pub fn columns_mut(&mut self, columns: &[AdviceColumn]) -> Result<Vec<&mut [Fr]>, AssignError> {
        for &c in columns {
            self.check_phase(c)?;
        }
        let cols: Vec<Column> = columns.iter().map(|&c| c.into()).collect();
        pick_columns_mut(self.cs, self.columns, &cols, self.usable)
    }

    /// Writes a row-major block: `values[r * columns.len() + c]` goes to `columns[c]` at row
    /// `first_row + r`.
    pub fn assign_rows(
        &mut self,
        first_row: usize,
        columns: &[AdviceColumn],
        values: &[Fr],
    ) -> Result<(), AssignError> {
        let usable = self.usable;
        let cs = self.cs;
        let slices = self.columns_mut(columns)?;
        let cols: Vec<Column> = columns.iter().map(|&c| c.into()).collect();
        scatter_rows(cs, slices, &cols, first_row, values, usable)
    }

    /// Runs `fill` in parallel over chunks of `chunk_rows` usable rows. `fill(first_row, cols)`
    /// gets, for each of `columns` in order, the slice of that column's rows
    /// `first_row .. first_row + cols[i].len()`.
    pub fn par_row_chunks<F>(&mut self, columns: &[AdviceColumn], chunk_rows: usize, fill: F) -> Result<(), AssignError>
    where
        F: Fn(usize, &mut [&mut [Fr]]) -> Result<(), AssignError> + Sync,
    {
        if chunk_rows == 0 {
            return Err(AssignError::EmptyChunk);
        }
        let chunks = self.usable.div_ceil(chunk_rows);
        let slices = self.columns_mut(columns)?;
        let mut per_column: Vec<std::vec::IntoIter<&mut [Fr]>> =
            slices.into_iter().map(|s| s.chunks_mut(chunk_rows).collect::<Vec<_>>().into_iter()).collect();
        let mut rows: Vec<(usize, Vec<&mut [Fr]>)> = Vec::with_capacity(chunks);
        for i in 0..chunks {
            let chunk: Vec<&mut [Fr]> = per_column.iter_mut().filter_map(Iterator::next).collect();
            rows.push((i * chunk_rows, chunk));
        }
        rows.into_par_iter().try_for_each(|(first_row, mut cols)| fill(first_row, &mut cols))
    }

    /// A value of a column of this or an earlier phase.
    pub fn value(&self, column: AdviceColumn, row: usize) -> Result<Fr, AssignError> {
        self.column(column)?.get(row).copied().ok_or_else(|| AssignError::RowOutOfRange {
            column: self.cs.column_name(column.into()).to_string(),
            row,
            usable: self.usable,
        })
    }

    /// The usable rows of a column of this or an earlier phase.
    pub fn column(&self, column: AdviceColumn) -> Result<&[Fr], AssignError> {
        if column.phase > self.phase {
            return Err(AssignError::NotYetAssigned {
                column: self.cs.column_name(column.into()).to_string(),
                column_phase: column.phase,
                phase: self.phase,
            });
        }
        let col = self
            .columns
            .get(column.index)
            .ok_or(AssignError::UnknownColumn { kind: super::column::ColumnKind::Advice, index: column.index })?;
        Ok(&col[..self.usable.min(col.len())])
    }
}

fn unknown(column: Column) -> AssignError {
    AssignError::UnknownColumn { kind: column.kind(), index: column.index() }
}

fn column_slice_mut<'c>(
    cs: &ConstraintSystem,
    columns: &'c mut [Vec<Fr>],
    column: Column,
    usable: usize,
) -> Result<&'c mut [Fr], AssignError> {
    check_known(cs, column)?;
    let col = columns.get_mut(column.index()).ok_or_else(|| unknown(column))?;
    Ok(&mut col[..usable])
}

fn cell_mut<'c>(
    cs: &ConstraintSystem,
    columns: &'c mut [Vec<Fr>],
    column: Column,
    row: usize,
    usable: usize,
) -> Result<&'c mut Fr, AssignError> {
    let slice = column_slice_mut(cs, columns, column, usable)?;
    slice.get_mut(row).ok_or_else(|| AssignError::RowOutOfRange {
        column: cs.column_name(column).to_string(),
        row,
        usable,
    })
}

fn check_known(cs: &ConstraintSystem, column: Column) -> Result<(), AssignError> {
    if cs.contains_column(column) { Ok(()) } else { Err(unknown(column)) }
}

/// Mutable usable-row slices of distinct columns, in the order asked for.
fn pick_columns_mut<'c>(
    cs: &ConstraintSystem,
    columns: &'c mut [Vec<Fr>],
    wanted: &[Column],
    usable: usize,
) -> Result<Vec<&'c mut [Fr]>, AssignError> {
    let mut position: HashMap<usize, usize> = HashMap::with_capacity(wanted.len());
    for (i, &c) in wanted.iter().enumerate() {
        check_known(cs, c)?;
        if position.insert(c.index(), i).is_some() {
            return Err(AssignError::DuplicateColumn { column: cs.column_name(c).to_string() });
        }
    }
    let mut out: Vec<Option<&'c mut [Fr]>> = (0..wanted.len()).map(|_| None).collect();
    for (index, col) in columns.iter_mut().enumerate() {
        if let Some(&i) = position.get(&index) {
            out[i] = Some(&mut col[..usable]);
        }
    }
    out.into_iter().zip(wanted).map(|(s, &c)| s.ok_or_else(|| unknown(c))).collect()
}

fn scatter_rows(
    cs: &ConstraintSystem,
    slices: Vec<&mut [Fr]>,
    columns: &[Column],
    first_row: usize,
    values: &[Fr],
    usable: usize,
) -> Result<(), AssignError> {
    let width = columns.len();
    if width == 0 || values.len() % width != 0 {
        return Err(AssignError::RaggedRegion { values: values.len(), columns: width });
    }
    let rows = values.len() / width;
    if rows > 0 && first_row + rows > usable {
        return Err(AssignError::RowOutOfRange {
            column: cs.column_name(columns[0]).to_string(),
            row: first_row + rows - 1,
            usable,
        });
    }
    slices.into_par_iter().enumerate().for_each(|(c, slice)| {
        for (r, dst) in slice[first_row..first_row + rows].iter_mut().enumerate() {
            *dst = values[r * width + c];
        }
    });
    Ok(())
}

/// Checks that a cell may take part in a copy constraint.
pub(crate) fn check_cell_for_copy(cs: &ConstraintSystem, cell: Cell, usable: usize) -> Result<(), AssignError> {
    check_known(cs, cell.column)?;
    if !cs.is_equality_enabled(cell.column) {
        return Err(AssignError::EqualityNotEnabled { column: cs.column_name(cell.column).to_string(), row: cell.row });
    }
    if cell.row >= usable {
        return Err(AssignError::RowOutOfRange {
            column: cs.column_name(cell.column).to_string(),
            row: cell.row,
            usable,
        });
    }
    Ok(())
}
