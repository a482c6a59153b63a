//! The constraint system: columns, gates, lookups, copy-constraint columns and challenges.
//!
//! # Semantics (what the MockProver checks and the prover proves)
//!
//! The domain has `n = 2^k` rows. The last [`ConstraintSystem::reserved_rows`] rows are kept for
//! blinding and for the grand-product arguments; the rows before them are *usable*.
//!
//! - **Gates** hold on **every** row of the domain, reserved rows included (where advice is
//!   random when zero-knowledge is on). Use a fixed selector column to switch a gate off.
//! - **Lookups** (logUp): for every usable row, the tuple of input expressions must equal the
//!   tuple of table expressions at some usable row of the table. Tables may be built from fixed
//!   *or advice* columns. Several lookups may share one table; the prover commits one
//!   multiplicity column per table that some lookup reads.
//! - **Copy constraints** tie two cells of equality-enabled columns (fixed, advice or instance)
//!   in usable rows.
//!
//! # Argument layout (committed columns beyond the circuit's own advice)
//!
//! - per lookup table that some lookup reads: a multiplicity column `m` and a running sum `φ`;
//! - logUp helpers: the lookups of one table share helper columns `Σ_j 1/(β + f_j)` in groups
//!   whose constraint stays within the proof's degree; the first lookups (as many as fit) are
//!   summed in the table's running-sum step itself ([`super::logup`] has the layout and its
//!   soundness argument, [`ConstraintSystem::logup_plan`] the groups);
//! - permutation: `⌈e / (d − 2)⌉` grand-product columns for `e` equality-enabled columns and
//!   constraint-system degree `d`;
//! - quotient: [`ConstraintSystem::proof_degree`] − 1 pieces.

use std::collections::BTreeSet;

use super::column::{AdviceColumn, Challenge, Column, ColumnKind, FixedColumn, InstanceColumn, Phase};
use super::expression::Expression;
use super::logup::LogUpPlan;

/// A named polynomial that a gate constrains to zero on every row.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub name: String,
    pub expression: Expression,
}

/// A named group of constraints.
#[derive(Debug, Clone)]
pub struct Gate {
    pub name: String,
    pub constraints: Vec<Constraint>,
}

/// Identifies a lookup table declared with [`ConstraintSystem::lookup_table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub(crate) usize);

impl TableId {
    /// Index among the tables, in declaration order.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A lookup table: a tuple of expressions evaluated on every usable row.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Expression>,
}

/// A lookup: on every usable row, `inputs` must appear among the rows of `table`.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub name: String,
    pub inputs: Vec<Expression>,
    pub table: TableId,
}

/// A mistake in a circuit's configuration, found by [`ConstraintSystem::validate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("lookup `{lookup}` has {inputs} inputs but table `{table}` has {columns} columns")]
    LookupArity { lookup: String, inputs: usize, table: String, columns: usize },
    #[error("lookup table `{table}` has no columns")]
    EmptyTable { table: String },
    #[error("lookup `{lookup}` refers to an unknown table #{table}")]
    UnknownTable { lookup: String, table: usize },
    #[error("gate `{gate}` has no constraints")]
    EmptyGate { gate: String },
    #[error("constraint `{constraint}` of gate `{gate}` queries no column: it is either always or never satisfied")]
    ConstantConstraint { gate: String, constraint: String },
    #[error("`{context}` queries {kind:?} column #{index}, which this constraint system does not have")]
    UnknownColumn { context: String, kind: ColumnKind, index: usize },
    #[error("`{context}` uses challenge #{index}, which this constraint system does not have")]
    UnknownChallenge { context: String, index: usize },
    #[error("a challenge drawn after the third phase could only be used by a fourth, which does not exist")]
    ChallengeAfterLastPhase,
    #[error("`{context}` queries rotation {rotation}, beyond the supported ±{MAX_ROTATION}")]
    RotationTooLarge { context: String, rotation: i32 },
}

/// Largest rotation magnitude a query may use.
pub const MAX_ROTATION: i32 = 1 << 16;

/// The shape of a circuit: everything the verifying key depends on except fixed values and copy
/// constraints.
#[derive(Debug, Clone, Default)]
pub struct ConstraintSystem {
    fixed: Vec<String>,
    advice: Vec<(String, Phase)>,
    instance: Vec<String>,
    challenges: Vec<Phase>,
    gates: Vec<Gate>,
    tables: Vec<Table>,
    lookups: Vec<Lookup>,
    equality: BTreeSet<Column>,
    errors: Vec<ConfigError>,
}

