//! Compiles constraint expressions into straight-line Yul.
//!
//! Expressions become a DAG with common subexpressions shared (hash-consing) and trivial
//! constants folded. A node is *materialised* — computed once by an `mstore` into a memory
//! slot — when it is used more than once, is an output, or would nest deeper than
//! [`MAX_INLINE_DEPTH`]; every other node is written inline into its user's expression, which
//! keeps the bytecode small. Slots are reused once their value is dead.
//!
//! Every value the generated code holds is in `[0, r]` (calldata scalars are checked `< r`,
//! `addmod`/`mulmod` reduce, a negation is `r − a`), so `r − a` never underflows.

use std::collections::HashMap;

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::encoding::fr_to_bytes;

use crate::evm::{Asm, op};
use crate::yul::{Code, addr, fr_hex, fr_small};

/// Deepest expression nesting written inline. Each level keeps two values on the EVM stack
/// while its first operand is computed; the modulus `r` is a Yul variable that must stay within
/// reach of `DUP16`.
pub const MAX_INLINE_DEPTH: usize = 4;

/// Constants up to this size are written as literals; `r − c` for such `c` as `sub(r, c)`.
const SMALL: u64 = 1 << 32;

/// A node of the DAG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A word of calldata at this absolute offset (an evaluation in the proof).
    Calldata(usize),
    /// A word of memory at this address (a challenge or a value the verifier computed).
    Memory(usize),
    /// A constant, as its big-endian bytes.
    Const([u8; 32]),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
}

/// Identifies a node.
pub type Id = u32;

/// Expression DAG under construction.
#[derive(Debug, Default)]
pub struct Dag {
    nodes: Vec<Node>,
    index: HashMap<Node, Id>,
}

impl Dag {
    /// An empty DAG.
    pub fn new() -> Self {
        Self::default()
    }

    fn intern(&mut self, node: Node) -> Id {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let id = self.nodes.len() as Id;
        self.nodes.push(node);
        self.index.insert(node, id);
        id
    }

    fn constant_of(&self, id: Id) -> Option<Fr> {
        match self.nodes[id as usize] {
            Node::Const(bytes) => {
                let mut le = bytes;
                le.reverse();
                let mut repr = <Fr as ff::PrimeField>::Repr::default();
                repr.as_mut().copy_from_slice(&le);
                Option::from(<Fr as ff::PrimeField>::from_repr(repr))
            }
            _ => None,
        }
    }

    /// A constant.
    pub fn constant(&mut self, c: Fr) -> Id {
        self.intern(Node::Const(fr_to_bytes(&c)))
    }

    /// A calldata word.
    pub fn calldata(&mut self, offset: usize) -> Id {
        self.intern(Node::Calldata(offset))
    }

    /// A memory word.
    pub fn memory(&mut self, address: usize) -> Id {
        self.intern(Node::Memory(address))
    }

    /// `a + b`.
    pub fn add(&mut self, a: Id, b: Id) -> Id {
        match (self.constant_of(a), self.constant_of(b)) {
            (Some(x), Some(y)) => self.constant(x + y),
            (Some(x), _) if x.is_zero_vartime() => b,
            (_, Some(y)) if y.is_zero_vartime() => a,
            _ => self.intern(Node::Add(a.min(b), a.max(b))),
        }
    }

    /// `a − b`.
    pub fn sub(&mut self, a: Id, b: Id) -> Id {
        match (self.constant_of(a), self.constant_of(b)) {
            (Some(x), Some(y)) => self.constant(x - y),
            (_, Some(y)) => {
                let minus = self.constant(-y);
                self.add(a, minus)
            }
            (Some(x), _) if x.is_zero_vartime() => self.neg(b),
            _ => self.intern(Node::Sub(a, b)),
        }
    }

