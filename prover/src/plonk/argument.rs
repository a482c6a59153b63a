//! The full constraint list the prover proves: the circuit's gates plus the permutation and logUp
//! arguments, all written as ordinary [`Expression`]s over an *extended* constraint system that
//! adds the argument's columns and challenges. The quotient, the Rust verifier and the Solidity
//! generator all evaluate this one list.
//!
//! Added fixed columns: one permutation column σ per equality-enabled column, the Lagrange
//! selectors `l_0`, `l_last` (the row after the usable rows), `l_active` (1 on usable rows), and
//! `x` (ω^i at row i). Added advice columns (committed after every circuit phase): per table that
//! some lookup reads a multiplicity `m`; then the logUp group helpers `Σ_j 1/(β + f_j)` (table by
//! table, in [`LogUpPlan`] order), per such table a running sum `φ`, and the permutation grand
//! products `z`. Added challenges: θ (tuple compression), β and γ.
//!
//! logUp constraints per table ([`crate::circuit::logup`] has the soundness argument): one per
//! helper `g` over its lookups `f_j`, `l_active · (g · Π_j (β + f_j) − Σ_j Π_{i≠j} (β + f_i))`;
//! the running-sum step, the same form over the table's own fraction `−m/(β + t)` and the lookups
//! the plan puts there, with `φ' − φ − Σ g` in place of `g`; and `φ` starting and ending at 0.

use ff::{Field, PrimeField};

use crate::arith::Fr;
use crate::circuit::logup::{Fraction, denominator, fraction_sum_constraint};
use crate::circuit::{AdviceColumn, Challenge, Column, ConstraintSystem, Expression, FixedColumn, LogUpPlan, Phase};

/// The circuit's constraint system extended with the argument columns.
#[derive(Debug, Clone)]
pub struct Extended {
    /// The extended system (the circuit's columns keep their indices).
    pub cs: ConstraintSystem,
    /// Number of the circuit's own fixed columns.
    pub circuit_fixed: usize,
    /// Number of the circuit's own advice columns.
    pub circuit_advice: usize,
    pub sigma: Vec<FixedColumn>,
    pub l0: FixedColumn,
    pub l_last: FixedColumn,
    pub l_active: FixedColumn,
    pub x: FixedColumn,
    /// Which lookups share helper columns; `logup.tables[i]` is the table of `multiplicity[i]`,
    /// `helpers[i]` and `running_sum[i]`.
    pub logup: LogUpPlan,
    /// Per table that some lookup reads.
    pub multiplicity: Vec<AdviceColumn>,
    /// Per table that some lookup reads, one per helper group of [`LogUpPlan`].
    pub helpers: Vec<Vec<AdviceColumn>>,
    /// Per table that some lookup reads.
    pub running_sum: Vec<AdviceColumn>,
    /// Per permutation chunk.
    pub z: Vec<AdviceColumn>,
    pub theta: Challenge,
    pub beta: Challenge,
    pub gamma: Challenge,
    /// Combines all constraints into one numerator.
    pub y: Challenge,
    /// The equality-enabled columns, in permutation order.
    pub equality: Vec<Column>,
    /// Columns per grand-product chunk.
    pub chunk: usize,
    /// Every constraint: `(name, expression)`; each must vanish on the whole domain.
    pub constraints: Vec<(String, Expression)>,
    /// Rotation from row 0 to the `l_last` row.
    pub last_rotation: i32,
    /// Whether proofs are zero-knowledge: random values in every prover-committed column's
    /// reserved rows and blinded quotient pieces (see [`super::zk`]). It changes no constraint,
    /// only the quotient's piece layout, so it is part of the shape the key's digest covers.
    pub zero_knowledge: bool,
    /// Most polynomials one commitment holds ([`super::proof`], "Packed commitments"); 1: every
    /// polynomial has its own commitment. Part of the shape the key's digest covers.
    pub packing: usize,
}

/// `δ^i`: the coset shift identifying equality column `i` in the permutation argument.
pub fn delta_power(i: usize) -> Fr {
    Fr::DELTA.pow_vartime([i as u64])
}