impl ConstraintSystem {
    /// An empty constraint system.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new fixed column.
    pub fn fixed_column(&mut self) -> FixedColumn {
        let name = format!("fixed_{}", self.fixed.len());
        self.named_fixed(name)
    }

    /// A new fixed column with a name used in reports.
    pub fn named_fixed(&mut self, name: impl Into<String>) -> FixedColumn {
        self.fixed.push(name.into());
        FixedColumn { index: self.fixed.len() - 1 }
    }

    /// A new advice column committed in `phase`.
    pub fn advice_column(&mut self, phase: Phase) -> AdviceColumn {
        let name = format!("advice_{}", self.advice.len());
        self.named_advice(name, phase)
    }

    /// A new advice column committed in `phase`, with a name used in reports.
    pub fn named_advice(&mut self, name: impl Into<String>, phase: Phase) -> AdviceColumn {
        self.advice.push((name.into(), phase));
        AdviceColumn { index: self.advice.len() - 1, phase }
    }

    /// A new instance (public input) column.
    pub fn instance_column(&mut self) -> InstanceColumn {
        let name = format!("instance_{}", self.instance.len());
        self.named_instance(name)
    }

    /// A new instance column with a name used in reports.
    pub fn named_instance(&mut self, name: impl Into<String>) -> InstanceColumn {
        self.instance.push(name.into());
        InstanceColumn { index: self.instance.len() - 1 }
    }

    /// A challenge drawn once all advice of `phase` is committed; advice of later phases may
    /// depend on it and any constraint may use it.
    pub fn challenge_usable_after(&mut self, phase: Phase) -> Challenge {
        if phase == Phase::Third {
            self.errors.push(ConfigError::ChallengeAfterLastPhase);
        }
        self.challenges.push(phase);
        Challenge { index: self.challenges.len() - 1, phase }
    }

    /// Allows copy constraints on `column`.
    pub fn enable_equality(&mut self, column: impl Into<Column>) {
        self.equality.insert(column.into());
    }

    /// A gate: every expression must be zero on every row.
    pub fn create_gate<N: Into<String>>(
        &mut self,
        name: impl Into<String>,
        constraints: impl IntoIterator<Item = (N, Expression)>,
    ) {
        let constraints =
            constraints.into_iter().map(|(n, expression)| Constraint { name: n.into(), expression }).collect();
        self.gates.push(Gate { name: name.into(), constraints });
    }

    /// Declares a lookup table whose rows are the tuple `columns` evaluated on each usable row.
    pub fn lookup_table(&mut self, name: impl Into<String>, columns: Vec<Expression>) -> TableId {
        self.tables.push(Table { name: name.into(), columns });
        TableId(self.tables.len() - 1)
    }

    /// A lookup: on every usable row, `inputs` must be a row of `table`.
    pub fn lookup(&mut self, name: impl Into<String>, inputs: Vec<Expression>, table: TableId) {
        self.lookups.push(Lookup { name: name.into(), inputs, table });
    }

