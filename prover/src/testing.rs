//! Small circuits that exercise every feature of the constraint system: rotations, copy
//! constraints into instance columns, fixed and advice (dynamic) lookup tables, and three advice
//! phases with challenges, lookups batched into shared logUp helpers. The MockProver, prover,
//! verifier and verifier-generator tests all use them. Each takes its witness as plain values, so tests can build invalid ones.

use ff::Field;

use crate::arith::Fr;
use crate::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, Challenge, ChallengeValues, Circuit, ConstraintSystem,
    FixedAssignment, FixedColumn, InstanceColumn, Phase, TableId,
};

fn fr(v: u64) -> Fr {
    Fr::from(v)
}

/// `a[i+1] = a[i] + a[i-1]` (one gate reading rotations −1, 0, +1), with the first two values and
/// the last one tied to an instance column by copy constraints.
#[derive(Debug, Clone)]
pub struct Fibonacci {
    /// The first two terms.
    pub start: (u64, u64),
    /// Number of gate applications; the sequence has `steps + 2` terms.
    pub steps: usize,
    /// The public claim `[a0, a1, last]`; `None` claims the true values.
    pub claim: Option<[Fr; 3]>,
}

/// Columns of [`Fibonacci`].
#[derive(Debug, Clone)]
pub struct FibonacciConfig {
    pub q: FixedColumn,
    pub a: AdviceColumn,
    pub public: InstanceColumn,
}

impl Fibonacci {
    /// The sequence's terms.
    pub fn terms(&self) -> Vec<Fr> {
        let mut t = vec![fr(self.start.0), fr(self.start.1)];
        for i in 1..=self.steps {
            t.push(t[i] + t[i - 1]);
        }
        t
    }
}

impl Circuit for Fibonacci {
    type Config = FibonacciConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> FibonacciConfig {
        let q = cs.named_fixed("q_fib");
        let a = cs.named_advice("a", Phase::First);
        let public = cs.named_instance("public");
        cs.enable_equality(a);
        cs.enable_equality(public);
        cs.create_gate("fibonacci", [("next = cur + prev", q.cur() * (a.prev() + a.cur() - a.next()))]);
        FibonacciConfig { q, a, public }
    }

