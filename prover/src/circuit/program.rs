//! Expressions compiled to a flat, deduplicated list of operations.
//!
//! Walking an expression tree per row costs a pointer chase per node and recomputes shared
//! sub-expressions; a [`Program`] evaluates many expressions at once in one pass over an array
//! of slots, with each distinct query loaded once and each common sub-expression computed once.

use std::collections::HashMap;

use ff::Field;

use super::expression::{Expression, Query};
use crate::arith::Fr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    Load(u32),
    Const(Fr),
    Challenge(u32),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
    Scale(u32, Fr),
}

/// Several expressions compiled together.
#[derive(Debug, Clone, Default)]
pub struct Program {
    ops: Vec<Op>,
    queries: Vec<Query>,
    outputs: Vec<u32>,
}

struct Builder {
    ops: Vec<Op>,
    seen: HashMap<Op, u32>,
    queries: Vec<Query>,
    query_index: HashMap<Query, u32>,
}

impl Builder {
    fn push(&mut self, op: Op) -> u32 {
        if let Some(&slot) = self.seen.get(&op) {
            return slot;
        }
        let slot = self.ops.len() as u32;
        self.ops.push(op);
        self.seen.insert(op, slot);
        slot
    }

    fn compile(&mut self, e: &Expression) -> u32 {
        match e {
            Expression::Constant(c) => self.push(Op::Const(*c)),
            Expression::Query(q) => {
                let next = self.queries.len() as u32;
                let index = *self.query_index.entry(*q).or_insert(next);
                if index == next {
                    self.queries.push(*q);
                }
                self.push(Op::Load(index))
            }
            Expression::Challenge(c) => self.push(Op::Challenge(c.index() as u32)),
            Expression::Negated(inner) => {
                let a = self.compile(inner);
                self.push(Op::Neg(a))
            }
            Expression::Sum(a, b) => {
                if let Expression::Negated(b) = b.as_ref() {
                    let (a, b) = (self.compile(a), self.compile(b));
                    return self.push(Op::Sub(a, b));
                }
                let (a, b) = (self.compile(a), self.compile(b));
                self.push(Op::Add(a.min(b), a.max(b)))
            }
            Expression::Product(a, b) => {
                let (a, b) = (self.compile(a), self.compile(b));
                self.push(Op::Mul(a.min(b), a.max(b)))
            }
            Expression::Scaled(inner, c) => {
                let a = self.compile(inner);
                self.push(Op::Scale(a, *c))
            }
        }
    }
}

