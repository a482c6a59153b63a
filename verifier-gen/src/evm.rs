//! A minimal EVM assembler for the helper contracts the generator writes as bytecode itself
//! (so their code hash is known when the verifier's source is generated, see
//! [`crate::HelperContract`]): opcodes, minimal pushes, and labels for jumps.

/// Opcodes used by the helpers.
pub mod op {
    pub const ADD: u8 = 0x01;
    pub const SUB: u8 = 0x03;
    pub const ADDMOD: u8 = 0x08;
    pub const MULMOD: u8 = 0x09;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const AND: u8 = 0x16;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CODECOPY: u8 = 0x39;
    pub const RETURNDATASIZE: u8 = 0x3d;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const GAS: u8 = 0x5a;
    pub const JUMPDEST: u8 = 0x5b;
    pub const PUSH0: u8 = 0x5f;
    pub const PUSH1: u8 = 0x60;
    pub const PUSH2: u8 = 0x61;
    pub const DUP1: u8 = 0x80;
    pub const STATICCALL: u8 = 0xfa;
    pub const RETURN: u8 = 0xf3;
    pub const REVERT: u8 = 0xfd;
    pub const INVALID: u8 = 0xfe;
}

/// A jump target, placed with [`Asm::mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label(usize);

/// Bytecode under construction.
#[derive(Debug, Default)]
pub struct Asm {
    code: Vec<u8>,
    labels: Vec<Option<usize>>,
    /// Positions of 2-byte label references to patch, with their label.
    fixups: Vec<(usize, Label)>,
}

impl Asm {
    /// Empty code.
    pub fn new() -> Self {
        Self::default()
    }

    /// One opcode.
    pub fn op(&mut self, op: u8) {
        self.code.push(op);
    }

    /// `DUPn` (1 ≤ n ≤ 16).
    pub fn dup(&mut self, n: usize) {
        debug_assert!((1..=16).contains(&n), "DUP{n}");
        self.code.push(op::DUP1 + (n as u8 - 1));
    }

    /// Pushes a big-endian value with the shortest push (`PUSH0` for zero).
    pub fn push_bytes(&mut self, be: &[u8]) {
        let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
        let v = &be[first..];
        if v.is_empty() {
            self.code.push(op::PUSH0);
        } else {
            debug_assert!(v.len() <= 32);
            self.code.push(op::PUSH1 + (v.len() as u8 - 1));
            self.code.extend_from_slice(v);
        }
    }

    /// Pushes a small number.
    pub fn push(&mut self, v: usize) {
        self.push_bytes(&(v as u64).to_be_bytes());
    }

    /// A fresh label.
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Places `label` here (a `JUMPDEST`).
    pub fn mark(&mut self, label: Label) {
        self.labels[label.0] = Some(self.code.len());
        self.code.push(op::JUMPDEST);
    }

    /// Places `label` here without a `JUMPDEST` (the start of data read with `CODECOPY`).
    pub fn place(&mut self, label: Label) {
        self.labels[label.0] = Some(self.code.len());
    }

    /// Pushes `label`'s offset (always `PUSH2`, patched by [`Asm::finish`]).
    pub fn push_label(&mut self, label: Label) {
        self.code.push(op::PUSH2);
        self.fixups.push((self.code.len(), label));
        self.code.extend_from_slice(&[0, 0]);
    }

    /// Appends raw bytes (data after the code).
    pub fn data(&mut self, bytes: &[u8]) {
        self.code.extend_from_slice(bytes);
    }

    /// The code with every label reference resolved. Fails if a label was never placed or lies
    /// beyond 16 bits.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        for (at, label) in std::mem::take(&mut self.fixups) {
            let target = self.labels[label.0].ok_or("a label was used but never placed")?;
            let t = u16::try_from(target).map_err(|_| "jump target beyond 64 KiB")?;
            self.code[at..at + 2].copy_from_slice(&t.to_be_bytes());
        }
        Ok(self.code)
    }
}

/// Creation code that deploys `runtime` as is: `codecopy(0, 10, len)`, `return(0, len)`.
pub fn creation_code(runtime: &[u8]) -> Vec<u8> {
    let len = u16::try_from(runtime.len()).expect("helper code is below 64 KiB").to_be_bytes();
    let mut c =
        vec![op::PUSH2, len[0], len[1], op::DUP1, op::PUSH1, 10, op::PUSH0, op::CODECOPY, op::PUSH0, op::RETURN];
    debug_assert_eq!(c.len(), 10);
    c.extend_from_slice(runtime);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_are_minimal_and_labels_resolve() {
        let mut a = Asm::new();
        a.push(0);
        a.push(0x20);
        a.push(0x1234);
        let l = a.label();
        a.push_label(l);
        a.op(op::JUMP);
        a.mark(l);
        let code = a.finish().unwrap();
        assert_eq!(code, vec![0x5f, 0x60, 0x20, 0x61, 0x12, 0x34, 0x61, 0x00, 0x0a, 0x56, 0x5b]);
        let c = creation_code(&[0xaa, 0xbb]);
        assert_eq!(&c[..3], &[0x61, 0x00, 0x02]);
        assert_eq!(&c[10..], &[0xaa, 0xbb]);
    }
}
