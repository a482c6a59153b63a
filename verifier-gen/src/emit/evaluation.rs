//! The values at the challenge point: evaluation points, Lagrange and instance values (with one
//! batch inversion), and the quotient identity over the compiled constraints.

use std::collections::BTreeSet;

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{Column, Expression};
use rebuttal_prover::plonk::proof::Poly;

use super::{fail, helpers};
use crate::abi::RevertReason;
use crate::expr::{Dag, Id};
use crate::plan::{Plan, SCRATCH};
use crate::yul::{Code, addr, fr_hex};
use crate::{GenerateError, HelperContract, HelperRole, MAX_CODE_SIZE};

/// Values that must be inverted, batched into one `modexp`.
pub(super) struct Inversions {
    pub(super) items: Vec<(usize, String)>,
}

/// verify.rs: `x^n`, the points `ω^rot · x`, and the Lagrange denominators `ω^rot·x − ω^i`.
pub(super) fn evaluation_points(p: &mut Plan<'_>, c: &mut Code, inv: &mut Inversions) {
    c.line("");
    c.comment(format!("verify.rs: x^n with n = 2^{}.", p.vk.k()));
    c.open("");
    c.line(format!("let v := mload({})", addr(p.x)));
    c.line(format!("for {{ let i := 0 }} lt(i, {}) {{ i := add(i, 1) }} {{ v := mulmod(v, v, r) }}", p.vk.k()));
    c.line(format!("mstore({}, v)", addr(p.x_n)));
    c.close();
    c.comment("Evaluation points ω^rot · x, one per rotation used.");
    let points: Vec<(i32, usize)> = {
        let mut v: Vec<_> = p.point.iter().map(|(&r, &a)| (r, a)).collect();
        v.sort();
        v
    };
    for (rot, a) in points {
        if rot != 0 {
            let w = p.domain.rotate_omega(rot as i64);
            c.line(format!("mstore({}, mulmod(mload({}), {}, r)) // rotation {rot}", addr(a), addr(p.x), fr_hex(&w)));
        }
    }
    c.comment(
        "Denominators to invert: x (SHPLONK interpolation), ω^rot·x − ω^i (Lagrange values of l_0, l_last, l_active).",
    );
    let slot = p.mem.slot();
    c.line(format!("mstore({}, mload({}))", addr(slot), addr(p.x)));
    inv.items.push((slot, "x".into()));
    for (which, rots) in p.lagrange_rotations.clone().iter().enumerate() {
        for &rot in rots {
            for i in lagrange_rows(p, which) {
                // l_last's row is also l_active's first: one inversion serves both.
                if p.lagrange_inverse.contains_key(&(rot, i)) {
                    continue;
                }
                let slot = p.mem.slot();
                p.lagrange_inverse.insert((rot, i), slot);
                let w_i = p.domain.rotate_omega(i as i64);
                c.line(format!(
                    "mstore({}, addmod(mload({}), {}, r)) // ω^{rot}·x − ω^{i}",
                    addr(slot),
                    addr(p.point[&rot]),
                    fr_hex(&-w_i)
                ));
                inv.items.push((slot, format!("lagrange {which} row {i} rotation {rot}")));
            }
        }
    }
}

/// Rows whose Lagrange values a computed fixed column needs: `l_0` row 0, `l_last` the first
/// reserved row, `l_active` every reserved row.
fn lagrange_rows(p: &Plan<'_>, which: usize) -> Vec<usize> {
    match which {
        0 => vec![0],
        1 => vec![p.usable],
        _ => (p.usable..p.n).collect(),
    }
}

