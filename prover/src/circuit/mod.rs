//! How circuits are written: the constraint system (columns, gates, lookups, copy
//! constraints, challenges), the [`Circuit`] trait, witness assignment and statistics.
//!
//! A circuit describes its shape in [`Circuit::configure`], lays out fixed values and copy
//! constraints in [`Circuit::assign_fixed`] (both independent of the witness: keygen runs them),
//! and fills advice phase by phase in [`Circuit::assign_advice`], seeing the challenges drawn
//! after earlier phases.

mod assignment;
mod column;
mod cs;
mod expression;
pub mod logup;
mod program;
mod stats;
mod synthesis;

pub use assignment::{AdviceAssignment, AssignError, ChallengeValues, FixedAssignment};
pub use column::{AdviceColumn, Cell, Challenge, Column, ColumnKind, FixedColumn, InstanceColumn, Phase, Rotation};
pub use cs::{CommittedColumns, ConfigError, Constraint, ConstraintSystem, Gate, Lookup, MAX_ROTATION, Table, TableId};
pub use expression::{Expression, Query};
pub use logup::LogUpPlan;
pub use program::Program;
pub use stats::CircuitStats;
pub use synthesis::{Layout, SynthesisError, assign_advice_phase, instance_columns};

use crate::arith::Fr;

/// A circuit: its shape, its fixed layout and its witness.
///
/// The same value serves keygen (which calls only `configure` and `assign_fixed`) and proving
/// (which calls everything). `configure` and `assign_fixed` must not depend on the witness.
pub trait Circuit: Sync {
    /// Column and challenge handles that `configure` hands to the assignment methods.
    type Config: Clone + Send + Sync;

    /// Declares columns, gates, lookups, equality and challenges.
    fn configure(&self, cs: &mut ConstraintSystem) -> Self::Config;

    /// Fills fixed columns and declares copy constraints.
    fn assign_fixed(&self, config: &Self::Config, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError>;

    /// Fills the advice columns of `phase`, using challenges drawn after earlier phases.
    fn assign_advice(
        &self,
        config: &Self::Config,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError>;

    /// The public inputs: one vector per instance column, each at most the usable rows long.
    fn instances(&self) -> Vec<Vec<Fr>>;
}
