//! Polynomial expressions over column queries, constants and challenges.

use std::ops::{Add, Mul, Neg, Sub};

use ff::Field;

use super::column::{Challenge, Column, Phase, Rotation};
use crate::arith::Fr;

/// A column read at a rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Query {
    pub column: Column,
    pub rotation: Rotation,
}

/// A polynomial expression evaluated row by row: gates constrain it to zero, lookups compare
/// tuples of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    /// A field constant.
    Constant(Fr),
    /// A column at a rotation.
    Query(Query),
    /// A verifier challenge.
    Challenge(Challenge),
    /// `-e`.
    Negated(Box<Expression>),
    /// `a + b`.
    Sum(Box<Expression>, Box<Expression>),
    /// `a * b`.
    Product(Box<Expression>, Box<Expression>),
    /// `e * c` for a constant `c`.
    Scaled(Box<Expression>, Fr),
}

impl Expression {
    /// A constant from anything convertible into `Fr` (integers included).
    pub fn constant(value: impl Into<Fr>) -> Self {
        Expression::Constant(value.into())
    }

    /// The constant zero.
    pub fn zero() -> Self {
        Expression::Constant(Fr::ZERO)
    }

    /// The constant one.
    pub fn one() -> Self {
        Expression::Constant(Fr::ONE)
    }

    /// Degree in the column queries (constants and challenges have degree 0).
    pub fn degree(&self) -> usize {
        match self {
            Expression::Constant(_) | Expression::Challenge(_) => 0,
            Expression::Query(_) => 1,
            Expression::Negated(e) | Expression::Scaled(e, _) => e.degree(),
            Expression::Sum(a, b) => a.degree().max(b.degree()),
            Expression::Product(a, b) => a.degree() + b.degree(),
        }
    }

    /// Calls `f` on every query, in expression order (repeats included).
    pub fn for_each_query(&self, f: &mut impl FnMut(&Query)) {
        match self {
            Expression::Constant(_) | Expression::Challenge(_) => {}
            Expression::Query(q) => f(q),
            Expression::Negated(e) | Expression::Scaled(e, _) => e.for_each_query(f),
            Expression::Sum(a, b) | Expression::Product(a, b) => {
                a.for_each_query(f);
                b.for_each_query(f);
            }
        }
    }

    /// Calls `f` on every challenge used.
    pub fn for_each_challenge(&self, f: &mut impl FnMut(Challenge)) {
        match self {
            Expression::Constant(_) | Expression::Query(_) => {}
            Expression::Challenge(c) => f(*c),
            Expression::Negated(e) | Expression::Scaled(e, _) => e.for_each_challenge(f),
            Expression::Sum(a, b) | Expression::Product(a, b) => {
                a.for_each_challenge(f);
                b.for_each_challenge(f);
            }
        }
    }

    /// The distinct queries, sorted.
    pub fn queries(&self) -> Vec<Query> {
        let mut out = Vec::new();
        self.for_each_query(&mut |q| out.push(*q));
        out.sort();
        out.dedup();
        out
    }

    /// The earliest phase after which every advice value and challenge this expression uses is
    /// known, i.e. the phase in which a column derived from it can be committed.
    pub fn phase(&self) -> Phase {
        let mut phase = Phase::First;
        self.for_each_query(&mut |q| {
            if let Column::Advice(a) = q.column {
                phase = phase.max(a.phase);
            }
        });
        self.for_each_challenge(&mut |c| {
            // A challenge drawn after phase p is first usable in phase p + 1.
            let usable = match c.phase {
                Phase::First => Phase::Second,
                Phase::Second | Phase::Third => Phase::Third,
            };
            phase = phase.max(usable);
        });
        phase
    }

    /// Evaluates with caller-supplied leaves.
    // One closure per node kind: a fold needs all seven.
    #[allow(clippy::too_many_arguments)]
    pub fn evaluate<T: Clone>(
        &self,
        constant: &impl Fn(Fr) -> T,
        query: &impl Fn(Query) -> T,
        challenge: &impl Fn(Challenge) -> T,
        negated: &impl Fn(T) -> T,
        sum: &impl Fn(T, T) -> T,
        product: &impl Fn(T, T) -> T,
        scaled: &impl Fn(T, Fr) -> T,
    ) -> T {
        let rec = |e: &Expression| e.evaluate(constant, query, challenge, negated, sum, product, scaled);
        match self {
            Expression::Constant(c) => constant(*c),
            Expression::Query(q) => query(*q),
            Expression::Challenge(c) => challenge(*c),
            Expression::Negated(e) => negated(rec(e)),
            Expression::Sum(a, b) => sum(rec(a), rec(b)),
            Expression::Product(a, b) => product(rec(a), rec(b)),
            Expression::Scaled(e, c) => scaled(rec(e), *c),
        }
    }

