//! The embedded default block: loads, re-executes with all self-checks passing, records what the
//! block is meant to show, round-trips through both codecs, and matches its generator.

use rebuttal_witness::model::*;
use rebuttal_witness::source::embedded;
use rebuttal_witness::{WitnessSummary, codec, trace};

fn witness() -> BlockWitness {
    let input = embedded::load().expect("embedded block parses");
    trace(&input).expect("embedded block traces")
}

#[test]
fn embedded_block_traces_and_passes_self_checks() {
    let input = embedded::load().unwrap();
    assert_eq!(input.transactions.len(), 8);
    let w = trace(&input).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.checks.state_root_matches, Some(true));
    assert_eq!(w.checks.logs_hash_matches, Some(true));
    assert_ne!(w.mpt.pre_root, w.mpt.post_root);
    // Senders were recovered from the signatures, not copied.
    for (t, tx) in w.txs.iter().zip(&input.transactions) {
        let again = TxInput::decode("re-decode", &tx.raw).unwrap();
        assert_eq!(again.sender, t.tx.sender);
    }
    let status: Vec<TxStatus> = w.txs.iter().map(|t| t.status).collect();
    assert_eq!(
        status,
        [
            TxStatus::Success,
            TxStatus::Success,
            TxStatus::Success,
            TxStatus::Success,
            TxStatus::Success,
            TxStatus::Revert,
            TxStatus::Success,
            TxStatus::Success
        ]
    );
    assert!(w.txs[1].created_address.is_some(), "token deployment");
    // tx 4: Caller calls the token twice; the second call reverts inside a successful tx.
    let frames = &w.txs[4].frames;
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[2].outcome, FrameOutcome::Revert);
    assert!(!frames[2].is_persistent && frames[0].is_persistent);
    assert!(!w.txs[4].logs.is_empty(), "Seen event");
    assert!(w.txs[2].logs.len() == 1 && w.txs[2].logs[0].topics.len() == 3, "Transfer event");
    // tx 6: 64 SHA3 rounds.
    let sha3 = w.txs[6].steps.iter().filter(|s| s.opcode == 0x20).count();
    assert!(sha3 >= 64, "{sha3} SHA3 steps");
    assert!(w.keccak_inputs.iter().filter(|k| k.kind == KeccakKind::Sha3).count() >= 64);
    // Every keccak input hashes to its output.
    for k in &w.keccak_inputs {
        assert_eq!(alloy_primitives::keccak256(&k.input), k.output, "{:?}", k.kind);
    }
    // Steps' read/write ranges tile the log without overlap.
    for t in &w.txs {
        let mut next = 0;
        for s in &t.steps {
            assert!(s.rw_counter >= next, "step at pc {} overlaps", s.pc);
            next = s.rw_counter + s.rw_count as u64;
        }
    }
    assert!(w.txs[7].gas_refunded > 0, "clearing a slot refunds gas");
    let s = WitnessSummary::of(&w);
    assert!(s.checks_pass && s.steps > 1000 && s.rws > s.steps);
    for tag in [
        "Stack",
        "Memory",
        "Storage",
        "Account",
        "CallContext",
        "TxLog",
        "TxReceipt",
        "TxAccessListAccount",
        "TxRefund",
    ] {
        assert!(s.rws_by_tag.get(tag).copied().unwrap_or(0) > 0, "no {tag} entries");
    }
}

#[test]
fn sort_keys_order_the_log_as_the_state_circuit_does() {
    let w = witness();
    let mut keys: Vec<RwSortKey> = w.rws.iter().map(|e| e.sort_key()).collect();
    keys.sort();
    // Within one key (all fields but the counter), the sorted entries' counters ascend and the
    // first entry of a storage key that is a write has the pre-state as prev.
    for pair in keys.windows(2) {
        assert!(pair[0] < pair[1], "duplicate sort key {:?}", pair[0]);
    }
}

#[test]
fn witness_round_trips_through_json_and_binary() {
    let w = witness();
    let json = codec::to_json(&w).unwrap();
    assert_eq!(codec::from_json(&json).unwrap(), w);
    let bin = codec::to_binary(&w).unwrap();
    assert!(bin.len() < json.len());
    assert_eq!(codec::from_binary(&bin).unwrap(), w);
    // Wrong version and truncation are errors, not panics.
    let mut bad = bin.clone();
    bad[4] = 99;
    assert!(codec::from_binary(&bad).is_err());
    assert!(codec::from_binary(&bin[..bin.len() / 2]).is_err());
    assert!(codec::from_json(&json.replacen("\"version\":1", "\"version\":7", 1)).is_err());
}