/// verify.rs `instance_at`: Σ v_i L_i(ω^rot·x), with L_i(z) = ω^i (x^n − 1)/(n (z − ω^i)), as one
/// fraction num/den per column and rotation (the common factor (x^n − 1)/n is applied later).
pub(super) fn instance_fractions(p: &mut Plan<'_>, c: &mut Code, inv: &mut Inversions) {
    let columns: Vec<(usize, BTreeSet<i32>)> = p.instance_rotations.iter().cloned().enumerate().collect();
    let omega = p.domain.omega();
    for (col, rots) in columns {
        for rot in rots {
            let num = p.mem.slot();
            let den = p.mem.slot();
            c.line("");
            c.comment(format!("Instance column {col} at rotation {rot}: Σ_i v_i·ω^i/(z − ω^i) as num/den."));
            c.open("");
            c.line(format!("let z := mload({})", addr(p.point[&rot])));
            c.line("let num := 0");
            c.line("let den := 1");
            c.line("let w := 1");
            let (ptr, len) = p.instance_ptr[col];
            c.line(format!("let at := mload({})", addr(ptr)));
            c.line(format!("let end := add(at, shl(5, mload({})))", addr(len)));
            c.open("for {} lt(at, end) { at := add(at, 0x20) }");
            c.line("let b := addmod(z, sub(r, w), r)");
            c.line("num := addmod(mulmod(num, b, r), mulmod(mulmod(calldataload(at), w, r), den, r), r)");
            c.line("den := mulmod(den, b, r)");
            c.line(format!("w := mulmod(w, {}, r)", fr_hex(&omega)));
            c.close();
            c.line(format!("mstore({}, num)", addr(num)));
            c.line(format!("mstore({}, den)", addr(den)));
            c.close();
            inv.items.push((den, format!("instance {col} rotation {rot}")));
            p.instance_num.push(((col, rot), num, den));
        }
    }
}

/// Montgomery batch inversion of every item with one `modexp` (precompile 0x05). A zero item
/// (only if a challenge hits the domain) reverts.
pub(super) fn batch_invert(p: &mut Plan<'_>, c: &mut Code, inv: &Inversions) {
    let k = inv.items.len();
    let prefix: Vec<usize> = (0..k).map(|i| if i == 0 { inv.items[0].0 } else { p.mem.slot() }).collect();
    let acc = p.mem.slot();
    c.line("");
    c.comment(format!("Batch inversion of {k} values (Montgomery's trick, one modexp)."));
    for i in 1..k {
        c.line(format!(
            "mstore({}, mulmod(mload({}), mload({}), r))",
            addr(prefix[i]),
            addr(prefix[i - 1]),
            addr(inv.items[i].0)
        ));
    }
    c.line(format!("if iszero(mload({})) {{ {} }}", addr(prefix[k - 1]), fail(RevertReason::ChallengeDegenerate)));
    c.line(format!("mstore({}, 0x20)", addr(SCRATCH)));
    c.line(format!("mstore({}, 0x20)", addr(SCRATCH + 0x20)));
    c.line(format!("mstore({}, 0x20)", addr(SCRATCH + 0x40)));
    c.line(format!("mstore({}, mload({}))", addr(SCRATCH + 0x60), addr(prefix[k - 1])));
    c.line(format!("mstore({}, sub(r, 2))", addr(SCRATCH + 0x80)));
    c.line(format!("mstore({}, r)", addr(SCRATCH + 0xa0)));
    c.line(format!(
        "if iszero(staticcall(gas(), 0x05, {}, 0xc0, {}, 0x20)) {{ {} }}",
        addr(SCRATCH),
        addr(acc),
        fail(RevertReason::PrecompileFailed)
    ));
    c.line(format!("if iszero(eq(returndatasize(), 0x20)) {{ {} }}", fail(RevertReason::PrecompileFailed)));
    for i in (1..k).rev() {
        let item = inv.items[i].0;
        c.open("");
        c.line(format!("let t := mload({})", addr(item)));
        c.line(format!("mstore({}, mulmod(mload({}), mload({}), r))", addr(item), addr(acc), addr(prefix[i - 1])));
        c.line(format!("mstore({}, mulmod(mload({}), t, r))", addr(acc), addr(acc)));
        c.close();
    }
    c.line(format!("mstore({}, mload({}))", addr(inv.items[0].0), addr(acc)));
    p.inverse_x = inv.items[0].0;
}

/// Builds a DAG leaf for each query of a constraint.
struct Leaves<'p, 'a> {
    p: &'p Plan<'a>,
    lagrange_numerator: Id,
}

