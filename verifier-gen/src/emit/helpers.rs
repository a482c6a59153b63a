//! The helper contracts, written as EVM bytecode by the generator itself so that their code
//! hashes are known when the verifier's source is written (the verifier's constructor pins
//! them): constraint ranges (straight-line code compiled from the constraint DAG) and MSMs over
//! verifying-key points (a loop over points stored after the code).

use rebuttal_prover::arith::G1Affine;
use rebuttal_prover::encoding::g1_to_bytes;
use sha3::{Digest, Keccak256};

use crate::evm::{Asm, creation_code, op};
use crate::expr::{Dag, Id, Load, Node};
use crate::yul::R_HEX;
use crate::{GenerateError, HelperContract, HelperRole, MAX_CODE_SIZE};

/// The helpers' names: `RebuttalVerifierHelper{index}`.
pub(super) fn helper_name(index: usize) -> String {
    format!("{}Helper{index}", super::CONTRACT_NAME)
}

/// Wraps finished runtime code.
pub(super) fn contract(index: usize, role: HelperRole, runtime: Vec<u8>) -> Result<HelperContract, GenerateError> {
    if runtime.len() > MAX_CODE_SIZE {
        return Err(GenerateError::Inconsistent(format!(
            "helper {index} is {} bytes, over EIP-170's {MAX_CODE_SIZE}",
            runtime.len()
        )));
    }
    let code_hash: [u8; 32] = Keccak256::digest(&runtime).into();
    Ok(HelperContract { name: helper_name(index), role, creation: creation_code(&runtime), runtime, code_hash })
}

/// r as 32 big-endian bytes.
fn r_bytes() -> Vec<u8> {
    let hex = R_HEX.trim_start_matches("0x");
    (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0)).collect()
}

/// Runtime code that evaluates `output` of `dag` and returns it (32 bytes). Its call data is the
/// verifier's memory image (`Node::Memory(a)` is read at call-data offset `a`) followed by the
/// proof's evaluations (`Node::Calldata(o)` at `evals_at + o − evals_cd`); temporaries live in
/// its own memory from 0x20.
pub(super) fn dag_code(dag: &Dag, output: Id, evals_cd: usize, evals_at: usize) -> Result<Vec<u8>, GenerateError> {
    let mut asm = Asm::new();
    asm.push_bytes(&r_bytes());
    let loads = |node: Node| match node {
        Node::Memory(a) => Load::Calldata(a),
        Node::Calldata(o) => Load::Calldata(evals_at + o - evals_cd),
        _ => Load::Memory(0),
    };
    dag.emit_evm(&[(output, 0)], 0x20, &loads, &mut asm).map_err(GenerateError::Inconsistent)?;
    asm.push(0x20);
    asm.op(op::PUSH0);
    asm.op(op::RETURN);
    asm.finish().map_err(GenerateError::Inconsistent)
}

/// Runtime code of an MSM helper: call data one 32-byte scalar per point (exactly), returns
/// `Σ s_i·P_i` as 64 bytes; reverts on any other call-data length or a failed precompile.
pub(super) fn key_msm_code(points: &[G1Affine]) -> Result<Vec<u8>, GenerateError> {
    let n = points.len();
    let mut a = Asm::new();
    let (ok, top, done, fail, data) = (a.label(), a.label(), a.label(), a.label(), a.label());
    a.op(op::CALLDATASIZE);
    a.push(32 * n);
    a.op(op::EQ);
    a.push_label(ok);
    a.op(op::JUMPI);
    a.op(op::PUSH0);
    a.op(op::PUSH0);
    a.op(op::REVERT);
    a.mark(ok);
    // Stack: [i], the call-data offset of the next scalar; the sum lives at 0x80..0xc0
    // (fresh memory: (0, 0), the identity).
    a.op(op::PUSH0);
    a.mark(top);
    a.op(op::DUP1);
    a.push(32 * n);
    a.op(op::EQ);
    a.push_label(done);
    a.op(op::JUMPI);
    // codecopy(0x00, data + 2i, 0x40): the point.
    a.push(0x40);
    a.dup(2);
    a.op(op::DUP1);
    a.op(op::ADD);
    a.push_label(data);
    a.op(op::ADD);
    a.op(op::PUSH0);
    a.op(op::CODECOPY);
    // mstore(0x40, calldataload(i)): the scalar.
    a.op(op::DUP1);
    a.op(op::CALLDATALOAD);
    a.push(0x40);
    a.op(op::MSTORE);
    // ecMul (0x07): 0x00..0x60 → 0x00..0x40, exactly 64 bytes back.
    precompile(&mut a, 0x07, 0x00, 0x60, 0x00, fail);
    // ecAdd (0x06): (product, sum) → sum.
    for (from, to) in [(0x80, 0x40), (0xa0, 0x60)] {
        a.push(from);
        a.op(op::MLOAD);
        a.push(to);
        a.op(op::MSTORE);
    }
    precompile(&mut a, 0x06, 0x00, 0x80, 0x80, fail);
    a.push(0x20);
    a.op(op::ADD);
    a.push_label(top);
    a.op(op::JUMP);
    a.mark(done);
    a.push(0x40);
    a.push(0x80);
    a.op(op::RETURN);
    a.mark(fail);
    a.op(op::PUSH0);
    a.op(op::PUSH0);
    a.op(op::REVERT);
    a.op(op::INVALID);
    a.place(data);
    for p in points {
        a.data(&g1_to_bytes(p));
    }
    a.finish().map_err(GenerateError::Inconsistent)
}

/// `staticcall(gas(), address, input, input_len, output, 0x40)`, jumping to `fail` unless it
/// succeeded with exactly 64 bytes of output.
fn precompile(a: &mut Asm, address: usize, input: usize, input_len: usize, output: usize, fail: crate::evm::Label) {
    a.push(0x40);
    a.push(output);
    a.push(input_len);
    a.push(input);
    a.push(address);
    a.op(op::GAS);
    a.op(op::STATICCALL);
    a.op(op::RETURNDATASIZE);
    a.push(0x40);
    a.op(op::EQ);
    a.op(op::AND);
    a.op(op::ISZERO);
    a.push_label(fail);
    a.op(op::JUMPI);
}
