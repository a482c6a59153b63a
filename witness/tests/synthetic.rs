//! Small hand-built blocks that show one behaviour each: warm coinbase and precompiles and the
//! return-data fields of a precompile call; deleting a slot or an account whose branch
//! collapses onto a sibling (a leaf, or a branch) that a proven pre-state does not reveal.

mod common;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use rebuttal_witness::model::*;
use rebuttal_witness::trie::{Node, TrieError, sibling_candidates};
use rebuttal_witness::{WitnessError, trace};
use revm::primitives::KECCAK_EMPTY;

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
    // The post-state proof itself, as a deletion proof: the candidate comes from it, checked by
    // its hash, so the update carries the leaf and the witness is provable.
    let mut with_proof = proven.clone();
    with_proof.header.state_root = Some(full.mpt.post_root);
    with_proof.pre_state.deletion_proofs = vec![deletion_proof(&full, common::CONTRACT, &[U256::ZERO])];
    let w = trace(&with_proof).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.mpt.post_root, full.mpt.post_root);
    let u = update_of(&w, &TrieUpdateKind::Storage { address: common::CONTRACT, key: U256::ZERO });
    let leaf = u.sibling.and_then(|s| s.node).expect("the sibling leaf is in the witness");
    assert!(matches!(Node::decode(&leaf).unwrap(), Node::Leaf { .. }));
    // A wrong candidate is never trusted: unrelated nodes change nothing.
    let mut junk = proven.clone();
    junk.pre_state.sibling_nodes = vec![vec![0xc2, 0x80, 0x80].into(), alloy_primitives::Bytes::from(vec![0x80; 40])];
    assert!(matches!(trace(&junk), Err(WitnessError::Trie { .. })));
}

/// The post-state proof a JSON-RPC source would fetch for a deleted key: `eth_getProof` at the
/// block, here cut from a full trace's post-state proofs.
fn deletion_proof(w: &BlockWitness, address: Address, slots: &[U256]) -> DeletionProof {
    let p = w.mpt.post_proofs.iter().find(|p| p.address == address).unwrap();
    let storage = slots.iter().map(|k| (*k, p.storage.iter().find(|s| s.key == *k).unwrap().proof.clone())).collect();
    DeletionProof { address, account_proof: p.proof.clone(), storage }
}

fn nibble(key: B256, i: usize) -> u8 {
    (key[i / 2] >> (4 * (1 - i % 2))) & 0x0f
}

fn update_of(w: &BlockWitness, kind: &TrieUpdateKind) -> TrieUpdate {
    w.mpt.updates.iter().find(|u| &u.kind == kind).unwrap_or_else(|| panic!("no update {kind:?}")).clone()
}