impl Leaves<'_, '_> {
    fn lagrange(&self, d: &mut Dag, which: usize, rot: i32) -> Result<Vec<Id>, GenerateError> {
        lagrange_rows(self.p, which)
            .into_iter()
            .map(|i| {
                let slot = self.p.lagrange_inverse.get(&(rot, i)).ok_or_else(|| {
                    GenerateError::Inconsistent(format!("no Lagrange value of row {i} at rotation {rot}"))
                })?;
                let w_i = d.constant(self.p.domain.rotate_omega(i as i64));
                let inv = d.memory(*slot);
                let t = d.mul(w_i, self.lagrange_numerator);
                Ok(d.mul(t, inv))
            })
            .collect()
    }

    fn query(&self, d: &mut Dag, column: Column, rot: i32) -> Result<Id, GenerateError> {
        let p = self.p;
        let ext = p.ext;
        match column {
            Column::Fixed(f) if f == ext.l0 => Ok(self.lagrange(d, 0, rot)?[0]),
            Column::Fixed(f) if f == ext.l_last => Ok(self.lagrange(d, 1, rot)?[0]),
            Column::Fixed(f) if f == ext.l_active => {
                let terms = self.lagrange(d, 2, rot)?;
                let one = d.constant(Fr::ONE);
                Ok(terms.into_iter().fold(one, |acc, t| d.sub(acc, t)))
            }
            Column::Fixed(f) if f == ext.x => Ok(d.memory(p.point[&rot])),
            Column::Instance(i) => {
                let &(_, num, den) = p
                    .instance_num
                    .iter()
                    .find(|((col, r), _, _)| *col == i.index() && *r == rot)
                    .ok_or_else(|| GenerateError::Inconsistent(format!("instance {} at {rot}", i.index())))?;
                let (num, den) = (d.memory(num), d.memory(den));
                let t = d.mul(num, den);
                Ok(d.mul(t, self.lagrange_numerator))
            }
            Column::Fixed(f) => self.eval(d, Poly::Fixed(f.index()), rot),
            Column::Advice(a) => self.eval(d, Poly::Advice(a.index()), rot),
        }
    }

    fn eval(&self, d: &mut Dag, poly: Poly, rot: i32) -> Result<Id, GenerateError> {
        let cd = self
            .p
            .eval_cd
            .get(&(poly, rot))
            .ok_or_else(|| GenerateError::Inconsistent(format!("{poly:?} at rotation {rot} is not opened")))?;
        Ok(d.calldata(*cd))
    }

    fn expression(&self, d: &mut Dag, e: &Expression) -> Result<Id, GenerateError> {
        Ok(match e {
            Expression::Constant(c) => d.constant(*c),
            Expression::Query(q) => self.query(d, q.column, q.rotation.0)?,
            Expression::Challenge(ch) => {
                let slot =
                    self.p.challenge_slot.get(ch.index()).ok_or_else(|| {
                        GenerateError::Inconsistent(format!("challenge {} does not exist", ch.index()))
                    })?;
                d.memory(*slot)
            }
            Expression::Negated(a) => {
                let a = self.expression(d, a)?;
                d.neg(a)
            }
            Expression::Sum(a, b) => {
                let (a, b) = (self.expression(d, a)?, self.expression(d, b)?);
                d.add(a, b)
            }
            Expression::Product(a, b) => {
                let (a, b) = (self.expression(d, a)?, self.expression(d, b)?);
                d.mul(a, b)
            }
            Expression::Scaled(a, c) => {
                let a = self.expression(d, a)?;
                let c = d.constant(*c);
                d.mul(a, c)
            }
        })
    }
}

/// The Lagrange numerator `(x^n − 1)/n` and the vanishing value `x^n − 1` as DAG nodes.
fn vanishing(p: &Plan<'_>, d: &mut Dag) -> (Id, Id) {
    let x_n = d.memory(p.x_n);
    let one = d.constant(Fr::ONE);
    let vanishing = d.sub(x_n, one);
    let n_inv = d.constant(p.domain.n_inv());
    (vanishing, d.mul(vanishing, n_inv))
}