impl Extended {
    /// Extends `cs` (which must be valid), for proofs without zero-knowledge.
    pub fn new(cs: &ConstraintSystem) -> Self {
        Self::with_zero_knowledge(cs, false)
    }

    /// Extends `cs` (which must be valid), for zero-knowledge proofs when `zero_knowledge`.
    pub fn with_zero_knowledge(cs: &ConstraintSystem, zero_knowledge: bool) -> Self {
        let circuit_fixed = cs.num_fixed();
        let circuit_advice = cs.num_advice();
        let degree = cs.degree();
        let mut ext = cs.clone();
        let equality = cs.equality_columns();
        let sigma: Vec<FixedColumn> = (0..equality.len()).map(|i| ext.named_fixed(format!("sigma_{i}"))).collect();
        let l0 = ext.named_fixed("l_0");
        let l_last = ext.named_fixed("l_last");
        let l_active = ext.named_fixed("l_active");
        let x = ext.named_fixed("x");
        // The phase labels of the argument columns and challenges are internal: the prover
        // commits them in its own rounds after the circuit's three phases.
        let logup = LogUpPlan::new(cs);
        let table_name = |t: usize| &cs.tables()[t].name;
        let multiplicity: Vec<AdviceColumn> = logup
            .tables
            .iter()
            .map(|g| ext.named_advice(format!("m[{}]", table_name(g.table)), Phase::Third))
            .collect();
        let theta = ext.challenge_usable_after(Phase::Second);
        let beta = ext.challenge_usable_after(Phase::Second);
        let gamma = ext.challenge_usable_after(Phase::Second);
        let y = ext.challenge_usable_after(Phase::Second);
        let helpers: Vec<Vec<AdviceColumn>> = logup
            .tables
            .iter()
            .map(|g| {
                (0..g.helpers.len())
                    .map(|h| ext.named_advice(format!("Σ1/(β+f)[{} #{h}]", table_name(g.table)), Phase::Third))
                    .collect()
            })
            .collect();
        let running_sum: Vec<AdviceColumn> = logup
            .tables
            .iter()
            .map(|g| ext.named_advice(format!("φ[{}]", table_name(g.table)), Phase::Third))
            .collect();
        let chunk = degree - 2;
        let z: Vec<AdviceColumn> =
            (0..equality.len().div_ceil(chunk)).map(|j| ext.named_advice(format!("z_{j}"), Phase::Third)).collect();
        let last_rotation = -(cs.reserved_rows() as i32);

        let mut constraints: Vec<(String, Expression)> = Vec::new();
        for gate in cs.gates() {
            for c in &gate.constraints {
                constraints.push((format!("{}/{}", gate.name, c.name), c.expression.clone()));
            }
        }

        let active = l_active.cur();
        let one = Expression::one();
        let (theta_e, beta_e, gamma_e) = (theta.expr(), beta.expr(), gamma.expr());

        // logUp: per table, one constraint per helper group, the running-sum step (which holds
        // the table's fraction and the lookups the plan puts there) and its two ends.
        let lookup_fraction = |l: usize| Fraction {
            numerator: None,
            denominator: denominator(&cs.lookups()[l].inputs, &theta_e, &beta_e),
        };
        let names = |lookups: &[usize]| {
            lookups.iter().map(|&l| format!("`{}`", cs.lookups()[l].name)).collect::<Vec<_>>().join(", ")
        };
        for (i, groups) in logup.tables.iter().enumerate() {
            let table = &cs.tables()[groups.table];
            for (h, lookups) in groups.helpers.iter().enumerate() {
                let fractions: Vec<Fraction> = lookups.iter().map(|&l| lookup_fraction(l)).collect();
                constraints.push((
                    format!("table `{}` helper {h} = Σ 1/(β+f) over {}", table.name, names(lookups)),
                    fraction_sum_constraint(active.clone(), helpers[i][h].cur(), &fractions),
                ));
            }
            let phi = running_sum[i];
            let step = helpers[i].iter().fold(phi.next() - phi.cur(), |acc, g| acc - g.cur());
            let table_fraction = Fraction {
                numerator: Some(-multiplicity[i].cur()),
                denominator: denominator(&table.columns, &theta_e, &beta_e),
            };
            let fractions: Vec<Fraction> = std::iter::once(table_fraction)
                .chain(groups.in_running_sum.iter().map(|&l| lookup_fraction(l)))
                .collect();
            constraints.push((
                format!("table `{}` running sum step", table.name),
                fraction_sum_constraint(active.clone(), step, &fractions),
            ));
            constraints.push((format!("table `{}` running sum starts at 0", table.name), l0.cur() * phi.cur()));
            constraints.push((format!("table `{}` running sum ends at 0", table.name), l_last.cur() * phi.cur()));
        }
        debug_assert!(constraints.iter().all(|(_, e)| e.degree() <= logup.degree));

        // Permutation: grand products over chunks of the equality columns.
        let value = |c: Column| match c {
            Column::Fixed(f) => f.cur(),
            Column::Advice(a) => a.cur(),
            Column::Instance(i) => i.cur(),
        };
        for (j, columns) in equality.chunks(chunk.max(1)).enumerate() {
            let first = j * chunk;
            let mut left = z[j].next();
            let mut right = z[j].cur();
            for (offset, &c) in columns.iter().enumerate() {
                let i = first + offset;
                left = left * (value(c) + beta_e.clone() * sigma[i].cur() + gamma_e.clone());
                right = right * (value(c) + beta_e.clone() * (x.cur() * delta_power(i)) + gamma_e.clone());
            }
            constraints.push((format!("permutation chunk {j} step"), active.clone() * (left - right)));
            if j == 0 {
                constraints.push(("permutation starts at 1".into(), l0.cur() * (one.clone() - z[0].cur())));
            } else {
                constraints.push((
                    format!("permutation chunk {j} continues chunk {}", j - 1),
                    l0.cur() * (z[j].cur() - z[j - 1].rot(last_rotation)),
                ));
            }
        }
        if let Some(last) = z.last() {
            constraints.push(("permutation ends at 1".into(), l_last.cur() * (last.cur() - one.clone())));
        }

        Self {
            cs: ext,
            circuit_fixed,
            circuit_advice,
            sigma,
            l0,
            l_last,
            l_active,
            x,
            logup,
            multiplicity,
            helpers,
            running_sum,
            z,
            theta,
            beta,
            gamma,
            y,
            equality,
            chunk,
            constraints,
            last_rotation,
            zero_knowledge,
            packing: 1,
        }
    }

