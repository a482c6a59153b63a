//! The checks before any arithmetic: call-data layout, instances, proof elements, and the
//! transcript that derives the challenges.

use super::{fail, sel};
use crate::abi::RevertReason;
use crate::plan::{PROOF_CD, Plan};
use crate::yul::{Code, addr, word_hex};

/// verify.rs: the exact proof length; here also the canonical ABI layout of the call.
pub(super) fn calldata(p: &Plan<'_>, c: &mut Code) {
    c.line("");
    c.comment("verify.rs: `proof.len() != shape.proof_len()`. The call must be the canonical ABI encoding:");
    c.comment(format!(
        "proof at offset 0x40 with length {:#x}, instances right after it, nothing after them.",
        p.proof_len
    ));
    c.line(format!(
        "if iszero(eq(calldataload(0x44), {})) {{ {} }}",
        addr(p.proof_len),
        fail(RevertReason::ProofLength)
    ));
    c.line(format!(
        "if iszero(and(eq(calldataload(0x04), 0x40), eq(calldataload(0x24), {}))) {{ {} }}",
        addr(0x60 + p.proof_len),
        fail(RevertReason::CalldataMalformed)
    ));
    c.line(format!("let count := calldataload({})", addr(p.instances_len_cd)));
    // Bounds the count before it is multiplied, so the size check cannot wrap.
    c.line(format!("if gt(count, 0xffffffff) {{ {} }}", fail(RevertReason::InstanceCount)));
    c.line(format!(
        "if iszero(eq(calldatasize(), add({}, shl(5, count)))) {{ {} }}",
        addr(p.instances_len_cd + 32),
        fail(RevertReason::CalldataMalformed)
    ));
}

/// verify.rs: instance count and lengths; every value canonical.
pub(super) fn instances(p: &Plan<'_>, c: &mut Code) {
    let m = p.ext.cs.num_instance();
    let data = p.instances_len_cd + 32;
    c.line("");
    c.comment("verify.rs: `instances.len() != cs.num_instance()` and `values.len() > usable`");
    c.comment(format!("({} usable rows). Layout: see the @param doc of `instances`.", p.usable));
    match m {
        0 => c.line(format!("if count {{ {} }}", fail(RevertReason::InstanceCount))),
        1 => {
            c.line(format!("if gt(count, {}) {{ {} }}", p.usable, fail(RevertReason::InstanceTooLong)));
            let (ptr, len) = p.instance_ptr[0];
            c.line(format!("mstore({}, {})", addr(ptr), addr(data)));
            c.line(format!("mstore({}, count)", addr(len)));
        }
        m => {
            c.line(format!("if lt(count, {m}) {{ {} }}", fail(RevertReason::InstanceCount)));
            c.open("");
            c.line(format!("let at := {}", addr(data + 32 * m)));
            for (j, &(ptr, len)) in p.instance_ptr.iter().enumerate() {
                c.line(format!("let len{j} := calldataload({})", addr(data + 32 * j)));
                c.line(format!("if gt(len{j}, {}) {{ {} }}", p.usable, fail(RevertReason::InstanceTooLong)));
                c.line(format!("mstore({}, at)", addr(ptr)));
                c.line(format!("mstore({}, len{j})", addr(len)));
                c.line(format!("at := add(at, shl(5, len{j}))"));
            }
            c.line(format!(
                "if iszero(eq(at, add({}, shl(5, count)))) {{ {} }}",
                addr(data),
                fail(RevertReason::InstanceCount)
            ));
            c.close();
        }
    }
    if m > 0 {
        c.comment("Instance values are scalars: each must be below r.");
        c.line(format!(
            "for {{ let at := {} }} lt(at, calldatasize()) {{ at := add(at, 0x20) }} {{ if iszero(lt(calldataload(at), r)) {{ {} }} }}",
            addr(data),
            fail(RevertReason::InstanceNotCanonical)
        ));
    }
}

/// verify.rs `Reader::point` / `Reader::scalar`: every element decodes, checked in proof order so
/// the first bad element is the one the Rust verifier reports.
pub(super) fn proof_elements(p: &Plan<'_>, c: &mut Code) {
    c.line("");
    c.comment("verify.rs Reader: every proof point decodes (identity allowed), every scalar is below r.");
    c.line(format!(
        "for {{ let at := {} }} lt(at, {}) {{ at := add(at, 0x40) }} {{ checkPoint(at) }}",
        addr(PROOF_CD),
        addr(p.evals_cd)
    ));
    c.line(format!(
        "for {{ let at := {} }} lt(at, {}) {{ at := add(at, 0x20) }} {{ if iszero(lt(calldataload(at), r)) {{ failAt({}, at) }} }}",
        addr(p.evals_cd),
        addr(p.w_cd),
        sel(RevertReason::ScalarNotCanonical)
    ));
    c.line(format!("checkPoint({})", addr(p.w_cd)));
    c.line(format!("checkPoint({})", addr(p.w_cd + 64)));
}

/// transcript.rs: buffer = VK digest ‖ instances ‖ proof bytes; a challenge hashes the buffer,
/// replaces it with the hash and is the hash mod r.
pub(super) fn transcript(p: &Plan<'_>, c: &mut Code) {
    let buf = p.mem.end();
    c.line("");
    c.comment("transcript.rs: Transcript::new(vk.digest()), then prove.rs `absorb_instances`: per column");
    c.comment("its length, then its values.");
    c.line(format!("mstore({}, {})", addr(buf), word_hex(&p.vk.digest())));
    c.open("");
    c.line(format!("let at := {}", addr(buf + 32)));
    for &(ptr, len) in &p.instance_ptr {
        c.open("");
        c.line(format!("let len := mload({})", addr(len)));
        c.line("mstore(at, len)");
        c.line(format!("calldatacopy(add(at, 0x20), mload({}), shl(5, len))", addr(ptr)));
        c.line("at := add(at, add(0x20, shl(5, len)))");
        c.close();
    }
    c.line(format!("mstore({}, sub(at, {}))", addr(p.transcript_len), addr(buf)));
    c.close();
    c.comment("verify.rs: the proof is absorbed element by element; challenges are squeezed between.");
    let mut start = 0usize;
    for (i, s) in p.squeezes.iter().enumerate() {
        let len = s.end - start;
        c.comment(format!("challenge {}", s.what));
        c.open("");
        if i == 0 {
            c.line(format!("let at := add({}, mload({}))", addr(buf), addr(p.transcript_len)));
            if len > 0 {
                c.line(format!("calldatacopy(at, {}, {})", addr(PROOF_CD + start), addr(len)));
            }
            c.line(format!("let h := keccak256({}, sub(add(at, {}), {}))", addr(buf), addr(len), addr(buf)));
        } else {
            if len > 0 {
                c.line(format!("calldatacopy({}, {}, {})", addr(buf + 32), addr(PROOF_CD + start), addr(len)));
            }
            c.line(format!("let h := keccak256({}, {})", addr(buf), addr(32 + len)));
        }
        c.line(format!("mstore({}, h)", addr(buf)));
        c.line(format!("mstore({}, mod(h, r))", addr(s.target)));
        c.close();
        start = s.end;
    }
}