/// `h(x)·(x^n − 1)`, the right-hand side of the quotient identity.
fn quotient_times_vanishing(p: &Plan<'_>, d: &mut Dag, leaves: &Leaves<'_, '_>) -> Result<Id, GenerateError> {
    let (vanishing, _) = vanishing(p, d);
    let x_n = d.memory(p.x_n);
    let one = d.constant(Fr::ONE);
    // The pieces' stride is n, or n − 2 with zero-knowledge: x^(n−2) = x^n · (1/x)².
    let x_stride = match p.shape.quotient_stride(p.n) {
        s if s == p.n => x_n,
        s if s + 2 == p.n => {
            let inv_x = d.memory(p.inverse_x);
            let t = d.mul(x_n, inv_x);
            d.mul(t, inv_x)
        }
        s => return Err(GenerateError::Inconsistent(format!("unexpected quotient stride {s} for n = {}", p.n))),
    };
    let mut h = d.constant(Fr::ZERO);
    let mut x_si = one;
    for i in 0..p.shape.quotient_pieces {
        let q = leaves.eval(d, Poly::Quotient(i), 0)?;
        let t = d.mul(q, x_si);
        h = d.add(h, t);
        x_si = d.mul(x_si, x_stride);
    }
    Ok(d.mul(h, vanishing))
}

fn identity_comment(p: &Plan<'_>, c: &mut Code) {
    c.line("");
    c.comment(format!(
        "verify.rs: the {} constraints (gates, logUp, permutation; argument.rs) at x, folded by y,",
        p.ext.constraints.len()
    ));
    c.comment(if p.shape.zero_knowledge {
        "must equal h(x)·(x^n − 1) with h(x) = Σ_i h_i(x)·x^((n−2)·i) (zero-knowledge pieces)."
    } else {
        "must equal h(x)·(x^n − 1) with h(x) = Σ_i h_i(x)·x^(n·i)."
    });
}

/// verify.rs: the combined constraint `Σ y^(N−1−i)·c_i` at x equals `h(x)·(x^n − 1)`.
pub(super) fn quotient_identity(p: &mut Plan<'_>, c: &mut Code) -> Result<(), GenerateError> {
    let lhs_slot = p.mem.slot();
    let rhs_slot = p.mem.slot();
    let mut d = Dag::new();
    let (_, lagrange_numerator) = vanishing(p, &mut d);
    let leaves = Leaves { p, lagrange_numerator };
    let y = d.memory(p.challenge_slot[p.ext.y.index()]);
    let mut acc: Option<Id> = None;
    for (_, e) in &p.ext.constraints {
        let v = leaves.expression(&mut d, e)?;
        acc = Some(match acc {
            None => v,
            Some(a) => {
                let t = d.mul(a, y);
                d.add(t, v)
            }
        });
    }
    let combined = acc.unwrap_or_else(|| d.constant(Fr::ZERO));
    let rhs = quotient_times_vanishing(p, &mut d, &leaves)?;
    identity_comment(p, c);
    let temps = p.mem.end();
    let used = d.emit(&[(combined, lhs_slot), (rhs, rhs_slot)], temps, c);
    p.reserve(temps, used);
    c.line(format!(
        "if iszero(eq(mod(mload({}), r), mod(mload({}), r))) {{ {} }}",
        addr(lhs_slot),
        addr(rhs_slot),
        fail(RevertReason::ConstraintsNotSatisfied)
    ));
    Ok(())
}

/// A constraint helper's largest code: EIP-170's limit (its size is exact, it is assembled here).
const HELPER_BUDGET: usize = MAX_CODE_SIZE;