    /// `a · b`.
    pub fn mul(&mut self, a: Id, b: Id) -> Id {
        match (self.constant_of(a), self.constant_of(b)) {
            (Some(x), Some(y)) => self.constant(x * y),
            (Some(x), _) if x.is_zero_vartime() => a,
            (_, Some(y)) if y.is_zero_vartime() => b,
            (Some(x), _) if x == Fr::ONE => b,
            (_, Some(y)) if y == Fr::ONE => a,
            _ => self.intern(Node::Mul(a.min(b), a.max(b))),
        }
    }

    /// `−a`.
    pub fn neg(&mut self, a: Id) -> Id {
        match self.constant_of(a) {
            Some(x) => self.constant(-x),
            None => match self.nodes[a as usize] {
                Node::Neg(inner) => inner,
                _ => self.intern(Node::Neg(a)),
            },
        }
    }

    /// Writes code that stores each output's value at its memory address, in order.
    /// Temporaries live in 32-byte slots from `temp_base`; returns the number of slots used.
    pub fn emit(&self, outputs: &[(Id, usize)], temp_base: usize, code: &mut Code) -> usize {
        let s = self.schedule(outputs, temp_base);
        for &(id, target) in &s.stmts {
            code.line(format!("mstore({}, {})", addr(target), self.inline(id, &s, true)));
        }
        s.slots_used
    }

    /// Appends EVM code that stores each output's value at its memory address, in order, and
    /// returns the number of temporary slots used (from `temp_base`). The modulus r must be the
    /// only item on the stack; leaves are read as `loads` says.
    pub fn emit_evm(
        &self,
        outputs: &[(Id, usize)],
        temp_base: usize,
        loads: &dyn Fn(Node) -> Load,
        asm: &mut Asm,
    ) -> Result<usize, String> {
        let s = self.schedule(outputs, temp_base);
        for &(id, target) in &s.stmts {
            self.evm(id, &s, true, 1, loads, asm)?;
            asm.push(target);
            asm.op(op::MSTORE);
        }
        Ok(s.slots_used)
    }

    /// Decides which nodes are stored (see the module docs), where, and in which order.
    fn schedule(&self, outputs: &[(Id, usize)], temp_base: usize) -> Schedule {
        let n = self.nodes.len();
        let mut uses = vec![0usize; n];
        for node in &self.nodes {
            for c in children(node) {
                uses[c as usize] += 1;
            }
        }
        let mut is_output = vec![false; n];
        for &(id, _) in outputs {
            is_output[id as usize] = true;
        }
        // Only nodes reachable from the outputs are computed.
        let mut live = vec![false; n];
        for &(id, _) in outputs {
            live[id as usize] = true;
        }
        for i in (0..n).rev() {
            if live[i] {
                for c in children(&self.nodes[i]) {
                    live[c as usize] = true;
                }
            }
        }
        // Which nodes get a slot, by topological order (children precede parents).
        let mut materialised = vec![false; n];
        let mut depth = vec![0usize; n];
        for i in 0..n {
            if !live[i] {
                continue;
            }
            let node = &self.nodes[i];
            match node {
                Node::Calldata(_) | Node::Memory(_) => {}
                Node::Const(_) => {
                    let c = self.constant_of(i as Id).unwrap_or(Fr::ZERO);
                    let short = fr_small(&c).is_some_and(|v| v < SMALL) || fr_small(&-c).is_some_and(|v| v < SMALL);
                    materialised[i] = !short && uses[i] > 1;
                }
                _ => {
                    let d = 1 + children(node)
                        .map(|c| if materialised[c as usize] { 0 } else { depth[c as usize] })
                        .max()
                        .unwrap_or(0);
                    depth[i] = d;
                    materialised[i] = uses[i] > 1 || is_output[i] || d >= MAX_INLINE_DEPTH;
                    if materialised[i] {
                        depth[i] = 0;
                    }
                }
            }
        }
        // Statements in order; each references the materialised nodes it reads.
        let order: Vec<usize> = (0..n).filter(|&i| live[i] && materialised[i]).collect();
        let mut last_use = vec![0usize; n];
        for (s, &i) in order.iter().enumerate() {
            let mut refs = Vec::new();
            self.collect_refs(i as Id, &materialised, true, &mut refs);
            for r in refs {
                last_use[r as usize] = s;
            }
        }
        // Outputs go to their own addresses; other materialised nodes to reusable slots.
        let mut address: HashMap<Id, usize> = HashMap::new();
        for &(id, a) in outputs {
            address.insert(id, a);
        }
        let mut free: Vec<usize> = Vec::new();
        let mut slots_used = 0usize;
        let mut frees_at: Vec<Vec<Id>> = vec![Vec::new(); order.len()];
        for &i in &order {
            if !address.contains_key(&(i as Id)) {
                frees_at[last_use[i]].push(i as Id);
            }
        }
        let mut stmts = Vec::with_capacity(order.len() + outputs.len());
        let mut is_temp: HashMap<Id, bool> = HashMap::new();
        for (s, &i) in order.iter().enumerate() {
            let id = i as Id;
            let target = match address.get(&id) {
                Some(&a) => a,
                None => {
                    let slot = free.pop().unwrap_or_else(|| {
                        slots_used += 1;
                        slots_used - 1
                    });
                    let a = temp_base + 32 * slot;
                    address.insert(id, a);
                    is_temp.insert(id, true);
                    a
                }
            };
            stmts.push((id, target));
            // Slots whose last reader was this statement can be reused by the next one.
            for &dead in &frees_at[s] {
                if dead != id && is_temp.get(&dead).copied().unwrap_or(false) {
                    free.push((address[&dead] - temp_base) / 32);
                }
            }
        }
        // Outputs that are plain leaves (e.g. a constant) were not materialised above.
        for &(id, a) in outputs {
            if !materialised[id as usize] {
                stmts.push((id, a));
            }
        }
        Schedule { materialised, address, stmts, slots_used }
    }