    /// The same system with commitments holding up to `packing` polynomials each (0 and 1 both
    /// mean one polynomial per commitment).
    pub fn with_packing(mut self, packing: usize) -> Self {
        self.packing = packing.max(1);
        self
    }

    /// `Σ y^(N−1−i) · constraint_i`: the numerator of the quotient.
    pub fn combined(&self) -> Expression {
        let exprs: Vec<Expression> = self.constraints.iter().map(|(_, e)| e.clone()).collect();
        Expression::rlc(&exprs, &self.y.expr())
    }

    /// Whether a fixed column is one the verifier computes itself (`l_0`, `l_last`, `l_active`,
    /// `x`) rather than opens from a commitment.
    pub fn is_computed_fixed(&self, column: FixedColumn) -> bool {
        [self.l0, self.l_last, self.l_active, self.x].contains(&column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_cosets_are_distinct() {
        // δ^i·H = δ^j·H for the largest domain (2^28) iff (δ^(i−j))^(2^28) = 1; δ must have
        // odd order far beyond any column count.
        let max_domain = 1u64 << Fr::S;
        for m in 1..256u64 {
            assert_ne!(Fr::DELTA.pow_vartime([m]).pow_vartime([max_domain]), Fr::ONE, "δ^{m}");
        }
        assert_ne!(delta_power(1), Fr::ONE);
        assert_eq!(delta_power(0), Fr::ONE);
    }
}