#[test]
fn checked_in_block_matches_its_generator() {
    let rebuilt = embedded::build().unwrap();
    let loaded = embedded::load().unwrap();
    assert_eq!(
        rebuilt, loaded,
        "witness/data/embedded-block.json is stale: run `cargo run -p rebuttal-witness --bin gen-embedded-block`"
    );
}

#[test]
fn tampered_log_fails_the_replay_check() {
    let input = embedded::load().unwrap();
    let w = trace(&input).unwrap();
    let pre = rebuttal_witness::execute::World::from_pre_state(&input.pre_state);
    let post = rebuttal_witness::execute::execute(&input).unwrap().post;
    assert_eq!(rebuttal_witness::check::replay_matches(&pre, &w.rws, &post), None);
    // Change the value of one storage write: the replay must notice.
    let mut rws = w.rws.clone();
    let i = rws.iter().position(|e| e.is_write && matches!(e.op, RwOp::Storage { .. })).unwrap();
    if let RwOp::Storage { value, .. } = &mut rws[i].op {
        *value += alloy_primitives::U256::from(1);
    }
    assert!(rebuttal_witness::check::replay_matches(&pre, &rws, &post).is_some());
    // Drop one stack write: a later read no longer matches.
    let mut rws = w.rws.clone();
    let i = rws.iter().position(|e| e.is_write && matches!(e.op, RwOp::Stack { .. })).unwrap();
    rws.remove(i);
    for (j, e) in rws.iter_mut().enumerate() {
        e.counter = j as u64 + 1;
    }
    assert!(rebuttal_witness::check::replay_matches(&pre, &rws, &post).is_some());
}

#[test]
fn proven_pre_state_gives_the_same_post_root() {
    // Turn the complete embedded pre-state into a JSON-RPC-style one: only proofs.
    let input = embedded::load().unwrap();
    let full = trace(&input).unwrap();
    let mut proven = input.clone();
    let tries = rebuttal_witness::mpt_witness::pre_state_tries(&input).unwrap();
    let mut nodes = std::collections::BTreeSet::new();
    for p in &full.mpt.pre_proofs {
        nodes.extend(p.proof.iter().cloned());
        for s in &p.storage {
            nodes.extend(s.proof.iter().cloned());
        }
    }
    proven.pre_state.complete = false;
    proven.pre_state.proof_nodes = nodes.into_iter().collect();
    proven.pre_state.accounts.clear();
    for p in &full.mpt.pre_proofs {
        let leaf = tries.account(&p.address).unwrap();
        let mut acc = match leaf {
            Some(l) => PreAccount {
                nonce: l.nonce,
                balance: l.balance,
                code_hash: l.code_hash,
                storage_root: l.storage_root,
                exists: true,
                ..Default::default()
            },
            None => PreAccount {
                code_hash: revm::primitives::KECCAK_EMPTY,
                storage_root: rebuttal_witness::trie::EMPTY_ROOT,
                ..Default::default()
            },
        };
        for s in &p.storage {
            acc.storage.insert(s.key, s.value);
        }
        proven.pre_state.accounts.insert(p.address, acc);
    }
    let w = trace(&proven).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.mpt.post_root, full.mpt.post_root);
    // A proof that does not match its root is an error naming the account.
    let mut bad = proven.clone();
    let (addr, acc) = bad.pre_state.accounts.iter_mut().find(|(_, a)| a.exists).unwrap();
    let addr = *addr;
    acc.balance += alloy_primitives::U256::from(1);
    match trace(&bad) {
        Err(rebuttal_witness::WitnessError::ProofMismatch { input, .. }) => {
            assert!(input.contains(&addr.to_string()), "{input}")
        }
        other => panic!("expected a proof mismatch, got {other:?}"),
    }
    // Dropping an account the block needs is reported as missing, not silently empty.
    let mut short = proven.clone();
    let sender = short.transactions[0].sender;
    short.pre_state.accounts.remove(&sender);
    assert!(matches!(trace(&short), Err(rebuttal_witness::WitnessError::IncompletePreState { .. })));
}