impl Program {
    /// Compiles `exprs`; output `i` of an evaluation is the value of `exprs[i]`.
    pub fn compile<'e>(exprs: impl IntoIterator<Item = &'e Expression>) -> Self {
        let mut b = Builder { ops: Vec::new(), seen: HashMap::new(), queries: Vec::new(), query_index: HashMap::new() };
        let outputs = exprs.into_iter().map(|e| b.compile(e)).collect();
        Program { ops: b.ops, queries: b.queries, outputs }
    }

    /// The distinct queries the program loads, in load order.
    pub fn queries(&self) -> &[Query] {
        &self.queries
    }

    /// Number of expressions compiled.
    pub fn num_outputs(&self) -> usize {
        self.outputs.len()
    }

    /// Number of operations after deduplication.
    pub fn num_ops(&self) -> usize {
        self.ops.len()
    }

    /// Evaluates every expression. `load(i)` returns the value of `queries()[i]`;
    /// `challenges[j]` is challenge `j`. Results go to `out` (resized to `num_outputs()`);
    /// `scratch` is reused between calls to avoid allocation.
    pub fn evaluate(&self, load: impl Fn(usize) -> Fr, challenges: &[Fr], scratch: &mut Vec<Fr>, out: &mut Vec<Fr>) {
        scratch.clear();
        scratch.reserve(self.ops.len());
        for op in &self.ops {
            let v = match *op {
                Op::Load(q) => load(q as usize),
                Op::Const(c) => c,
                Op::Challenge(c) => challenges.get(c as usize).copied().unwrap_or(Fr::ZERO),
                Op::Add(a, b) => scratch[a as usize] + scratch[b as usize],
                Op::Sub(a, b) => scratch[a as usize] - scratch[b as usize],
                Op::Mul(a, b) => scratch[a as usize] * scratch[b as usize],
                Op::Neg(a) => -scratch[a as usize],
                Op::Scale(a, c) => scratch[a as usize] * c,
            };
            scratch.push(v);
        }
        out.clear();
        out.extend(self.outputs.iter().map(|&s| scratch[s as usize]));
    }

    /// Evaluates every expression on a block of `len` consecutive rows at once: each operation
    /// runs over the whole block, which amortises the dispatch per operation. `load(i, dst)`
    /// fills `dst` (of length `len`) with query `i`'s values on the block's rows. Afterwards
    /// [`Program::block_output`] returns each expression's `len` values.
    pub fn evaluate_block(
        &self,
        len: usize,
        mut load: impl FnMut(usize, &mut [Fr]),
        challenges: &[Fr],
        scratch: &mut Vec<Fr>,
    ) {
        scratch.clear();
        scratch.resize(self.ops.len() * len, Fr::ZERO);
        for (i, op) in self.ops.iter().enumerate() {
            let (done, rest) = scratch.split_at_mut(i * len);
            let dst = &mut rest[..len];
            let slot = |s: u32| &done[s as usize * len..(s as usize + 1) * len];
            match *op {
                Op::Load(q) => load(q as usize, dst),
                Op::Const(c) => dst.fill(c),
                Op::Challenge(c) => dst.fill(challenges.get(c as usize).copied().unwrap_or(Fr::ZERO)),
                Op::Add(a, b) => dst.iter_mut().zip(slot(a).iter().zip(slot(b))).for_each(|(d, (x, y))| *d = *x + y),
                Op::Sub(a, b) => dst.iter_mut().zip(slot(a).iter().zip(slot(b))).for_each(|(d, (x, y))| *d = *x - y),
                Op::Mul(a, b) => dst.iter_mut().zip(slot(a).iter().zip(slot(b))).for_each(|(d, (x, y))| *d = *x * y),
                Op::Neg(a) => dst.iter_mut().zip(slot(a)).for_each(|(d, x)| *d = -*x),
                Op::Scale(a, c) => dst.iter_mut().zip(slot(a)).for_each(|(d, x)| *d = *x * c),
            }
        }
    }

    /// Output `i`'s values after [`Program::evaluate_block`] over `len` rows with `scratch`.
    pub fn block_output<'s>(&self, scratch: &'s [Fr], i: usize, len: usize) -> &'s [Fr] {
        let slot = self.outputs[i] as usize;
        &scratch[slot * len..(slot + 1) * len]
    }

    /// Whether every output is zero, stopping at the first that is not; returns its index.
    pub fn first_nonzero(
        &self,
        load: impl Fn(usize) -> Fr,
        challenges: &[Fr],
        scratch: &mut Vec<Fr>,
        out: &mut Vec<Fr>,
    ) -> Option<usize> {
        self.evaluate(load, challenges, scratch, out);
        out.iter().position(|v| !bool::from(v.is_zero()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::column::{AdviceColumn, Phase};

    #[test]
    fn program_matches_tree_evaluation_and_deduplicates() {
        let a = AdviceColumn { index: 0, phase: Phase::First };
        let b = AdviceColumn { index: 1, phase: Phase::First };
        let shared = a.cur() * b.next();
        let e1 = shared.clone() + Expression::constant(3u64);
        let e2 = shared.clone() - a.cur() * Fr::from(2u64);
        let p = Program::compile([&e1, &e2]);
        assert_eq!(p.queries().len(), 2);
        // a·b' computed once: load a, load b', mul, const 3, add, scale, sub = 7 ops.
        assert_eq!(p.num_ops(), 7);
        let values = |q: &Query| if q.column == a.into() { Fr::from(5u64) } else { Fr::from(7u64) };
        let mut scratch = Vec::new();
        let mut out = Vec::new();
        p.evaluate(|i| values(&p.queries()[i]), &[], &mut scratch, &mut out);
        assert_eq!(out, vec![Fr::from(38u64), Fr::from(25u64)]);

        // Block evaluation over rows where a = row and b' = row + 1 agrees with row-by-row.
        let len = 5;
        p.evaluate_block(
            len,
            |i, dst| {
                let shift = if p.queries()[i].column == a.into() { 0 } else { 1 };
                dst.iter_mut().enumerate().for_each(|(r, d)| *d = Fr::from((r + shift) as u64));
            },
            &[],
            &mut scratch,
        );
        for r in 0..len as u64 {
            let (x, y) = (Fr::from(r), Fr::from(r + 1));
            assert_eq!(p.block_output(&scratch, 0, len)[r as usize], x * y + Fr::from(3u64));
            assert_eq!(p.block_output(&scratch, 1, len)[r as usize], x * y - x * Fr::from(2u64));
        }
    }
}
