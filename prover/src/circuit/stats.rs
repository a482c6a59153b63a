//! Circuit statistics for researchers comparing designs.

use std::fmt;

use ff::Field;
use rayon::prelude::*;

use super::Phase;
use super::cs::{CommittedColumns, ConstraintSystem};
use crate::arith::Fr;

/// The size and cost of a circuit at one domain size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitStats {
    pub k: u32,
    pub rows: usize,
    pub usable_rows: usize,
    /// Highest row holding a non-zero fixed or advice value, plus one.
    pub rows_used: usize,
    pub fixed_columns: usize,
    /// Advice columns per phase.
    pub advice_columns: [usize; 3],
    pub instance_columns: usize,
    pub challenges: usize,
    pub gates: usize,
    pub constraints: usize,
    pub max_gate_degree: usize,
    /// The constraint system's degree ([`ConstraintSystem::degree`]).
    pub degree: usize,
    /// The proof's degree ([`ConstraintSystem::proof_degree`]): higher where batching lookups
    /// into shared logUp helpers pays for the extra quotient pieces.
    pub proof_degree: usize,
    pub lookups: usize,
    pub lookup_tables: usize,
    /// Committed logUp helper columns (each sums the fractions of one group of lookups).
    pub logup_helpers: usize,
    pub equality_columns: usize,
    pub copy_constraints: usize,
    pub committed: CommittedColumns,
}

impl CircuitStats {
    /// Statistics of a constraint system with its fixed columns, copies and (optionally) advice.
    pub fn new(cs: &ConstraintSystem, k: u32, fixed: &[Vec<Fr>], advice: &[Vec<Fr>], copies: usize) -> Self {
        let plan = cs.logup_plan();
        let rows_used = fixed.iter().chain(advice).map(|c| last_nonzero(c)).max().unwrap_or(0);
        let mut advice_columns = [0; 3];
        for phase in Phase::ALL {
            advice_columns[phase.index()] = cs.advice_in_phase(phase).count();
        }
        Self {
            k,
            rows: 1 << k,
            usable_rows: cs.usable_rows(k),
            rows_used,
            fixed_columns: cs.num_fixed(),
            advice_columns,
            instance_columns: cs.num_instance(),
            challenges: cs.num_challenges(),
            gates: cs.gates().len(),
            constraints: cs.gates().iter().map(|g| g.constraints.len()).sum(),
            max_gate_degree: cs.max_gate_degree(),
            degree: cs.degree(),
            proof_degree: plan.degree,
            lookups: cs.lookups().len(),
            lookup_tables: cs.tables().len(),
            logup_helpers: plan.helper_columns(),
            equality_columns: cs.equality_columns().len(),
            copy_constraints: copies,
            committed: cs.committed_columns(),
        }
    }

    /// Field elements committed per proof: every committed column times the rows.
    pub fn committed_cells(&self) -> usize {
        self.committed.total() * self.rows
    }

    /// Advice cells in the rows the circuit actually uses.
    pub fn used_advice_cells(&self) -> usize {
        self.advice_columns.iter().sum::<usize>() * self.rows_used
    }
}

fn last_nonzero(column: &[Fr]) -> usize {
    column.par_iter().position_last(|v| !bool::from(v.is_zero())).map_or(0, |i| i + 1)
}

impl fmt::Display for CircuitStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.advice_columns;
        writeln!(
            f,
            "rows             2^{} = {} ({} usable, {} used)",
            self.k, self.rows, self.usable_rows, self.rows_used
        )?;
        writeln!(
            f,
            "columns          {} fixed, {} advice ({} / {} / {} by phase), {} instance",
            self.fixed_columns,
            a.iter().sum::<usize>(),
            a[0],
            a[1],
            a[2],
            self.instance_columns
        )?;
        writeln!(f, "challenges       {}", self.challenges)?;
        writeln!(
            f,
            "gates            {} ({} constraints), max gate degree {}",
            self.gates, self.constraints, self.max_gate_degree
        )?;
        if self.proof_degree == self.degree {
            writeln!(f, "degree           {} (quotient in {} pieces)", self.degree, self.committed.quotient)?;
        } else {
            writeln!(
                f,
                "degree           {}, {} with logUp batching (quotient in {} pieces)",
                self.degree, self.proof_degree, self.committed.quotient
            )?;
        }
        writeln!(
            f,
            "lookups          {} into {} tables ({} logUp helper columns)",
            self.lookups, self.lookup_tables, self.logup_helpers
        )?;
        writeln!(f, "copy constraints {} over {} equality columns", self.copy_constraints, self.equality_columns)?;
        writeln!(
            f,
            "committed        {} columns ({} advice, {} lookup, {} permutation, {} quotient) = {} cells",
            self.committed.total(),
            self.committed.advice,
            self.committed.lookup,
            self.committed.permutation,
            self.committed.quotient,
            self.committed_cells()
        )
    }
}