    /// Checks everything that can be checked without a witness.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        for gate in &self.gates {
            if gate.constraints.is_empty() {
                return Err(ConfigError::EmptyGate { gate: gate.name.clone() });
            }
            for c in &gate.constraints {
                let context = format!("{}/{}", gate.name, c.name);
                self.check_expression(&context, &c.expression)?;
                if c.expression.queries().is_empty() {
                    return Err(ConfigError::ConstantConstraint {
                        gate: gate.name.clone(),
                        constraint: c.name.clone(),
                    });
                }
            }
        }
        for table in &self.tables {
            if table.columns.is_empty() {
                return Err(ConfigError::EmptyTable { table: table.name.clone() });
            }
            for e in &table.columns {
                self.check_expression(&table.name, e)?;
            }
        }
        for lookup in &self.lookups {
            let table = self
                .tables
                .get(lookup.table.0)
                .ok_or_else(|| ConfigError::UnknownTable { lookup: lookup.name.clone(), table: lookup.table.0 })?;
            if lookup.inputs.len() != table.columns.len() {
                return Err(ConfigError::LookupArity {
                    lookup: lookup.name.clone(),
                    inputs: lookup.inputs.len(),
                    table: table.name.clone(),
                    columns: table.columns.len(),
                });
            }
            for e in &lookup.inputs {
                self.check_expression(&lookup.name, e)?;
            }
        }
        for column in &self.equality {
            self.check_column(&format!("equality on {column:?}"), *column)?;
        }
        Ok(())
    }

    fn check_expression(&self, context: &str, e: &Expression) -> Result<(), ConfigError> {
        let mut result = Ok(());
        e.for_each_query(&mut |q| {
            if result.is_ok() {
                result = self.check_column(context, q.column);
                if result.is_ok() && q.rotation.0.unsigned_abs() > MAX_ROTATION.unsigned_abs() {
                    result =
                        Err(ConfigError::RotationTooLarge { context: context.to_string(), rotation: q.rotation.0 });
                }
            }
        });
        e.for_each_challenge(&mut |c| {
            if result.is_ok() && self.challenges.get(c.index) != Some(&c.phase) {
                result = Err(ConfigError::UnknownChallenge { context: context.to_string(), index: c.index });
            }
        });
        result
    }

    /// Whether `column` was created by this constraint system.
    pub fn contains_column(&self, column: Column) -> bool {
        match column {
            Column::Fixed(c) => c.index < self.fixed.len(),
            Column::Advice(c) => self.advice.get(c.index).map(|a| a.1) == Some(c.phase),
            Column::Instance(c) => c.index < self.instance.len(),
        }
    }

    fn check_column(&self, context: &str, column: Column) -> Result<(), ConfigError> {
        if self.contains_column(column) {
            Ok(())
        } else {
            Err(ConfigError::UnknownColumn { context: context.to_string(), kind: column.kind(), index: column.index() })
        }
    }

    /// Number of fixed columns.
    pub fn num_fixed(&self) -> usize {
        self.fixed.len()
    }

    /// Number of advice columns (all phases).
    pub fn num_advice(&self) -> usize {
        self.advice.len()
    }

    /// Number of instance columns.
    pub fn num_instance(&self) -> usize {
        self.instance.len()
    }

    /// Number of challenges.
    pub fn num_challenges(&self) -> usize {
        self.challenges.len()
    }

    /// The advice columns, in index order.
    pub fn advice_columns(&self) -> impl Iterator<Item = AdviceColumn> + '_ {
        self.advice.iter().enumerate().map(|(index, (_, phase))| AdviceColumn { index, phase: *phase })
    }

    /// The fixed columns, in index order.
    pub fn fixed_columns(&self) -> impl Iterator<Item = FixedColumn> + '_ {
        (0..self.fixed.len()).map(|index| FixedColumn { index })
    }

    /// The instance columns, in index order.
    pub fn instance_columns(&self) -> impl Iterator<Item = InstanceColumn> + '_ {
        (0..self.instance.len()).map(|index| InstanceColumn { index })
    }

    /// The column named `name`, if any (the first, if several share it).
    pub fn column_by_name(&self, name: &str) -> Option<Column> {
        let fixed = self.fixed_columns().map(Column::from);
        let advice = self.advice_columns().map(Column::from);
        let instance = self.instance_columns().map(Column::from);
        fixed.chain(advice).chain(instance).find(|&c| self.column_name(c) == name)
    }

    /// The challenges, in index order.
    pub fn challenges(&self) -> impl Iterator<Item = Challenge> + '_ {
        self.challenges.iter().enumerate().map(|(index, phase)| Challenge { index, phase: *phase })
    }

    /// The advice columns committed in `phase`.
    pub fn advice_in_phase(&self, phase: Phase) -> impl Iterator<Item = AdviceColumn> + '_ {
        self.advice_columns().filter(move |c| c.phase == phase)
    }

    /// The name of a column (given or generated).
    pub fn column_name(&self, column: Column) -> &str {
        let name = match column {
            Column::Fixed(c) => self.fixed.get(c.index),
            Column::Advice(c) => self.advice.get(c.index).map(|a| &a.0),
            Column::Instance(c) => self.instance.get(c.index),
        };
        name.map(String::as_str).unwrap_or("<unknown column>")
    }

    /// The gates, in declaration order.
    pub fn gates(&self) -> &[Gate] {
        &self.gates
    }

    /// The lookup tables, in declaration order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The lookups, in declaration order.
    pub fn lookups(&self) -> &[Lookup] {
        &self.lookups
    }

    /// Whether copy constraints are allowed on `column`.
    pub fn is_equality_enabled(&self, column: Column) -> bool {
        self.equality.contains(&column)
    }

    /// The equality-enabled columns, in a fixed order (fixed, advice, instance; by index).
    pub fn equality_columns(&self) -> Vec<Column> {
        self.equality.iter().copied().collect()
    }

    /// Highest degree of any gate constraint.
    pub fn max_gate_degree(&self) -> usize {
        self.gates.iter().flat_map(|g| g.constraints.iter()).map(|c| c.expression.degree()).max().unwrap_or(0)
    }

    /// Degree of the logUp helper constraints `l_active · (h · (β + compressed tuple) − 1)`, per
    /// lookup and per table.
    pub fn max_lookup_degree(&self) -> usize {
        let tuple_degree = |es: &[Expression]| es.iter().map(Expression::degree).max().unwrap_or(0);
        let inputs = self.lookups.iter().map(|l| tuple_degree(&l.inputs) + 2);
        let tables = self.tables.iter().map(|t| tuple_degree(&t.columns) + 2);
        inputs.chain(tables).max().unwrap_or(0)
    }

    /// Degree of the constraint system with one logUp helper per lookup: the gates' and the
    /// single helpers' degree, at least 3 so the permutation argument can take one column per
    /// grand-product chunk. The proof's degree ([`Self::proof_degree`]) may be higher, up to
    /// the next power of two, where batching lookups saves more columns than the extra
    /// quotient pieces cost.
    pub fn degree(&self) -> usize {
        3.max(self.max_gate_degree()).max(self.max_lookup_degree())
    }

    /// Which lookups share logUp helper columns ([`LogUpPlan::new`]).
    pub fn logup_plan(&self) -> LogUpPlan {
        LogUpPlan::new(self)
    }

    /// Degree of the proof's constraints: the quotient is split into `proof_degree − 1` pieces.
    pub fn proof_degree(&self) -> usize {
        self.logup_plan().degree
    }

    /// Largest number of distinct rotations at which any advice column is queried.
    pub fn max_advice_queries(&self) -> usize {
        let mut per_column: Vec<BTreeSet<i32>> = vec![BTreeSet::new(); self.advice.len()];
        let mut visit = |e: &Expression| {
            e.for_each_query(&mut |q| {
                if let Column::Advice(a) = q.column
                    && let Some(set) = per_column.get_mut(a.index)
                {
                    set.insert(q.rotation.0);
                }
            })
        };
        self.gates.iter().flat_map(|g| &g.constraints).for_each(|c| visit(&c.expression));
        self.lookups.iter().flat_map(|l| &l.inputs).for_each(&mut visit);
        self.tables.iter().flat_map(|t| &t.columns).for_each(&mut visit);
        per_column.iter().map(BTreeSet::len).max().unwrap_or(0)
    }

    /// Random rows appended to each advice column when zero-knowledge is on: one more than the
    /// number of evaluations the verifier learns, so openings reveal nothing.
    pub fn blinding_factors(&self) -> usize {
        3.max(self.max_advice_queries()) + 2
    }

    /// Rows at the end of the domain that circuits may not use: the blinding rows and the row
    /// where the grand products are checked.
    pub fn reserved_rows(&self) -> usize {
        self.blinding_factors() + 1
    }

    /// Rows a circuit may use in a domain of `2^k` rows (zero if the domain is too small).
    pub fn usable_rows(&self, k: u32) -> usize {
        (1usize << k).saturating_sub(self.reserved_rows())
    }

    /// Grand-product columns of the permutation argument.
    pub fn permutation_columns(&self) -> usize {
        let chunk = self.degree() - 2;
        self.equality.len().div_ceil(chunk)
    }

    /// Columns the prover commits per proof: advice, lookup and permutation helpers, quotient.
    pub fn committed_columns(&self) -> CommittedColumns {
        let plan = self.logup_plan();
        CommittedColumns {
            advice: self.advice.len(),
            lookup: plan.committed_columns(),
            permutation: self.permutation_columns(),
            quotient: plan.degree - 1,
        }
    }
}

/// Breakdown of the polynomials committed in a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommittedColumns {
    /// The circuit's own advice columns.
    pub advice: usize,
    /// logUp multiplicities, group helpers and running sums.
    pub lookup: usize,
    /// Permutation grand products.
    pub permutation: usize,
    /// Quotient pieces.
    pub quotient: usize,
}

impl CommittedColumns {
    /// All committed columns.
    pub fn total(&self) -> usize {
        self.advice + self.lookup + self.permutation + self.quotient
    }
}
