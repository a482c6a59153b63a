//! Columns, phases, rotations, challenges and cells.

use std::fmt;

use super::expression::{Expression, Query};

/// The round in which an advice column is committed. Challenges drawn after a phase can be used
/// to compute the advice of every later phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Committed first; sees no challenge.
    First,
    /// Committed after the challenges of [`Phase::First`] are drawn.
    Second,
    /// Committed after the challenges of [`Phase::Second`] are drawn.
    Third,
}

impl Phase {
    /// All phases in commitment order.
    pub const ALL: [Phase; 3] = [Phase::First, Phase::Second, Phase::Third];

    /// 0, 1 or 2.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "phase {}", self.index())
    }
}

/// A fixed column: values chosen by the circuit, committed in the verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FixedColumn {
    pub(crate) index: usize,
}

/// An advice column: the prover's witness, committed in its [`Phase`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AdviceColumn {
    pub(crate) index: usize,
    pub(crate) phase: Phase,
}

/// An instance column: public inputs, known to the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceColumn {
    pub(crate) index: usize,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColumnKind {
    Fixed,
    Advice,
    Instance,
}

/// Any column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Fixed(FixedColumn),
    Advice(AdviceColumn),
    Instance(InstanceColumn),
}

impl Column {
    /// The column's kind.
    pub fn kind(self) -> ColumnKind {
        match self {
            Column::Fixed(_) => ColumnKind::Fixed,
            Column::Advice(_) => ColumnKind::Advice,
            Column::Instance(_) => ColumnKind::Instance,
        }
    }

    /// Index among the columns of its kind (advice columns of all phases share one numbering).
    pub fn index(self) -> usize {
        match self {
            Column::Fixed(c) => c.index,
            Column::Advice(c) => c.index,
            Column::Instance(c) => c.index,
        }
    }

    /// The cell of this column at `row`.
    pub fn cell(self, row: usize) -> Cell {
        Cell { column: self, row }
    }
}

macro_rules! column_common {
    ($ty:ty, $variant:ident) => {
        impl From<$ty> for Column {
            fn from(c: $ty) -> Column {
                Column::$variant(c)
            }
        }

        impl $ty {
            /// Index among the columns of its kind.
            pub fn index(self) -> usize {
                self.index
            }

            /// This column queried at `rotation` rows from the current one.
            pub fn rot(self, rotation: i32) -> Expression {
                Expression::Query(Query { column: Column::from(self), rotation: Rotation(rotation) })
            }

            /// This column at the current row.
            pub fn cur(self) -> Expression {
                self.rot(0)
            }

            /// This column at the next row.
            pub fn next(self) -> Expression {
                self.rot(1)
            }

            /// This column at the previous row.
            pub fn prev(self) -> Expression {
                self.rot(-1)
            }

            /// The cell of this column at `row`.
            pub fn cell(self, row: usize) -> Cell {
                Cell { column: Column::from(self), row }
            }
        }
    };
}

column_common!(FixedColumn, Fixed);
column_common!(AdviceColumn, Advice);
column_common!(InstanceColumn, Instance);

impl AdviceColumn {
    /// The phase in which this column is committed.
    pub fn phase(self) -> Phase {
        self.phase
    }
}

/// A row offset relative to the row a constraint is evaluated at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rotation(pub i32);

impl Rotation {
    /// The row `rotation` away from `row` in a domain of `n` rows (wrapping around).
    pub fn apply(self, row: usize, n: usize) -> usize {
        let n_i = n as i64;
        ((row as i64 + self.0 as i64).rem_euclid(n_i)) as usize
    }
}

/// A verifier challenge, drawn after all advice of `phase` is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Challenge {
    pub(crate) index: usize,
    pub(crate) phase: Phase,
}

impl Challenge {
    /// Index among all challenges, in the order they were declared.
    pub fn index(self) -> usize {
        self.index
    }

    /// The phase after which this challenge is drawn.
    pub fn phase(self) -> Phase {
        self.phase
    }

    /// The challenge as an expression (degree 0).
    pub fn expr(self) -> Expression {
        Expression::Challenge(self)
    }
}

/// One cell: a column and a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub column: Column,
    pub row: usize,
}