    fn assign_fixed(&self, c: &FibonacciConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for row in 1..=self.steps {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        fixed.copy(c.a.cell(0), c.public.cell(0))?;
        fixed.copy(c.a.cell(1), c.public.cell(1))?;
        fixed.copy(c.a.cell(self.steps + 1), c.public.cell(2))
    }

    fn assign_advice(
        &self,
        c: &FibonacciConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase == Phase::First {
            let terms = self.terms();
            let column = advice.column_mut(c.a)?;
            if terms.len() > column.len() {
                return Err(AssignError::Circuit(format!("{} terms do not fit in {} rows", terms.len(), column.len())));
            }
            column[..terms.len()].copy_from_slice(&terms);
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        let t = self.terms();
        vec![self.claim.map(Vec::from).unwrap_or_else(|| vec![t[0], t[1], t[self.steps + 1]])]
    }
}

/// Declares a fixed table of the bytes 0..=255 and returns it with its column.
pub fn byte_table(cs: &mut ConstraintSystem) -> (FixedColumn, TableId) {
    let bytes = cs.named_fixed("byte_table");
    let table = cs.lookup_table("bytes", vec![bytes.cur()]);
    (bytes, table)
}

/// Fills the byte table's column.
pub fn assign_byte_table(fixed: &mut FixedAssignment<'_>, column: FixedColumn) -> Result<(), AssignError> {
    let rows = fixed.column_mut(column)?;
    if rows.len() < 256 {
        return Err(AssignError::Circuit(format!("the byte table needs 256 rows, {} are usable", rows.len())));
    }
    for (v, slot) in rows.iter_mut().take(256).enumerate() {
        *slot = fr(v as u64);
    }
    Ok(())
}

/// Every value is a byte: a lookup of `q · v` into a fixed table of 0..=255 (needs k ≥ 9).
#[derive(Debug, Clone)]
pub struct RangeCheck {
    pub values: Vec<u64>,
}

/// Columns of [`RangeCheck`].
#[derive(Debug, Clone)]
pub struct RangeCheckConfig {
    pub q: FixedColumn,
    pub v: AdviceColumn,
    pub bytes: FixedColumn,
}

impl Circuit for RangeCheck {
    type Config = RangeCheckConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> RangeCheckConfig {
        let q = cs.named_fixed("q_range");
        let v = cs.named_advice("v", Phase::First);
        let (bytes, table) = byte_table(cs);
        cs.lookup("v is a byte", vec![q.cur() * v.cur()], table);
        RangeCheckConfig { q, v, bytes }
    }

    fn assign_fixed(&self, c: &RangeCheckConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        assign_byte_table(fixed, c.bytes)?;
        for row in 0..self.values.len() {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &RangeCheckConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase == Phase::First {
            let values: Vec<Fr> = self.values.iter().map(|&v| fr(v)).collect();
            advice.assign_rows(0, &[c.v], &values)?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// Reads from a memory whose contents are public: the memory is an advice (dynamic) table
/// `(addr, value)`, copy-constrained to two instance columns, and each read `(addr, value)` is
/// looked up in it.
#[derive(Debug, Clone)]
pub struct Memory {
    /// The memory: `(address, value)` rows, public.
    pub memory: Vec<(u64, u64)>,
    /// The reads: `(address, value)` pairs claimed by the prover.
    pub reads: Vec<(u64, u64)>,
}

/// Columns of [`Memory`].
#[derive(Debug, Clone)]
pub struct MemoryConfig {
    pub q_read: FixedColumn,
    pub mem_addr: AdviceColumn,
    pub mem_value: AdviceColumn,
    pub read_addr: AdviceColumn,
    pub read_value: AdviceColumn,
    pub public_addr: InstanceColumn,
    pub public_value: InstanceColumn,
}

impl Circuit for Memory {
    type Config = MemoryConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> MemoryConfig {
        let c = MemoryConfig {
            q_read: cs.named_fixed("q_read"),
            mem_addr: cs.named_advice("mem_addr", Phase::First),
            mem_value: cs.named_advice("mem_value", Phase::First),
            read_addr: cs.named_advice("read_addr", Phase::First),
            read_value: cs.named_advice("read_value", Phase::First),
            public_addr: cs.named_instance("public_addr"),
            public_value: cs.named_instance("public_value"),
        };
        for col in [c.mem_addr, c.mem_value] {
            cs.enable_equality(col);
        }
        cs.enable_equality(c.public_addr);
        cs.enable_equality(c.public_value);
        let table = cs.lookup_table("memory", vec![c.mem_addr.cur(), c.mem_value.cur()]);
        let q = c.q_read.cur();
        cs.lookup("memory read", vec![q.clone() * c.read_addr.cur(), q * c.read_value.cur()], table);
        c
    }

    fn assign_fixed(&self, c: &MemoryConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for row in 0..self.reads.len() {
            fixed.set(c.q_read, row, Fr::ONE)?;
        }
        for row in 0..self.memory.len() {
            fixed.copy(c.mem_addr.cell(row), c.public_addr.cell(row))?;
            fixed.copy(c.mem_value.cell(row), c.public_value.cell(row))?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &MemoryConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase != Phase::First {
            return Ok(());
        }
        let flat = |pairs: &[(u64, u64)]| pairs.iter().flat_map(|&(a, v)| [fr(a), fr(v)]).collect::<Vec<_>>();
        advice.assign_rows(0, &[c.mem_addr, c.mem_value], &flat(&self.memory))?;
        advice.assign_rows(0, &[c.read_addr, c.read_value], &flat(&self.reads))
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        vec![self.memory.iter().map(|&(a, _)| fr(a)).collect(), self.memory.iter().map(|&(_, v)| fr(v)).collect()]
    }
}

/// Three phases: bytes (phase 0, range-checked by a fixed lookup), their running random linear
/// combination under a challenge drawn after phase 0 (phase 1), and that accumulator scaled by a
/// challenge drawn after phase 1 (phase 2).
#[derive(Debug, Clone)]
pub struct Rlc {
    pub bytes: Vec<u8>,
}

/// Columns and challenges of [`Rlc`].
#[derive(Debug, Clone)]
pub struct RlcConfig {
    pub q_first: FixedColumn,
    pub q_next: FixedColumn,
    pub bytes_table: FixedColumn,
    pub byte: AdviceColumn,
    pub acc: AdviceColumn,
    pub scaled: AdviceColumn,
    pub r: Challenge,
    pub s: Challenge,
}

impl Circuit for Rlc {
    type Config = RlcConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> RlcConfig {
        let q_first = cs.named_fixed("q_first");
        let q_next = cs.named_fixed("q_next");
        let byte = cs.named_advice("byte", Phase::First);
        let r = cs.challenge_usable_after(Phase::First);
        let acc = cs.named_advice("acc", Phase::Second);
        let s = cs.challenge_usable_after(Phase::Second);
        let scaled = cs.named_advice("scaled", Phase::Third);
        let (bytes_table, table) = byte_table(cs);
        let q_any = q_first.cur() + q_next.cur();
        cs.create_gate("rlc start", [("acc = byte", q_first.cur() * (acc.cur() - byte.cur()))]);
        cs.create_gate(
            "rlc step",
            [("acc = prev · r + byte", q_next.cur() * (acc.cur() - (acc.prev() * r.expr() + byte.cur())))],
        );
        cs.create_gate("scale", [("scaled = acc · s", q_any.clone() * (scaled.cur() - acc.cur() * s.expr()))]);
        cs.lookup("byte range", vec![q_any * byte.cur()], table);
        RlcConfig { q_first, q_next, bytes_table, byte, acc, scaled, r, s }
    }

    fn assign_fixed(&self, c: &RlcConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        assign_byte_table(fixed, c.bytes_table)?;
        if !self.bytes.is_empty() {
            fixed.set(c.q_first, 0, Fr::ONE)?;
        }
        for row in 1..self.bytes.len() {
            fixed.set(c.q_next, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &RlcConfig,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        let bytes: Vec<Fr> = self.bytes.iter().map(|&b| fr(b as u64)).collect();
        match phase {
            Phase::First => advice.assign_rows(0, &[c.byte], &bytes),
            Phase::Second => {
                let r = challenges.get(c.r)?;
                let mut acc = Fr::ZERO;
                let values: Vec<Fr> = bytes
                    .iter()
                    .map(|b| {
                        acc = acc * r + b;
                        acc
                    })
                    .collect();
                advice.assign_rows(0, &[c.acc], &values)
            }
            Phase::Third => {
                let s = challenges.get(c.s)?;
                let acc: Vec<Fr> = advice.column(c.acc)?[..bytes.len()].to_vec();
                let scaled: Vec<Fr> = acc.iter().map(|a| *a * s).collect();
                advice.assign_rows(0, &[c.scaled], &scaled)
            }
        }
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// Lookups of several degrees into one fixed byte table, for logUp batching: lookup `i` reads
/// advice column `v_i` as `v_i` (degree 1), `q · v_i` (degree 2) or `q · q · v_i` (degree 3),
/// with `q` a fixed selector on the rows `0..rows`. A degree-5 gate on its own column `w`
/// (`q · w · (w − 1) · (w − 2) · (w − 3)`: `w` is below 4) sets the constraint system's degree
/// to 5. A second table (over the same column) that no lookup reads must cost nothing.
#[derive(Debug, Clone)]
pub struct LookupBatches {
    /// The degree (1, 2 or 3) of each lookup's input, in declaration order.
    pub degrees: Vec<usize>,
    /// Rows `0..rows` are selected; every column holds `values(i, row)` there and 0 elsewhere.
    pub rows: usize,
    /// Cells overwritten after honest assignment: `(lookup, row, value)`.
    pub overrides: Vec<(usize, usize, u64)>,
}

/// Columns of [`LookupBatches`].
#[derive(Debug, Clone)]
pub struct LookupBatchesConfig {
    pub q: FixedColumn,
    pub bytes: FixedColumn,
    pub v: Vec<AdviceColumn>,
    pub w: AdviceColumn,
}

impl LookupBatches {
    /// The lookups with `degrees`, on 40 rows, honest.
    pub fn new(degrees: Vec<usize>) -> Self {
        Self { degrees, rows: 40, overrides: Vec::new() }
    }

    /// The honest value of lookup `i`'s column at `row` (a byte).
    pub fn value(&self, i: usize, row: usize) -> u64 {
        ((row * 37 + i * 11) % 256) as u64
    }

    /// The name of lookup `i`.
    pub fn lookup_name(i: usize) -> String {
        format!("v[{i}] is a byte")
    }
}

impl Circuit for LookupBatches {
    type Config = LookupBatchesConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> LookupBatchesConfig {
        let q = cs.named_fixed("q");
        let (bytes, table) = byte_table(cs);
        cs.lookup_table("bytes, unused", vec![bytes.cur()]);
        let v: Vec<AdviceColumn> =
            (0..self.degrees.len()).map(|i| cs.named_advice(format!("v[{i}]"), Phase::First)).collect();
        for (i, (&column, &degree)) in v.iter().zip(&self.degrees).enumerate() {
            let input = (1..degree).fold(column.cur(), |e, _| q.cur() * e);
            cs.lookup(Self::lookup_name(i), vec![input], table);
        }
        let w = cs.named_advice("w", Phase::First);
        let below_4 = (0..4u64).fold(q.cur(), |e, k| e * (w.cur() - crate::circuit::Expression::constant(k)));
        cs.create_gate("w below 4", [("w ∈ {0, 1, 2, 3}", below_4)]);
        LookupBatchesConfig { q, bytes, v, w }
    }

    fn assign_fixed(&self, c: &LookupBatchesConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        assign_byte_table(fixed, c.bytes)?;
        for row in 0..self.rows {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &LookupBatchesConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase != Phase::First {
            return Ok(());
        }
        for row in 0..self.rows {
            advice.set(c.w, row, fr((row % 4) as u64))?;
            for (i, &column) in c.v.iter().enumerate() {
                advice.set(column, row, fr(self.value(i, row)))?;
            }
        }
        for &(i, row, value) in &self.overrides {
            let column = *c.v.get(i).ok_or_else(|| AssignError::Circuit(format!("no lookup {i}")))?;
            advice.set(column, row, fr(value))?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// `c = a · b` on every selected row — with an optional planted bug: the selector is left off at
/// `forget_row`, so that row's cells are unconstrained (for testing the mutation sweep).
#[derive(Debug, Clone)]
pub struct Product {
    pub pairs: Vec<(u64, u64)>,
    pub forget_row: Option<usize>,
}

/// Columns of [`Product`].
#[derive(Debug, Clone)]
pub struct ProductConfig {
    pub q: FixedColumn,
    pub a: AdviceColumn,
    pub b: AdviceColumn,
    pub c: AdviceColumn,
}

impl Circuit for Product {
    type Config = ProductConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> ProductConfig {
        let q = cs.named_fixed("q_mul");
        let a = cs.named_advice("a", Phase::First);
        let b = cs.named_advice("b", Phase::First);
        let c = cs.named_advice("c", Phase::First);
        cs.create_gate("mul", [("c = a · b", q.cur() * (a.cur() * b.cur() - c.cur()))]);
        ProductConfig { q, a, b, c }
    }

    fn assign_fixed(&self, c: &ProductConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for row in (0..self.pairs.len()).filter(|&r| Some(r) != self.forget_row) {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &ProductConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase == Phase::First {
            let rows: Vec<Fr> = self.pairs.iter().flat_map(|&(a, b)| [fr(a), fr(b), fr(a) * fr(b)]).collect();
            advice.assign_rows(0, &[c.a, c.b, c.c], &rows)?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// Proves like [`crate::plonk::prove`], but lets `forge` change the claimed evaluations (in
/// [`crate::plonk::proof::ProofShape::queries`] order, given the challenge x) before they are
/// written; the opening is then made honestly for the changed claims. For soundness tests of
/// verifiers, Rust and generated: see [`shift_between_quotient_pieces`].
pub fn prove_with_forged_evaluations<C: Circuit>(
    pk: &crate::plonk::ProvingKey,
    circuit: &C,
    forge: &(dyn Fn(&crate::plonk::proof::ProofShape, Fr, &mut [Fr]) + Sync),
) -> Result<Vec<u8>, crate::plonk::ProveError> {
    let options = crate::plonk::ProveOptions::default();
    let backend = crate::backend::CpuBackend;
    crate::plonk::prove_core(pk, circuit, &backend, &mut rand_core::OsRng, &options, &|_, _, _| {}, forge)
        .map(|(proof, _)| proof)
}

/// A forgery for [`prove_with_forged_evaluations`]: claims `h_i(x) + δ` and
/// `h_{i+1}(x) − δ·x^(−stride)` for quotient pieces i and i + 1 over `n` rows. The quotient
/// identity at x still holds (h(x) is unchanged), so only the opening can reject the proof.
///
/// # Panics
/// If the shape has no pieces i and i + 1, or x^stride is zero.
pub fn shift_between_quotient_pieces(
    shape: &crate::plonk::proof::ProofShape,
    x: Fr,
    values: &mut [Fr],
    i: usize,
    delta: Fr,
    n: usize,
) {
    use crate::plonk::proof::Poly;
    let at = |i: usize| {
        shape.queries.iter().position(|&q| q == (Poly::Quotient(i), 0)).expect("the shape has this quotient piece")
    };
    let x_stride_inv = x.pow_vartime([shape.quotient_stride(n) as u64]).invert().expect("x^stride is not zero");
    values[at(i)] += delta;
    values[at(i + 1)] -= delta * x_stride_inv;
}
