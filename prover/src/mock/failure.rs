//! What the MockProver reports when an assignment does not satisfy the circuit.

use std::fmt;

use ff::PrimeField;

use crate::arith::Fr;
use crate::circuit::Column;

/// A cell that took part in a failed check, with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellValue {
    /// The column's name in the constraint system.
    pub name: String,
    pub column: Column,
    /// The absolute row.
    pub row: usize,
    /// The rotation at which the check read it (0 for copies).
    pub rotation: i32,
    pub value: Fr,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    /// A gate constraint evaluated to a non-zero value.
    Gate { gate: String, constraint: String, row: usize, value: Fr, cells: Vec<CellValue> },
    /// A lookup input tuple is not among the table's rows.
    Lookup { lookup: String, table: String, row: usize, inputs: Vec<Fr>, cells: Vec<CellValue> },
    /// Two cells tied by a copy constraint differ.
    Copy { left: CellValue, right: CellValue },
    /// More failures of the same check than are listed individually.
    Omitted { check: String, count: usize },
}

impl VerifyFailure {
    /// The gate, lookup or `copy` the failure belongs to.
    pub fn name(&self) -> &str {
        match self {
            VerifyFailure::Gate { gate, .. } => gate,
            VerifyFailure::Lookup { lookup, .. } => lookup,
            VerifyFailure::Copy { .. } => "copy",
            VerifyFailure::Omitted { check, .. } => check,
        }
    }

    /// The row the failing check was evaluated at (for copies: the left cell's row).
    pub fn row(&self) -> Option<usize> {
        match self {
            VerifyFailure::Gate { row, .. } | VerifyFailure::Lookup { row, .. } => Some(*row),
            VerifyFailure::Copy { left, .. } => Some(left.row),
            VerifyFailure::Omitted { .. } => None,
        }
    }

    /// Whether this is a failure of gate `gate` at `row`.
    pub fn is_gate(&self, gate: &str, row: usize) -> bool {
        matches!(self, VerifyFailure::Gate { gate: g, row: r, .. } if g == gate && *r == row)
    }

    /// Whether this is a failure of lookup `lookup` at `row`.
    pub fn is_lookup(&self, lookup: &str, row: usize) -> bool {
        matches!(self, VerifyFailure::Lookup { lookup: l, row: r, .. } if l == lookup && *r == row)
    }

    /// Whether this is a failed copy constraint touching `row` of the column named `column`.
    pub fn is_copy(&self, column: &str, row: usize) -> bool {
        matches!(self, VerifyFailure::Copy { left, right }
            if (left.name == column && left.row == row) || (right.name == column && right.row == row))
    }
}

/// Formats a field element readably: small values (and small negatives) in decimal, others in hex.
pub fn format_fr(value: &Fr) -> String {
    fn small(v: &Fr) -> Option<u64> {
        let repr = v.to_repr();
        let bytes = repr.as_ref();
        if bytes[8..].iter().all(|&b| b == 0) {
            Some(u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")))
        } else {
            None
        }
    }
    if let Some(v) = small(value) {
        return v.to_string();
    }
    if let Some(v) = small(&-*value) {
        return format!("-{v}");
    }
    let repr = value.to_repr();
    let hex: String = repr.as_ref().iter().rev().map(|b| format!("{b:02x}")).collect();
    format!("0x{hex}")
}

impl fmt::Display for CellValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.name, self.row)?;
        if self.rotation != 0 {
            write!(f, " (rotation {:+})", self.rotation)?;
        }
        write!(f, " = {}", format_fr(&self.value))
    }
}

fn list(cells: &[CellValue]) -> String {
    cells.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyFailure::Gate { gate, constraint, row, value, cells } => write!(
                f,
                "gate `{gate}` constraint `{constraint}` is not satisfied at row {row} (evaluates to {}): {}",
                format_fr(value),
                list(cells)
            ),
            VerifyFailure::Lookup { lookup, table, row, inputs, cells } => write!(
                f,
                "lookup `{lookup}` at row {row}: input ({}) is not in table `{table}`: {}",
                inputs.iter().map(format_fr).collect::<Vec<_>>().join(", "),
                list(cells)
            ),
            VerifyFailure::Copy { left, right } => write!(f, "copy constraint broken: {left} but {right}"),
            VerifyFailure::Omitted { check, count } => write!(f, "… and {count} more failures of `{check}`"),
        }
    }
}
