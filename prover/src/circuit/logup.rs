//! logUp batching: which lookups share a committed helper column, and the degree the argument's
//! constraints may reach. A pure function of the constraint system, so keygen, the prover, the
//! verifier, the statistics and the verifier generator all derive the same layout.
//!
//! # The argument
//!
//! For a table with compressed rows `t` and multiplicities `m`, and the lookups `f_1 … f_L` into
//! it (θ-compressed input tuples), the prover shows, over the usable rows `r`,
//!
//! ```text
//! Σ_r Σ_l 1/(β + f_l(r))  =  Σ_r m(r)/(β + t(r))                                           (1)
//! ```
//!
//! for a β drawn after `m` and every column the tuples read are committed. Every term is a
//! *fraction* `n/d`: `1/(β + f_l)` for a lookup, `−m/(β + t)` for the table. The fractions of
//! one row are split into groups, and each group's sum `v = Σ_j n_j/d_j` is pinned by one
//! constraint with the denominators cleared:
//!
//! ```text
//! l_active · (v · Π_j d_j − Σ_j n_j · Π_{i≠j} d_i) = 0                                     (2)
//! ```
//!
//! - every group but one holds only lookups; its `v` is a committed helper column `g`;
//! - the table's own group holds the table's fraction (and as many lookups as fit); its `v` is
//!   `φ' − φ − Σ g` over the table's helpers, so (2) *is* the running-sum step and the group
//!   costs no column of its own. Per table the prover commits `m`, `φ` and the helpers: the
//!   former table helper `1/(β + t)` is gone.
//!
//! `φ` starts and ends at 0 (`l_0 · φ = 0`, `l_last · φ = 0`).
//!
//! # Soundness
//!
//! β is drawn after every `f`, `t` and `m` is fixed, so with probability at least
//! `1 − (lookups + tables) · n / |F|` no denominator `β + f_l(r)` or `β + t(r)` vanishes on a
//! usable row. Then (2) forces `v = Σ_j n_j/d_j` on every usable row (divide by `Π_j d_j`), the
//! running sum telescopes from 0 to 0, and (1) holds at β. Both sides of (1) are rational
//! functions of β fixed before β is drawn; if they differ, their difference has a numerator of
//! degree at most `(L + 1) · n`, so (1) holds at a random β with probability at most
//! `(L + 1) · n / |F|` (about 2^−220 here). If they are equal as rational functions, partial
//! fractions are unique: for every value `a`, the number of input cells equal to `a` is
//! congruent to `Σ_{r: t(r) = a} m(r)` modulo the characteristic `p`. For an `a` no table row
//! holds, the right side is 0 and the count is below `L · n < p`, hence 0: every input is a
//! table row. (θ-compression adds the usual `arity · n / |F|` for a collision of tuples.)
//! Grouping changes nothing in this argument: it only changes how the per-row sum is pinned.
//!
//! # The degree bound
//!
//! (2) has degree `2 + Σ_j deg d_j` (+1 for the `l_active` factor and one for `v`; the numerator
//! `m` adds no more than the `v` factor does). Groups are filled greedily in lookup order: a
//! lookup joins its table's open group while the group's constraint, built by the same code as
//! the proof's ([`fraction_sum_constraint`]) and measured by [`Expression::degree`], stays within
//! the bound; otherwise it opens the next group. A lookup that does not fit even alone (never the
//! case for bounds ≥ [`ConstraintSystem::degree`]) gets a group of its own.
//!
//! The bound is chosen among `cs.degree() ..= cs.degree().next_power_of_two()`: all of them keep
//! the quotient's extended domain (`2^⌈log2 degree⌉ · n`) the same size. A higher bound packs
//! more lookups per helper but splits the quotient into more pieces (`degree − 1`, one committed
//! column each), so [`LogUpPlan::new`] takes the bound with the fewest committed columns
//! (helpers + quotient pieces), the lowest on a tie. Tables no lookup reads get no columns at all.
//!
//! Two caps keep the layout cheap to derive from an untrusted verifying key (whose gates may
//! declare any degree) and keep each constraint small (its expression grows with the square of
//! its group's size): a group holds at most [`MAX_GROUP`] fractions, and the degree is raised
//! only up to [`MAX_RAISED_DEGREE`].

use super::column::{Challenge, FixedColumn, Phase};
use super::cs::ConstraintSystem;
use super::expression::Expression;

/// Most fractions (lookups, and the table's in the running-sum step) one group may hold.
pub const MAX_GROUP: usize = 16;

/// [`LogUpPlan::new`] raises the degree above [`ConstraintSystem::degree`] only up to this.
pub const MAX_RAISED_DEGREE: usize = 16;