    fn collect_refs(&self, id: Id, materialised: &[bool], root: bool, out: &mut Vec<Id>) {
        if materialised[id as usize] && !root {
            out.push(id);
            return;
        }
        for c in children(&self.nodes[id as usize]) {
            self.collect_refs(c, materialised, false, out);
        }
    }

    fn inline(&self, id: Id, s: &Schedule, root: bool) -> String {
        if s.materialised[id as usize] && !root {
            return format!("mload({})", addr(s.address.get(&id).copied().unwrap_or(0)));
        }
        let sub = |c: Id| self.inline(c, s, false);
        match self.nodes[id as usize] {
            Node::Calldata(o) => format!("calldataload({})", addr(o)),
            Node::Memory(a) => format!("mload({})", addr(a)),
            Node::Const(_) => {
                let c = self.constant_of(id).unwrap_or(Fr::ZERO);
                match (fr_small(&c), fr_small(&-c)) {
                    (Some(v), _) if v < SMALL => format!("{v}"),
                    (_, Some(v)) if v < SMALL => format!("sub(r, {v})"),
                    _ => fr_hex(&c),
                }
            }
            Node::Add(a, b) => format!("addmod({}, {}, r)", sub(a), sub(b)),
            Node::Sub(a, b) => format!("addmod({}, sub(r, {}), r)", sub(a), sub(b)),
            Node::Mul(a, b) => format!("mulmod({}, {}, r)", sub(a), sub(b)),
            Node::Neg(a) => format!("sub(r, {})", sub(a)),
        }
    }