    /// `Σ exprs[i] · base^(len-1-i)` (Horner): a random linear combination of `exprs` under
    /// `base`, e.g. a challenge.
    pub fn rlc(exprs: &[Expression], base: &Expression) -> Expression {
        let mut iter = exprs.iter();
        let Some(first) = iter.next() else { return Expression::zero() };
        iter.fold(first.clone(), |acc, e| acc * base.clone() + e.clone())
    }

    /// `Π (self - v)` over the values `0..n`: zero exactly when `self ∈ {0, …, n-1}`.
    pub fn in_range(&self, n: u64) -> Expression {
        (0..n).fold(Expression::one(), |acc, v| acc * (self.clone() - Expression::constant(v)))
    }

    /// `self · (1 - self)`: zero exactly when `self` is 0 or 1.
    pub fn is_boolean(&self) -> Expression {
        self.clone() * (Expression::one() - self.clone())
    }
}

impl From<Fr> for Expression {
    fn from(value: Fr) -> Self {
        Expression::Constant(value)
    }
}

impl From<u64> for Expression {
    fn from(value: u64) -> Self {
        Expression::Constant(Fr::from(value))
    }
}

impl Neg for Expression {
    type Output = Expression;
    fn neg(self) -> Expression {
        Expression::Negated(Box::new(self))
    }
}

impl Add for Expression {
    type Output = Expression;
    fn add(self, rhs: Expression) -> Expression {
        Expression::Sum(Box::new(self), Box::new(rhs))
    }
}

impl Sub for Expression {
    type Output = Expression;
    fn sub(self, rhs: Expression) -> Expression {
        Expression::Sum(Box::new(self), Box::new(-rhs))
    }
}

impl Mul for Expression {
    type Output = Expression;
    fn mul(self, rhs: Expression) -> Expression {
        Expression::Product(Box::new(self), Box::new(rhs))
    }
}

impl Mul<Fr> for Expression {
    type Output = Expression;
    fn mul(self, rhs: Fr) -> Expression {
        Expression::Scaled(Box::new(self), rhs)
    }
}

macro_rules! ref_ops {
    ($trait:ident, $method:ident) => {
        impl $trait<&Expression> for &Expression {
            type Output = Expression;
            fn $method(self, rhs: &Expression) -> Expression {
                self.clone().$method(rhs.clone())
            }
        }
        impl $trait<&Expression> for Expression {
            type Output = Expression;
            fn $method(self, rhs: &Expression) -> Expression {
                self.$method(rhs.clone())
            }
        }
        impl $trait<Expression> for &Expression {
            type Output = Expression;
            fn $method(self, rhs: Expression) -> Expression {
                self.clone().$method(rhs)
            }
        }
    };
}

ref_ops!(Add, add);
ref_ops!(Sub, sub);
ref_ops!(Mul, mul);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::column::{AdviceColumn, FixedColumn};

    fn a() -> AdviceColumn {
        AdviceColumn { index: 0, phase: Phase::First }
    }

    #[test]
    fn degree_adds_in_products_and_maxes_in_sums() {
        let q = FixedColumn { index: 0 };
        let e = q.cur() * (a().cur() * a().next() - a().prev()) + Expression::constant(3u64);
        assert_eq!(e.degree(), 3);
        assert_eq!((a().cur() * Fr::from(5u64)).degree(), 1);
        assert_eq!(Expression::constant(7u64).degree(), 0);
    }

    #[test]
    fn phase_accounts_for_advice_and_challenges() {
        let c = Challenge { index: 0, phase: Phase::First };
        assert_eq!(a().cur().phase(), Phase::First);
        assert_eq!((a().cur() * c.expr()).phase(), Phase::Second);
        let b = AdviceColumn { index: 1, phase: Phase::Third };
        assert_eq!((a().cur() + b.cur()).phase(), Phase::Third);
    }

    #[test]
    fn queries_are_distinct_and_sorted() {
        let e = a().next() * a().cur() + a().cur();
        assert_eq!(e.queries().len(), 2);
    }
}