/// What the tests of a deletion onto an unrevealed branch check, for any trie: `input` has a
/// complete pre-state, `kind` is the deletion, `deletion` what the source would fetch at the
/// block. Returns the proven input (partial tries, header root set) and the sibling.
fn check_branch_sibling_deletion(
    input: &BlockInput,
    kind: &TrieUpdateKind,
    deletion: impl Fn(&BlockWitness) -> DeletionProof,
) -> (BlockInput, BlockWitness, CollapseSibling) {
    let full = trace(input).unwrap();
    assert!(full.checks.all_pass(), "{:?}", full.checks);
    // On the full tries the witness carries the sibling branch's node, for the MPT circuit.
    let sibling = update_of(&full, kind).sibling.expect("the deletion collapses its branch");
    let node = sibling.node.clone().expect("the full trie reveals the sibling");
    assert_eq!(keccak256(&node), sibling.hash);
    assert!(matches!(Node::decode(&node).unwrap(), Node::Branch { .. }), "the sibling is a branch");
    assert!(full.keccak_inputs.iter().any(|k| k.input == node), "the circuit hashes the sibling");

    let mut proven = common::proven(input, &full);
    proven.header.state_root = Some(full.mpt.post_root);
    assert!(!proven.pre_state.proof_nodes.contains(&node), "the touched keys' proofs do not reveal it");
    // Nothing about the sibling: the clean MissingNode error, naming the key.
    match trace(&proven) {
        Err(WitnessError::Trie { input, source: TrieError::MissingNode { hash, .. } }) => {
            assert_eq!(hash, sibling.hash);
            let address = match kind {
                TrieUpdateKind::Account { address } | TrieUpdateKind::Storage { address, .. } => address,
            };
            assert!(input.contains(&address.to_string()), "{input}");
        }
        other => panic!("expected a missing sibling node, got {other:?}"),
    }
    // The post-state proof alone: it shows an extension over the sibling's hash, so the sibling
    // is a branch. The root is the full trie's; the update says the circuit cannot prove it.
    let mut typed = proven.clone();
    typed.pre_state.deletion_proofs = vec![deletion(&full)];
    let w = trace(&typed).unwrap();
    assert_eq!(w.mpt.post_root, full.mpt.post_root);
    assert_eq!(update_of(&w, kind).sibling, Some(CollapseSibling { hash: sibling.hash, node: None }));
    assert!(w.checks.rw_replay.is_none() && w.checks.rw_sorted.is_none() && w.checks.mpt_updates.is_none());
    let problem = w.checks.mpt_siblings.as_ref().expect("the update is flagged");
    assert!(problem.contains("cannot prove") && problem.contains(&sibling.hash.to_string()), "{problem}");
    assert!(!w.checks.all_pass());
    // The sibling's node (as debug_executionWitness, or a probe key's proof, supplies it): the
    // witness is the full trie's.
    let mut revealed = proven.clone();
    revealed.pre_state.sibling_nodes = vec![node];
    let w = trace(&revealed).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.mpt.post_root, full.mpt.post_root);
    assert_eq!(update_of(&w, kind), update_of(&full, kind));
    (proven, full, sibling)
}