/// One term `numerator / denominator` of the logUp sum; a numerator of `None` is 1.
#[derive(Debug, Clone)]
pub struct Fraction {
    /// `None` for a lookup (numerator 1); `Some(−m)` for the table's term.
    pub numerator: Option<Expression>,
    /// `β + compressed tuple`.
    pub denominator: Expression,
}

/// `β + Σ θ^(k−1−i) · tuple_i`: the denominator of a lookup's or a table's fraction.
pub fn denominator(tuple: &[Expression], theta: &Expression, beta: &Expression) -> Expression {
    beta.clone() + Expression::rlc(tuple, theta)
}

/// `active · (value · Π_j d_j − Σ_j n_j · Π_{i≠j} d_i)`: zero on a row exactly when `value` is
/// `Σ_j n_j / d_j` there (given non-zero denominators). Built as a running fraction `N / D`
/// (`N ← N·d + n·D`, `D ← D·d`), so each denominator is written once per use and shared
/// sub-expressions are deduplicated by [`super::Program`] and the verifier generator.
pub fn fraction_sum_constraint(active: Expression, value: Expression, fractions: &[Fraction]) -> Expression {
    let numerator = |f: &Fraction| f.numerator.clone().unwrap_or_else(Expression::one);
    let Some((first, rest)) = fractions.split_first() else {
        return active * value;
    };
    let mut num = numerator(first);
    let mut den = first.denominator.clone();
    for f in rest {
        num = match &f.numerator {
            None => num * f.denominator.clone() + den.clone(),
            Some(n) => num * f.denominator.clone() + n.clone() * den.clone(),
        };
        den = den * f.denominator.clone();
    }
    active * (value * den - num)
}

/// How one table's fractions are grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableGroups {
    /// The table's index in [`ConstraintSystem::tables`].
    pub table: usize,
    /// Lookups (indices in [`ConstraintSystem::lookups`]) whose fractions the running-sum step
    /// holds itself, beside the table's.
    pub in_running_sum: Vec<usize>,
    /// The lookups summed by each committed helper column, in commitment order.
    pub helpers: Vec<Vec<usize>>,
}

/// The logUp layout of a constraint system: its groups and the degree they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogUpPlan {
    /// The degree bound the groups were packed under.
    pub bound: usize,
    /// Degree of the proof's constraints: `cs.degree()` or the highest group constraint's
    /// degree, whichever is larger. The quotient has `degree − 1` pieces.
    pub degree: usize,
    /// One entry per table that at least one lookup reads, in table order.
    pub tables: Vec<TableGroups>,
}

/// Stand-ins for degree measurement: a query (degree 1) and a challenge (degree 0).
fn stand_ins() -> (Expression, Expression) {
    let query = FixedColumn { index: 0 }.cur();
    let challenge = Challenge { index: 0, phase: Phase::First }.expr();
    (query, challenge)
}

/// An expression of degree `d` (a product of `d` queries, or a constant).
fn of_degree(d: usize) -> Expression {
    let (query, _) = stand_ins();
    (0..d).fold(Expression::one(), |acc, _| acc * query.clone())
}

impl LogUpPlan {
    /// The plan with the fewest committed columns (helpers + quotient pieces) over the bounds
    /// that keep the quotient's extended domain the same size (up to [`MAX_RAISED_DEGREE`]);
    /// the lowest bound on a tie.
    pub fn new(cs: &ConstraintSystem) -> Self {
        let base = cs.degree();
        let mut best = Self::with_bound(cs, base);
        for bound in base + 1..=base.next_power_of_two().min(MAX_RAISED_DEGREE) {
            let plan = Self::with_bound(cs, bound);
            if plan.cost() < best.cost() {
                best = plan;
            }
        }
        best
    }

