//! What each opcode touches beyond its stack operands: memory regions, call-context fields.

use alloy_primitives::U256;

use crate::model::{CallContextField, CopyKind};

/// A memory region named by stack operands: `offset` and `len` are stack positions from the top.
#[derive(Debug, Clone, Copy)]
pub struct RegionSpec {
    /// Stack position (0 = top) of the offset.
    pub offset: usize,
    /// Stack position of the length, or a fixed length.
    pub len: Len,
    /// Read or written by the step itself.
    pub write: bool,
}

/// Length of a region.
#[derive(Debug, Clone, Copy)]
pub enum Len {
    /// Taken from the stack at this position.
    Stack(usize),
    /// Fixed.
    Fixed(u64),
}

const fn r(offset: usize, len: usize) -> RegionSpec {
    RegionSpec { offset, len: Len::Stack(len), write: false }
}
const fn w(offset: usize, len: usize) -> RegionSpec {
    RegionSpec { offset, len: Len::Stack(len), write: true }
}

/// Memory regions the opcode reads or writes during its own step (call return data, written
/// when the child returns, is handled separately).
pub fn memory_regions(op: u8) -> &'static [RegionSpec] {
    const MLOAD: [RegionSpec; 1] = [RegionSpec { offset: 0, len: Len::Fixed(32), write: false }];
    const MSTORE: [RegionSpec; 1] = [RegionSpec { offset: 0, len: Len::Fixed(32), write: true }];
    const MSTORE8: [RegionSpec; 1] = [RegionSpec { offset: 0, len: Len::Fixed(1), write: true }];
    const R01: [RegionSpec; 1] = [r(0, 1)];
    const W02: [RegionSpec; 1] = [w(0, 2)];
    const W13: [RegionSpec; 1] = [w(1, 3)];
    const MCOPY: [RegionSpec; 2] = [r(1, 2), w(0, 2)];
    const R12: [RegionSpec; 1] = [r(1, 2)];
    const R34: [RegionSpec; 1] = [r(3, 4)];
    const R23: [RegionSpec; 1] = [r(2, 3)];
    match op {
        0x20 => &R01,               // SHA3
        0x37 | 0x39 | 0x3e => &W02, // CALLDATACOPY, CODECOPY, RETURNDATACOPY
        0x3c => &W13,               // EXTCODECOPY
        0x51 => &MLOAD,
        0x52 => &MSTORE,
        0x53 => &MSTORE8,
        0x5e => &MCOPY,
        0xa0..=0xa4 => &R01, // LOG0..LOG4
        0xf0 | 0xf5 => &R12, // CREATE, CREATE2
        0xf1 | 0xf2 => &R34, // CALL, CALLCODE: args
        0xf4 | 0xfa => &R23, // DELEGATECALL, STATICCALL: args
        0xf3 | 0xfd => &R01, // RETURN, REVERT
        _ => &[],
    }
}

/// For calls: stack positions of (return offset, return length).
pub fn call_return_region(op: u8) -> Option<(usize, usize)> {
    match op {
        0xf1 | 0xf2 => Some((5, 6)),
        0xf4 | 0xfa => Some((4, 5)),
        _ => None,
    }
}

/// For calls: stack positions of (args offset, args length).
pub fn call_args_region(op: u8) -> Option<(usize, usize)> {
    match op {
        0xf1 | 0xf2 => Some((3, 4)),
        0xf4 | 0xfa => Some((2, 3)),
        _ => None,
    }
}

/// The copy kind of a copying opcode.
pub fn copy_kind(op: u8) -> Option<CopyKind> {
    Some(match op {
        0x20 => CopyKind::Sha3,
        0x37 => CopyKind::CallDataCopy,
        0x39 => CopyKind::CodeCopy,
        0x3c => CopyKind::ExtCodeCopy,
        0x3e => CopyKind::ReturnDataCopy,
        0x5e => CopyKind::MCopy,
        0xa0..=0xa4 => CopyKind::Log,
        _ => return None,
    })
}

/// Call-context fields the opcode reads.
pub fn call_context_reads(op: u8) -> &'static [CallContextField] {
    use CallContextField::*;
    match op {
        0x30 => &[CalleeAddress],                                                        // ADDRESS
        0x33 => &[CallerAddress],                                                        // CALLER
        0x34 => &[Value],                                                                // CALLVALUE
        0x35 | 0x36 => &[CallDataLength],                                                // CALLDATALOAD, CALLDATASIZE
        0x37 => &[CallDataLength, CallDataOffset],                                       // CALLDATACOPY
        0x3d => &[LastCalleeReturnDataLength],                                           // RETURNDATASIZE
        0x3e => &[LastCalleeId, LastCalleeReturnDataOffset, LastCalleeReturnDataLength], // RETURNDATACOPY
        0x38 | 0x39 => &[CodeHash],                                                      // CODESIZE, CODECOPY
        0x47 => &[CalleeAddress],                                                        // SELFBALANCE
        0x54 => &[TxId, CalleeAddress],                                                  // SLOAD
        0x55 => &[TxId, IsStatic, CalleeAddress],                                        // SSTORE
        0x5c => &[TxId, CalleeAddress],                                                  // TLOAD
        0x5d => &[TxId, IsStatic, CalleeAddress],                                        // TSTORE
        0xa0..=0xa4 => &[TxId, IsStatic, CalleeAddress],                                 // LOGn
        0xf0 | 0xf5 => &[Depth, CalleeAddress, IsStatic],                                // CREATE, CREATE2
        0xf1 | 0xf2 | 0xf4 | 0xfa => &[Depth, CalleeAddress, IsStatic],                  // calls
        0xf3 | 0xfd => &[IsCreate, IsSuccess],                                           // RETURN, REVERT
        0xff => &[CalleeAddress, IsStatic],                                              // SELFDESTRUCT
        _ => &[],
    }
}

/// Converts a stack word to a memory offset or length, None if it cannot be one (the step will
/// run out of gas).
pub fn as_usize(v: U256) -> Option<usize> {
    let v: u64 = v.try_into().ok()?;
    if v > (1 << 32) { None } else { Some(v as usize) }
}