/// Slots 1 and `s` hash under nibble b (then 1 and another nibble), slot 0 under nibble 2:
/// clearing slot 0 collapses the root branch of the storage trie onto the branch at `b`, which
/// the proof of slot 0 shows only by its hash.
#[test]
fn clearing_a_slot_onto_an_unrevealed_branch_sibling() {
    let slot = |s: u64| keccak256(U256::from(s).to_be_bytes::<32>());
    assert_eq!((nibble(slot(0), 0), nibble(slot(1), 0), nibble(slot(1), 1)), (0x2, 0xb, 0x1));
    let s = (2u64..).find(|s| nibble(slot(*s), 0) == 0xb && nibble(slot(*s), 1) != 0x1).unwrap();
    let block = |storage: &[(u64, u64)], calldata| common::one_call_block(SETTER, storage, calldata);
    let input = block(&[(0, 7), (1, 9), (s, 5)], clear_slot_calldata(0));
    let kind = TrieUpdateKind::Storage { address: common::CONTRACT, key: U256::ZERO };
    let (proven, _, sibling) =
        check_branch_sibling_deletion(&input, &kind, |w| deletion_proof(w, common::CONTRACT, &[U256::ZERO]));

    // A forged post-state node (another extension child) no longer hashes to the header's
    // root: the error names the slot, the account and the problem.
    let honest = trace(&input).unwrap();
    let mut forged = proven.clone();
    let mut d = deletion_proof(&honest, common::CONTRACT, &[U256::ZERO]);
    let last = d.storage[0].1.last_mut().unwrap();
    let Node::Extension { path, .. } = Node::decode(last).unwrap() else { panic!("the proof ends in an extension") };
    *last = Node::Extension { path, child: Box::new(Node::Hash(B256::repeat_byte(0x66))) }.encode().into();
    forged.pre_state.deletion_proofs = vec![d];
    match trace(&forged) {
        Err(WitnessError::ProofMismatch { input, reason, .. }) => {
            assert!(input.contains("post-state proof of slot 0x0") && input.contains(&common::CONTRACT.to_string()));
            assert!(reason.contains("hashes to"), "{reason}");
        }
        other => panic!("expected a proof mismatch, got {other:?}"),
    }
    // A consistent post-state of another block (slot 1 holds 10, not 9): its proofs verify
    // against its own root, but the extension there points at another branch.
    let other = trace(&block(&[(0, 7), (1, 10), (s, 5)], clear_slot_calldata(0))).unwrap();
    let mut lying = proven.clone();
    lying.header.state_root = Some(other.mpt.post_root);
    lying.pre_state.deletion_proofs = vec![deletion_proof(&other, common::CONTRACT, &[U256::ZERO])];
    match trace(&lying) {
        Err(WitnessError::ProofMismatch { input, reason, root }) => {
            assert_eq!(root, other.mpt.post_root);
            assert!(input.contains("slot 0x0") && input.contains(&common::CONTRACT.to_string()), "{input}");
            assert!(input.contains("deleted by the block"), "{input}");
            assert!(reason.contains("ends in an extension 0xb over") && reason.contains(&sibling.hash.to_string()));
        }
        other => panic!("expected a proof mismatch, got {other:?}"),
    }
    // A post-state proof that shows the slot still set (a block that writes 8 to it).
    let kept = trace(&block(&[(0, 7), (1, 9), (s, 5)], {
        let mut cd = clear_slot_calldata(0);
        cd[63] = 8;
        cd
    }))
    .unwrap();
    let mut stale = proven.clone();
    stale.header.state_root = Some(kept.mpt.post_root);
    stale.pre_state.deletion_proofs = vec![deletion_proof(&kept, common::CONTRACT, &[U256::ZERO])];
    match trace(&stale) {
        Err(WitnessError::ProofMismatch { input, reason, .. }) => {
            assert!(input.contains("slot 0x0"), "{input}");
            assert!(reason.contains("the proof shows it holding 0x08"), "{reason}");
        }
        other => panic!("expected a proof mismatch, got {other:?}"),
    }
    // Deletion proofs need a header root to verify them against.
    let mut rootless = proven.clone();
    rootless.header.state_root = None;
    rootless.pre_state.deletion_proofs = vec![deletion_proof(&honest, common::CONTRACT, &[U256::ZERO])];
    assert!(matches!(trace(&rootless), Err(WitnessError::Malformed { .. })));
}

/// SSTORE(0, 1); CALL(gas, target, 0, 0, 0, 0, 0) POP STOP.
fn call_code(target: Address) -> Vec<u8> {
    let mut code = vec![0x60, 0x01, 0x60, 0x00, 0x55, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73];
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x00]);
    code
}

