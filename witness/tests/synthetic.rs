//! Small hand-built blocks that show one behaviour each: warm coinbase and precompiles and the
//! return-data fields of a precompile call; deleting a slot whose branch collapses onto a
//! sibling that a proven pre-state does not reveal.

mod common;

use alloy_primitives::{U256, keccak256};
use rebuttal_witness::model::*;
use rebuttal_witness::trie::{TrieError, sibling_candidates};
use rebuttal_witness::{WitnessError, trace};

/// COINBASE BALANCE POP; MSTORE(0, 0x2a); STATICCALL(gas, 0x04, 0, 32, 0, 0) POP;
/// RETURNDATASIZE POP; RETURNDATACOPY(32, 0, 32); STOP.
const WARM_CODE: &[u8] = &[
    0x41, 0x31, 0x50, // COINBASE BALANCE POP
    0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
    0x60, 0x00, 0x60, 0x00, 0x60, 0x20, 0x60, 0x00, 0x60, 0x04, 0x5a, 0xfa, 0x50, // STATICCALL identity
    0x3d, 0x50, // RETURNDATASIZE POP
    0x60, 0x20, 0x60, 0x00, 0x60, 0x20, 0x3e, // RETURNDATACOPY(dest 32, offset 0, len 32)
    0x00,
];

#[test]
fn coinbase_and_precompiles_are_warm_and_return_data_fields_follow_the_callee() {
    let input = common::one_call_block(WARM_CODE, &[], Vec::new());
    let w = trace(&input).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    let t = &w.txs[0];
    assert_eq!(t.status, TxStatus::Success);
    let step = |op: u8| t.steps.iter().find(|s| s.opcode == op && s.call_id == t.frames[0].call_id).unwrap();
    let account_warmth = |s: &ExecStep| {
        common::step_rws(&w, s).iter().find_map(|e| match e.op {
            RwOp::TxAccessListAccount { address, warm: true, prev, .. } => Some((address, prev)),
            _ => None,
        })
    };
    // EIP-3651: BALANCE(COINBASE) is a warm access.
    let balance = step(0x31);
    assert_eq!(account_warmth(balance), Some((common::COINBASE, true)));
    assert_eq!(balance.gas_cost, 100);
    // EIP-2929: precompiles are warm; the call's own cost is 100 (no memory growth, no value).
    let call = step(0xfa);
    assert_eq!(account_warmth(call), Some((alloy_primitives::Address::with_last_byte(4), true)));
    assert_eq!(call.gas_cost, 100);
    assert!(call.forwarded_gas > 0);
    let child = &t.frames[1];
    assert!(child.is_precompile && child.return_data_len == 32);
    assert_eq!(child.gas_limit, call.forwarded_gas);
    // The caller's context now names the precompile as last callee, 32 bytes of return data at
    // offset 0 (a precompile has no memory).
    let ctx_read = |s: &ExecStep, f: CallContextField| {
        common::step_rws(&w, s).iter().find_map(|e| match &e.op {
            RwOp::CallContext { field, value, .. } if !e.is_write && *field == f => Some(*value),
            _ => None,
        })
    };
    let size = step(0x3d);
    assert_eq!(ctx_read(size, CallContextField::LastCalleeReturnDataLength), Some(U256::from(32)));
    let copy = step(0x3e);
    assert_eq!(ctx_read(copy, CallContextField::LastCalleeId), Some(U256::from(child.call_id)));
    assert_eq!(ctx_read(copy, CallContextField::LastCalleeReturnDataOffset), Some(U256::ZERO));
    assert_eq!(ctx_read(copy, CallContextField::LastCalleeReturnDataLength), Some(U256::from(32)));
    let event = w.copy_events.iter().find(|c| c.kind == CopyKind::ReturnDataCopy).unwrap();
    assert_eq!(event.src, CopyEndpoint::ReturnData { call_id: child.call_id });
    assert_eq!(event.bytes.as_ref(), U256::from(42).to_be_bytes::<32>());
}

/// Runtime: SSTORE(calldata[0..32], calldata[32..64]); STOP.
const SETTER: &[u8] = &[0x60, 0x20, 0x35, 0x60, 0x00, 0x35, 0x55, 0x00];

fn clear_slot_calldata(slot: u64) -> Vec<u8> {
    let mut cd = U256::from(slot).to_be_bytes::<32>().to_vec();
    cd.extend_from_slice(&[0u8; 32]);
    cd
}

/// The contract's storage trie holds slots 0 and 1 only: a branch with two hashed leaves
/// (keccak(0) starts with nibble 2, keccak(1) with b). Clearing slot 0 collapses the branch onto
/// slot 1's leaf, which a proven pre-state (proofs of the touched slot 0 only) does not reveal.
#[test]
fn deleting_onto_an_unrevealed_sibling_needs_the_sibling_node() {
    assert_eq!(keccak256(U256::ZERO.to_be_bytes::<32>())[0] >> 4, 0x2);
    assert_eq!(keccak256(U256::from(1).to_be_bytes::<32>())[0] >> 4, 0xb);
    let input = common::one_call_block(SETTER, &[(0, 7), (1, 9)], clear_slot_calldata(0));
    let full = trace(&input).unwrap();
    assert!(full.checks.all_pass(), "{:?}", full.checks);
    let proven = common::proven(&input, &full);
    let touched = &proven.pre_state.accounts[&common::CONTRACT].storage;
    assert_eq!(touched.keys().collect::<Vec<_>>(), [&U256::ZERO], "only slot 0 is proven");
    // Without the sibling: a clean, named error.
    match trace(&proven) {
        Err(WitnessError::Trie { input, source: TrieError::MissingNode { hash, .. } }) => {
            assert!(input.contains(&common::CONTRACT.to_string()), "{input}");
            assert!(!proven.pre_state.proof_nodes.iter().any(|n| keccak256(n) == hash));
        }
        other => panic!("expected a missing sibling node, got {other:?}"),
    }
    // With the candidates a post-state proof of slot 0 yields, the deletion goes through.
    let post = full.mpt.post_proofs.iter().find(|p| p.address == common::CONTRACT).unwrap();
    let slot0 = post.storage.iter().find(|s| s.key == U256::ZERO).unwrap();
    assert_eq!(slot0.value, U256::ZERO);
    let mut with_sibling = proven.clone();
    with_sibling.pre_state.sibling_nodes = sibling_candidates(&slot0.proof);
    let w = trace(&with_sibling).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.mpt.post_root, full.mpt.post_root);
    // A wrong candidate is never trusted: unrelated nodes change nothing.
    let mut junk = proven.clone();
    junk.pre_state.sibling_nodes = vec![vec![0xc2, 0x80, 0x80].into(), alloy_primitives::Bytes::from(vec![0x80; 40])];
    assert!(matches!(trace(&junk), Err(WitnessError::Trie { .. })));
}