    /// The plan whose group constraints stay within degree `bound` (where a lookup alone fits).
    pub fn with_bound(cs: &ConstraintSystem, bound: usize) -> Self {
        let (query, challenge) = stand_ins();
        // Degree is compositional (sums take the maximum, products the sum), so a group's
        // constraint built over stand-ins of its denominators' degrees has the degree of the
        // real one; the stand-ins keep the greedy packing cheap on circuits with thousands of
        // lookups.
        let tuple_degree = |tuple: &[Expression]| denominator(tuple, &challenge, &challenge).degree();
        let lookup_degree: Vec<usize> = cs.lookups().iter().map(|l| tuple_degree(&l.inputs)).collect();
        let group_degree = |table_term: Option<usize>, lookups: &[usize]| -> usize {
            let table = table_term.map(|d| Fraction { numerator: Some(-query.clone()), denominator: of_degree(d) });
            let fractions: Vec<Fraction> = table
                .into_iter()
                .chain(lookups.iter().map(|&l| Fraction { numerator: None, denominator: of_degree(lookup_degree[l]) }))
                .collect();
            fraction_sum_constraint(query.clone(), query.clone(), &fractions).degree()
        };
        let mut degree = cs.degree();
        let mut tables = Vec::new();
        for (t, table) in cs.tables().iter().enumerate() {
            let lookups: Vec<usize> = (0..cs.lookups().len()).filter(|&l| cs.lookups()[l].table.index() == t).collect();
            if lookups.is_empty() {
                continue;
            }
            let table_term = Some(tuple_degree(&table.columns));
            degree = degree.max(group_degree(table_term, &[]));
            let mut in_running_sum: Vec<usize> = Vec::new();
            let mut helpers: Vec<Vec<usize>> = Vec::new();
            // Next fit in lookup order: the open group is the running-sum step until a lookup
            // does not fit there, then the last helper.
            for l in lookups {
                let (open, term) = match helpers.last() {
                    None => (&in_running_sum, table_term),
                    Some(group) => (group, None),
                };
                let mut candidate = open.clone();
                candidate.push(l);
                let fractions = candidate.len() + usize::from(term.is_some());
                let d = group_degree(term, &candidate);
                if d <= bound && fractions <= MAX_GROUP {
                    degree = degree.max(d);
                    match helpers.last_mut() {
                        None => in_running_sum.push(l),
                        Some(group) => group.push(l),
                    }
                } else {
                    // The lookup opens the next helper (alone even if it exceeds the bound, as
                    // a single helper did before batching).
                    degree = degree.max(group_degree(None, &[l]));
                    helpers.push(vec![l]);
                }
            }
            tables.push(TableGroups { table: t, in_running_sum, helpers });
        }
        Self { bound, degree, tables }
    }

    /// Committed logUp columns: per table `m`, `φ` and its helpers.
    pub fn committed_columns(&self) -> usize {
        self.tables.iter().map(|t| 2 + t.helpers.len()).sum()
    }

    /// Committed helper columns (all tables).
    pub fn helper_columns(&self) -> usize {
        self.tables.iter().map(|t| t.helpers.len()).sum()
    }

    /// Columns this plan costs a proof: logUp columns and quotient pieces.
    fn cost(&self) -> usize {
        self.committed_columns() + self.degree - 1
    }
}

#[cfg(test)]
mod tests {
    use ff::Field;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::arith::Fr;

    fn value(e: &Expression) -> Fr {
        e.evaluate(
            &|c| c,
            &|_| unreachable!("constants only"),
            &|_| unreachable!("constants only"),
            &|a| -a,
            &|a, b| a + b,
            &|a, b| a * b,
            &|a, c| a * c,
        )
    }

    #[test]
    fn the_constraint_vanishes_exactly_at_the_sum_of_the_fractions() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for size in 1..=5 {
            let fractions: Vec<Fraction> = (0..size)
                .map(|j| Fraction {
                    // The table's term (first, numerator −m) and lookups (numerator 1).
                    numerator: (j == 0).then(|| Expression::Constant(-Fr::random(&mut rng))),
                    denominator: Expression::Constant(Fr::random(&mut rng)),
                })
                .collect();
            let sum: Fr = fractions
                .iter()
                .map(|f| {
                    let n = f.numerator.as_ref().map_or(Fr::ONE, value);
                    n * value(&f.denominator).invert().unwrap()
                })
                .sum();
            let c = |v: Fr, active: Fr| {
                value(&fraction_sum_constraint(Expression::Constant(active), Expression::Constant(v), &fractions))
            };
            assert_eq!(c(sum, Fr::ONE), Fr::ZERO, "size {size}");
            assert_ne!(c(sum + Fr::ONE, Fr::ONE), Fr::ZERO, "size {size}");
            assert_eq!(c(sum + Fr::ONE, Fr::ZERO), Fr::ZERO, "inactive rows are free");
        }
    }

    #[test]
    fn the_degree_is_two_plus_the_denominators() {
        // l_active · (v · Π d − N): 1 + 1 + Σ deg d, whatever the numerators (m has degree 1).
        let (query, _) = stand_ins();
        for degrees in [vec![1], vec![1, 2], vec![3, 3], vec![2, 2, 2], vec![1, 1, 1, 1, 1]] {
            let lookups: Vec<Fraction> =
                degrees.iter().map(|&d| Fraction { numerator: None, denominator: of_degree(d) }).collect();
            let e = fraction_sum_constraint(query.clone(), query.clone(), &lookups);
            assert_eq!(e.degree(), 2 + degrees.iter().sum::<usize>(), "{degrees:?}");
            let mut with_table = vec![Fraction { numerator: Some(-query.clone()), denominator: of_degree(1) }];
            with_table.extend(lookups);
            let e = fraction_sum_constraint(query.clone(), query.clone(), &with_table);
            assert_eq!(e.degree(), 3 + degrees.iter().sum::<usize>(), "table and {degrees:?}");
        }
    }
}