/// The quotient identity with the constraints evaluated by helper contracts: each continues the
/// Horner fold `acc·y + c_i` over a contiguous range of the constraint list from this contract's
/// memory image (with the proof's evaluations copied after it), one `staticcall` each.
pub(super) fn quotient_identity_in_helpers(
    p: &mut Plan<'_>,
    c: &mut Code,
    helpers: &mut Vec<HelperContract>,
) -> Result<(), GenerateError> {
    let acc_slot = p.mem.slot();
    let rhs_slot = p.mem.slot();
    let y_slot = p.challenge_slot[p.ext.y.index()];
    // The right-hand side here.
    let mut d = Dag::new();
    let (_, lagrange_numerator) = vanishing(p, &mut d);
    let leaves = Leaves { p, lagrange_numerator };
    let rhs = quotient_times_vanishing(p, &mut d, &leaves)?;
    identity_comment(p, c);
    let temps = p.mem.end();
    let used = d.emit(&[(rhs, rhs_slot)], temps, c);
    p.reserve(temps, used);
    // The helpers read everything below `evals_at` as this contract's memory and the proof's
    // evaluations from `evals_at` on.
    let evals_at = p.mem.end();
    let evals_len = p.w_cd - p.evals_cd;
    let fold = |range: std::ops::Range<usize>| -> Result<Vec<u8>, GenerateError> {
        let mut d = Dag::new();
        let (_, lagrange_numerator) = vanishing(p, &mut d);
        let leaves = Leaves { p, lagrange_numerator };
        let y = d.memory(y_slot);
        let mut acc = d.memory(acc_slot);
        for (_, e) in &p.ext.constraints[range] {
            let v = leaves.expression(&mut d, e)?;
            let t = d.mul(acc, y);
            acc = d.add(t, v);
        }
        helpers::dag_code(&d, acc, p.evals_cd, evals_at)
    };
    // Each helper takes the longest range from where the previous one ended whose code fits:
    // galloping, then bisection, on the assembled size (shared subexpressions make a range's
    // code smaller than the sum of its constraints' alone).
    let count = p.ext.constraints.len();
    let mut codes: Vec<(std::ops::Range<usize>, Vec<u8>)> = Vec::new();
    let mut start = 0;
    while start < count {
        let first = fold(start..start + 1)?;
        if first.len() > HELPER_BUDGET {
            return Err(GenerateError::Unsupported(format!(
                "constraint {start} alone compiles to {} bytes, over EIP-170's {MAX_CODE_SIZE}",
                first.len()
            )));
        }
        let (mut fits, mut fits_code) = (1usize, first);
        let mut over = None;
        let mut len = 2usize;
        while over.is_none() && fits < count - start {
            let try_len = len.min(count - start);
            let code = fold(start..start + try_len)?;
            if code.len() <= HELPER_BUDGET {
                (fits, fits_code) = (try_len, code);
                len *= 2;
            } else {
                over = Some(try_len);
            }
        }
        if let Some(mut over) = over {
            while over - fits > 1 {
                let mid = fits + (over - fits) / 2;
                let code = fold(start..start + mid)?;
                if code.len() <= HELPER_BUDGET {
                    (fits, fits_code) = (mid, code);
                } else {
                    over = mid;
                }
            }
        }
        codes.push((start..start + fits, fits_code));
        start += fits;
    }
    c.comment(format!(
        "The constraints run in {} helper contract(s): each gets this contract's memory up to {} with the",
        codes.len(),
        addr(evals_at)
    ));
    c.comment(format!(
        "proof's {} evaluations copied after it, and continues the fold acc·y + c_i at {} over its range.",
        evals_len / 32,
        addr(acc_slot)
    ));
    c.line(format!("calldatacopy({}, {}, {})", addr(evals_at), addr(p.evals_cd), addr(evals_len)));
    c.line(format!("mstore({}, 0)", addr(acc_slot)));
    for (range, code) in codes {
        let index = helpers.len();
        let address = p.helper_address(index)?;
        c.comment(format!("constraints {}..{}", range.start, range.end));
        c.line(format!(
            "if iszero(staticcall(gas(), {address}, 0x00, {}, {}, 0x20)) {{ {} }}",
            addr(evals_at + evals_len),
            addr(acc_slot),
            fail(RevertReason::PrecompileFailed)
        ));
        c.line(format!("if iszero(eq(returndatasize(), 0x20)) {{ {} }}", fail(RevertReason::PrecompileFailed)));
        let role = HelperRole::Constraints { first: range.start, count: range.len() };
        helpers.push(helpers::contract(index, role, code)?);
    }
    c.line(format!(
        "if iszero(eq(mod(mload({}), r), mod(mload({}), r))) {{ {} }}",
        addr(acc_slot),
        addr(rhs_slot),
        fail(RevertReason::ConstraintsNotSatisfied)
    ));
    Ok(())
}