    /// EVM code pushing node `id` onto a stack of `height` items whose bottom one is r; the
    /// same evaluation order as the Yul of [`Dag::emit`] (arguments right to left).
    fn evm(
        &self,
        id: Id,
        s: &Schedule,
        root: bool,
        height: usize,
        loads: &dyn Fn(Node) -> Load,
        asm: &mut Asm,
    ) -> Result<(), String> {
        // r is the bottom item: `DUP(height)` copies it.
        let dup_r = |asm: &mut Asm, h: usize| -> Result<(), String> {
            if h > 16 {
                return Err(format!("expression too deep for DUP16 (stack height {h})"));
            }
            asm.dup(h);
            Ok(())
        };
        let load = |asm: &mut Asm, l: Load| match l {
            Load::Calldata(a) => {
                asm.push(a);
                asm.op(op::CALLDATALOAD);
            }
            Load::Memory(a) => {
                asm.push(a);
                asm.op(op::MLOAD);
            }
        };
        if s.materialised[id as usize] && !root {
            load(asm, Load::Memory(s.address.get(&id).copied().unwrap_or(0)));
            return Ok(());
        }
        let node = self.nodes[id as usize];
        match node {
            Node::Calldata(_) | Node::Memory(_) => load(asm, loads(node)),
            Node::Const(bytes) => {
                let c = self.constant_of(id).unwrap_or(Fr::ZERO);
                match (fr_small(&c), fr_small(&-c)) {
                    (Some(v), _) if v < SMALL => asm.push(v as usize),
                    (_, Some(v)) if v < SMALL => {
                        asm.push(v as usize);
                        dup_r(asm, height + 1)?;
                        asm.op(op::SUB);
                    }
                    _ => asm.push_bytes(&bytes),
                }
            }
            Node::Add(a, b) | Node::Mul(a, b) => {
                dup_r(asm, height)?;
                self.evm(b, s, false, height + 1, loads, asm)?;
                self.evm(a, s, false, height + 2, loads, asm)?;
                asm.op(if matches!(node, Node::Add(..)) { op::ADDMOD } else { op::MULMOD });
            }
            Node::Sub(a, b) => {
                dup_r(asm, height)?;
                self.evm(b, s, false, height + 1, loads, asm)?;
                dup_r(asm, height + 2)?;
                asm.op(op::SUB);
                self.evm(a, s, false, height + 2, loads, asm)?;
                asm.op(op::ADDMOD);
            }
            Node::Neg(a) => {
                self.evm(a, s, false, height, loads, asm)?;
                dup_r(asm, height + 1)?;
                asm.op(op::SUB);
            }
        }
        Ok(())
    }
}

/// Where the EVM code reads a leaf from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// `calldataload(offset)`.
    Calldata(usize),
    /// `mload(address)`.
    Memory(usize),
}

/// The evaluation order and storage of a DAG's nodes for one set of outputs.
struct Schedule {
    materialised: Vec<bool>,
    /// Address of every stored node (outputs and temporaries).
    address: HashMap<Id, usize>,
    /// `(node, address)` stores, in order.
    stmts: Vec<(Id, usize)>,
    slots_used: usize,
}

fn children(node: &Node) -> impl Iterator<Item = Id> {
    let (a, b) = match *node {
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => (Some(a), Some(b)),
        Node::Neg(a) => (Some(a), None),
        _ => (None, None),
    };
    a.into_iter().chain(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_subexpressions_are_computed_once_and_constants_fold() {
        let mut d = Dag::new();
        let a = d.calldata(0x64);
        let b = d.memory(0x200);
        let ab = d.mul(a, b);
        let ab2 = d.mul(b, a);
        assert_eq!(ab, ab2);
        let one = d.constant(Fr::ONE);
        assert_eq!(d.mul(ab, one), ab);
        let zero = d.constant(Fr::ZERO);
        assert_eq!(d.add(zero, ab), ab);
        let s = d.add(ab, a);
        let t = d.sub(ab, b);
        let mut code = Code::new(0);
        let slots = d.emit(&[(s, 0x400), (t, 0x420)], 0x1000, &mut code);
        let text = code.text();
        // a·b is used twice, so it is stored once in a temporary slot.
        assert_eq!(slots, 1);
        assert_eq!(text.matches("mulmod").count(), 1, "{text}");
        assert!(text.contains("mstore(0x400, addmod(calldataload(0x64), mload(0x1000), r))"), "{text}");
        let neg1 = d.constant(-Fr::ONE);
        let mut code = Code::new(0);
        d.emit(&[(neg1, 0x400)], 0x1000, &mut code);
        assert!(code.text().contains("sub(r, 1)"));
    }
}