/// An empty account (EIP-161) that a call touches is deleted. Its hashed address shares its
/// first nibble only with two funded accounts, which share a second nibble between them: the
/// deletion collapses the branch under that first nibble onto the branch of the two, which no
/// touched account's proof reveals.
#[test]
fn deleting_an_account_onto_an_unrevealed_branch_sibling() {
    let hashed = |a: &Address| keccak256(a);
    let sender = rebuttal_witness::source::embedded::test_key("synthetic").address();
    let used: Vec<u8> = [sender, common::CONTRACT, common::COINBASE].iter().map(|a| nibble(hashed(a), 0)).collect();
    let first = (0u8..16).find(|n| !used.contains(n)).unwrap();
    let candidates = || (1u64..).map(|i| Address::left_padding_from(&(0xe000_0000 + i).to_be_bytes()));
    let empty = candidates().find(|a| nibble(hashed(a), 0) == first).unwrap();
    let second = (nibble(hashed(&empty), 1) + 1) % 16;
    let under = |a: &Address| nibble(hashed(a), 0) == first && nibble(hashed(a), 1) == second;
    let x1 = candidates().find(under).unwrap();
    let x2 = candidates().find(|a| under(a) && nibble(hashed(a), 2) != nibble(hashed(&x1), 2)).unwrap();

    let mut input = common::one_call_block(&call_code(empty), &[], Vec::new());
    let code = Bytes::from(call_code(empty));
    input.pre_state.accounts.get_mut(&common::CONTRACT).unwrap().code_hash = keccak256(&code);
    input.pre_state.codes = [(keccak256(&code), code)].into_iter().collect();
    let empty_account = PreAccount { code_hash: KECCAK_EMPTY, exists: true, ..Default::default() };
    input.pre_state.accounts.insert(empty, empty_account.clone());
    for x in [x1, x2] {
        input.pre_state.accounts.insert(x, PreAccount { balance: U256::from(1), ..empty_account.clone() });
    }
    input.pre_state.state_root = B256::ZERO;
    input.pre_state.state_root = rebuttal_witness::mpt_witness::pre_state_tries(&input).unwrap().root();
    let kind = TrieUpdateKind::Account { address: empty };
    let (proven, full, _) = check_branch_sibling_deletion(&input, &kind, |w| deletion_proof(w, empty, &[]));
    assert!(update_of(&full, &kind).new_value.is_empty(), "EIP-161 deletes the touched empty account");
    assert!(!proven.pre_state.accounts.contains_key(&x1) && !proven.pre_state.accounts.contains_key(&x2));

    // The post-state proof of an account the block keeps is no deletion proof.
    let mut wrong = proven.clone();
    wrong.pre_state.deletion_proofs = vec![deletion_proof(&full, common::CONTRACT, &[])];
    match trace(&wrong) {
        Err(WitnessError::ProofMismatch { input, reason, .. }) => {
            assert!(input.contains(&common::CONTRACT.to_string()), "{input}");
            assert!(reason.contains("shows it present"), "{reason}");
        }
        other => panic!("expected a proof mismatch, got {other:?}"),
    }
    // The deleted account's post-state proof from a block where it survives (a funded account
    // is not deleted by a touch): the collapse never happened there.
    let mut funded = input.clone();
    funded.pre_state.accounts.get_mut(&empty).unwrap().balance = U256::from(1);
    funded.pre_state.state_root = B256::ZERO;
    funded.pre_state.state_root = rebuttal_witness::mpt_witness::pre_state_tries(&funded).unwrap().root();
    let survived = trace(&funded).unwrap();
    let mut stale = proven.clone();
    stale.header.state_root = Some(survived.mpt.post_root);
    stale.pre_state.deletion_proofs = vec![deletion_proof(&survived, empty, &[])];
    assert!(
        matches!(trace(&stale), Err(WitnessError::ProofMismatch { reason, .. }) if reason.contains("shows it present"))
    );
}

/// A call whose code touches no state (STOP): the root call still reads the target's code
/// hash, as a CALL opcode reads its callee's, so the code that runs is tied to the state and the
/// target's account is proven under both roots.
#[test]
fn the_root_call_reads_its_targets_code_hash() {
    let code = [0x00u8];
    let input = common::one_call_block(&code, &[], Vec::new());
    let w = trace(&input).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    let expected = U256::from_be_bytes(keccak256(code).0);
    let reads: Vec<&RwEntry> = w
        .rws
        .iter()
        .filter(|e| {
            !e.is_write
                && matches!(e.op, RwOp::Account { address, field: AccountField::CodeHash, value, .. }
                    if address == common::CONTRACT && value == expected)
        })
        .collect();
    assert_eq!(reads.len(), 1, "one read of the target's code hash");
    let (start, end) = w.txs[0].rw_range;
    assert!((start..end).contains(&reads[0].counter), "the read belongs to the transaction");
    for proofs in [&w.mpt.pre_proofs, &w.mpt.post_proofs] {
        assert!(proofs.iter().any(|p| p.address == common::CONTRACT), "the target's account is proven");
    }
}
