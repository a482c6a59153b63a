//! The embedded default block: loads, re-executes with all self-checks passing, records what the
//! block is meant to show, round-trips through both codecs, and matches its generator.

mod common;

use alloy_primitives::{Address, U256, address, b256};
use rebuttal_witness::execute::system::{BEACON_ROOTS_ADDRESS, SYSTEM_ADDRESS, beacon_root_slots};
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
    let version = format!("\"version\":{}", codec::FORMAT_VERSION);
    assert!(json.contains(&version));
    assert!(codec::from_json(&json.replacen(&version, "\"version\":7", 1)).is_err());
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
    let proven = common::proven(&input, &full);
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
    // So is the beacon-roots contract, which the system call needs before any transaction.
    let mut short = proven.clone();
    short.pre_state.accounts.remove(&BEACON_ROOTS_ADDRESS);
    match trace(&short) {
        Err(rebuttal_witness::WitnessError::IncompletePreState { keys, .. }) => {
            assert!(keys.contains(&rebuttal_witness::MissingKey::Account(BEACON_ROOTS_ADDRESS)), "{keys:?}")
        }
        other => panic!("expected a missing beacon-roots contract, got {other:?}"),
    }
}

#[test]
fn beacon_root_system_call_writes_timestamp_and_root_slots() {
    // The constants as EIP-4788 states them, and the contract's published code hash.
    assert_eq!(BEACON_ROOTS_ADDRESS, address!("000F3df6D732807Ef1319fB7B8bB8522d0Beac02"));
    assert_eq!(SYSTEM_ADDRESS, address!("fffffffffffffffffffffffffffffffffffffffe"));
    let code = &alloy_eips::eip4788::BEACON_ROOTS_CODE;
    assert_eq!(
        alloy_primitives::keccak256(code),
        b256!("f57acd40259872606d76197ef052f3d35588dadf919ee1f0e3cb9b62d3f4b02c")
    );
    let input = embedded::load().unwrap();
    let root = input.header.parent_beacon_block_root.expect("the embedded header has a parent beacon root");
    let w = trace(&input).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    assert_eq!(w.system_calls.len(), 1);
    let call = &w.system_calls[0];
    assert!(!call.skipped && call.status == TxStatus::Success, "{call:?}");
    assert_eq!((call.tx_id, call.caller, call.target), (0, SYSTEM_ADDRESS, BEACON_ROOTS_ADDRESS));
    assert_eq!(call.input.as_ref(), root.as_slice());
    assert_eq!(
        (call.gas_limit, call.frames[0].gas_limit, call.steps[0].gas_left),
        (30_000_000, 30_000_000, 30_000_000)
    );
    // Its entries come first in the log, before the first transaction's.
    assert_eq!(call.rw_range.0, 1);
    assert_eq!(call.rw_range.1, w.txs[0].rw_range.0);
    let writes: Vec<(U256, U256, U256, u32)> = common::rws_in(&w, call.rw_range.0, call.rw_range.1)
        .iter()
        .filter(|e| e.is_write)
        .filter_map(|e| match &e.op {
            RwOp::Storage { tx_id, address, key, value, prev, .. } if *address == BEACON_ROOTS_ADDRESS => {
                Some((*key, *value, *prev, *tx_id))
            }
            _ => None,
        })
        .collect();
    let ts = input.header.timestamp;
    let (ts_slot, root_slot) = beacon_root_slots(ts);
    assert_eq!(ts_slot, U256::from(ts % 8191));
    assert_eq!(root_slot, U256::from(ts % 8191 + 8191));
    assert_eq!(
        writes,
        [(ts_slot, U256::from(ts), U256::ZERO, 0), (root_slot, U256::from_be_bytes(root.0), U256::ZERO, 0)]
    );
    // No nonce or balance of the system address changes, and no receipt is written.
    assert!(common::rws_in(&w, call.rw_range.0, call.rw_range.1).iter().all(|e| match &e.op {
        RwOp::Account { address, .. } => !(e.is_write && *address == SYSTEM_ADDRESS),
        RwOp::TxReceipt { .. } => false,
        _ => true,
    }));
    // The post-state proofs show the two slots.
    let proof = w.mpt.post_proofs.iter().find(|p| p.address == BEACON_ROOTS_ADDRESS).unwrap();
    let slot = |k: U256| proof.storage.iter().find(|s| s.key == k).map(|s| s.value);
    assert_eq!(slot(ts_slot), Some(U256::from(ts)));
    assert_eq!(slot(root_slot), Some(U256::from_be_bytes(root.0)));
    // Plain revm applies the same call: the same post-state.
    let plain = rebuttal_witness::execute::execute_plain(&input).unwrap();
    assert_eq!(plain.post.storage(&BEACON_ROOTS_ADDRESS, &root_slot), U256::from_be_bytes(root.0));
}

#[test]
fn beacon_root_call_is_skipped_without_contract_code() {
    let mut input = embedded::load().unwrap();
    input.pre_state.accounts.remove(&BEACON_ROOTS_ADDRESS);
    input.pre_state.state_root = alloy_primitives::B256::ZERO;
    input.pre_state.state_root = rebuttal_witness::mpt_witness::pre_state_tries(&input).unwrap().root();
    input.expected = Expected::default();
    let w = trace(&input).unwrap();
    assert!(w.checks.all_pass(), "{:?}", w.checks);
    let call = &w.system_calls[0];
    assert!(call.skipped && call.steps.is_empty());
    // The only entry is the read that shows the contract has no code.
    let entries = common::rws_in(&w, call.rw_range.0, call.rw_range.1);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].op,
        RwOp::Account {
            address: BEACON_ROOTS_ADDRESS,
            field: AccountField::CodeHash,
            value: U256::from_be_bytes(revm::primitives::KECCAK_EMPTY.0),
            prev: U256::from_be_bytes(revm::primitives::KECCAK_EMPTY.0),
        }
    );
    assert!(!w.mpt.post_proofs.iter().any(|p| p.address == BEACON_ROOTS_ADDRESS && !p.leaf.is_empty()));
}

#[test]
fn transaction_ids_follow_the_system_call() {
    let w = witness();
    for (i, t) in w.txs.iter().enumerate() {
        assert_eq!(t.tx_id, rebuttal_witness::execute::tx_id_of(i));
        assert_eq!(t.tx_id, i as u32 + 1);
        for e in common::rws_in(&w, t.rw_range.0, t.rw_range.1) {
            let id = match &e.op {
                RwOp::Storage { tx_id, .. }
                | RwOp::TransientStorage { tx_id, .. }
                | RwOp::TxRefund { tx_id, .. }
                | RwOp::TxAccessListAccount { tx_id, .. }
                | RwOp::TxAccessListStorage { tx_id, .. }
                | RwOp::TxLog { tx_id, .. }
                | RwOp::TxReceipt { tx_id, .. } => *tx_id,
                RwOp::CallContext { field: CallContextField::TxId, value, .. } => value.to::<u32>(),
                _ => continue,
            };
            assert_eq!(id, t.tx_id, "entry #{} of tx {i}", e.counter);
        }
    }
}

/// Every transaction starts with its sender, target, coinbase (EIP-3651) and the Cancun
/// precompiles 0x01..=0x0a warm, written before its first step; tx 3's access list too.
#[test]
fn transactions_start_with_coinbase_precompiles_and_access_list_warm() {
    let input = embedded::load().unwrap();
    let w = trace(&input).unwrap();
    for t in &w.txs {
        let first_step = t.steps.first().map(|s| s.rw_counter).unwrap_or(t.rw_range.1);
        let warm: std::collections::BTreeSet<Address> = common::rws_in(&w, t.rw_range.0, first_step)
            .iter()
            .filter_map(|e| match &e.op {
                RwOp::TxAccessListAccount { tx_id, address, warm: true, prev: false } if *tx_id == t.tx_id => {
                    Some(*address)
                }
                _ => None,
            })
            .collect();
        let mut expected: std::collections::BTreeSet<Address> = (1u8..=0x0a).map(Address::with_last_byte).collect();
        expected.insert(input.header.coinbase);
        expected.insert(t.tx.sender);
        expected.insert(t.tx.to.or(t.created_address).unwrap());
        for e in &t.tx.access_list {
            expected.insert(e.address);
        }
        assert_eq!(warm, expected, "tx {}", t.index);
    }
    assert!(!w.txs[3].tx.access_list.is_empty());
}

/// Each account or slot access writes its warmth with `prev` = warm before, and the gas the
/// step paid agrees: SLOAD 100 warm / 2100 cold; CALL without value 100 / 2600 plus memory.
#[test]
fn accesses_record_warmth_that_matches_their_gas() {
    let w = witness();
    let (mut sloads, mut calls) = (0, 0);
    for t in &w.txs {
        for (i, s) in t.steps.iter().enumerate() {
            if s.error.is_some() {
                continue;
            }
            let rws = common::step_rws(&w, s);
            match s.opcode {
                0x54 => {
                    let prev = rws
                        .iter()
                        .find_map(|e| match e.op {
                            RwOp::TxAccessListStorage { warm: true, prev, .. } => Some(prev),
                            _ => None,
                        })
                        .expect("SLOAD writes slot warmth");
                    assert_eq!(s.gas_cost, if prev { 100 } else { 2100 }, "SLOAD at pc {}", s.pc);
                    sloads += 1;
                }
                0xf1 | 0xfa => {
                    let value = rws.iter().filter(|e| matches!(e.op, RwOp::Stack { .. }) && !e.is_write).nth(2);
                    if s.opcode == 0xf1
                        && value.is_some_and(|v| !matches!(v.op, RwOp::Stack { value, .. } if value.is_zero()))
                    {
                        continue;
                    }
                    let prev = rws
                        .iter()
                        .find_map(|e| match e.op {
                            RwOp::TxAccessListAccount { warm: true, prev, .. } => Some(prev),
                            _ => None,
                        })
                        .expect("a call writes the callee's warmth");
                    let next = t.steps[i + 1..].iter().find(|n| n.call_id == s.call_id).unwrap();
                    let memory = common::memory_gas(next.memory_size) - common::memory_gas(s.memory_size);
                    assert_eq!(s.gas_cost, memory + if prev { 100 } else { 2600 }, "call at pc {}", s.pc);
                    calls += 1;
                }
                _ => {}
            }
        }
    }
    assert!(sloads > 5 && calls >= 2, "{sloads} SLOADs, {calls} calls checked");
}

/// CALL and CREATE steps record their own cost and the gas they forward separately: the
/// child's gas limit is the forwarded gas (plus the stipend of a value call), and the frame
/// gets back what the child leaves.
#[test]
fn frame_steps_split_own_cost_and_forwarded_gas() {
    let w = witness();
    let mut checked = 0;
    for t in &w.txs {
        let mut children = t.frames.iter().skip(1);
        for (i, s) in t.steps.iter().enumerate() {
            if !matches!(s.opcode, 0xf0 | 0xf1 | 0xf2 | 0xf4 | 0xf5 | 0xfa) || s.error.is_some() {
                assert_eq!(s.forwarded_gas, 0);
                continue;
            }
            let child = children.next().expect("a frame step opens a child");
            assert_eq!(child.parent_id, s.call_id);
            let stipend = if s.opcode == 0xf1 && !child.value.is_zero() { 2300 } else { 0 };
            assert_eq!(s.forwarded_gas + stipend, child.gas_limit, "step at pc {}", s.pc);
            // EIP-150: at most all but one 64th of what is left after the step's own cost.
            let after = s.gas_left - s.gas_cost;
            assert!(s.forwarded_gas <= after - after / 64);
            let next = t.steps[i + 1..].iter().find(|n| n.call_id == s.call_id).unwrap();
            assert_eq!(next.gas_left, after - s.forwarded_gas + (child.gas_limit - child.gas_used), "pc {}", s.pc);
            assert!(s.gas_cost < 40_000, "own cost {} at pc {}", s.gas_cost, s.pc);
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} frame steps");
}

/// When a child ends, its caller's context records it as the last callee: id, the offset of
/// its RETURN/REVERT data in its memory, and the length of the caller's return-data buffer.
#[test]
fn last_callee_return_data_fields_are_written_when_a_child_ends() {
    let w = witness();
    let t = &w.txs[4];
    let mut checked = 0;
    for child in t.frames.iter().skip(1) {
        let last = t.steps.iter().rev().find(|s| s.call_id == child.call_id).unwrap();
        assert!(matches!(last.opcode, 0xf3 | 0xfd), "the token returns or reverts");
        let offset = common::step_rws(&w, last)
            .iter()
            .find_map(|e| match e.op {
                RwOp::Memory { address, .. } if !e.is_write => Some(address),
                _ => None,
            })
            .unwrap_or(0);
        let field = |f: CallContextField| {
            // The step that ends a frame also makes the entries that restore its caller.
            common::rws_in(&w, last.rw_counter, t.rw_range.1).iter().find_map(|e| match &e.op {
                RwOp::CallContext { call_id, field, value }
                    if e.is_write && *call_id == child.parent_id && *field == f =>
                {
                    Some(*value)
                }
                _ => None,
            })
        };
        assert_eq!(field(CallContextField::LastCalleeId), Some(U256::from(child.call_id)));
        assert_eq!(field(CallContextField::LastCalleeReturnDataLength), Some(U256::from(child.return_data_len)));
        let expected_offset = if child.return_data_len == 0 { 0 } else { offset };
        assert_eq!(field(CallContextField::LastCalleeReturnDataOffset), Some(U256::from(expected_offset)));
        checked += 1;
    }
    assert_eq!(checked, 2);
    // RETURNDATASIZE reads the length field of its own frame.
    let reads = t.steps.iter().filter(|s| s.opcode == 0x3d).count();
    assert!(reads > 0, "Solidity checks RETURNDATASIZE after a call");
    for s in t.steps.iter().filter(|s| s.opcode == 0x3d) {
        let e = &common::step_rws(&w, s)[0];
        assert!(matches!(
            e.op,
            RwOp::CallContext { field: CallContextField::LastCalleeReturnDataLength, call_id, .. } if call_id == s.call_id
        ));
    }
}

/// Stack convention: pointers count from the bottom, 0-based; with `d` items the top is at
/// `d - 1`. ADD reads `d-1` and `d-2` and writes `d-2`; PUSH writes `d`; DUP1 reads `d-1`
/// and writes `d`; SWAP1 reads and writes `d-1` and `d-2`.
#[test]
fn stack_pointers_count_from_the_bottom() {
    let w = witness();
    let mut seen = std::collections::BTreeSet::new();
    for t in &w.txs {
        for s in t.steps.iter().filter(|s| s.error.is_none()) {
            let d = s.stack_depth;
            let stack: Vec<(bool, u32)> = common::step_rws(&w, s)
                .iter()
                .filter_map(|e| match e.op {
                    // A frame's last step also pushes the result onto its caller's stack.
                    RwOp::Stack { pointer, call_id, .. } if call_id == s.call_id => Some((e.is_write, pointer)),
                    _ => None,
                })
                .collect();
            let expected: Vec<(bool, u32)> = match s.opcode {
                0x01 => vec![(false, d - 1), (false, d - 2), (true, d - 2)],
                0x60..=0x7f => vec![(true, d)],
                0x80 => vec![(false, d - 1), (true, d)],
                0x90 => vec![(false, d - 1), (false, d - 2), (true, d - 1), (true, d - 2)],
                _ => continue,
            };
            assert_eq!(stack, expected, "opcode {:#x} at pc {} with {d} items", s.opcode, s.pc);
            seen.insert(s.opcode & 0xf0);
        }
    }
    assert!([0x00, 0x60, 0x80, 0x90].iter().all(|o| seen.contains(o)), "{seen:?}");
}

/// Storage keys are block-wide: a slot touched by several transactions is one group in the
/// sorted log, its transaction ids ascend, and each entry's committed value is the slot's value
/// when its transaction started. Tampering with a committed value or a read breaks the check.
#[test]
fn storage_groups_span_transactions_in_the_sorted_log() {
    let input = embedded::load().unwrap();
    let w = trace(&input).unwrap();
    let pre = rebuttal_witness::execute::World::from_pre_state(&input.pre_state);
    assert_eq!(rebuttal_witness::check::sorted_consistency(&pre, &w.rws), None);
    let mut by_slot: std::collections::BTreeMap<(Address, U256), Vec<(u64, u32)>> = Default::default();
    for e in &w.rws {
        if let RwOp::Storage { tx_id, address, key, .. } = &e.op {
            by_slot.entry((*address, *key)).or_default().push((e.counter, *tx_id));
        }
    }
    let multi: Vec<_> = by_slot.iter().filter(|(_, v)| v.iter().any(|(_, t)| *t != v[0].1)).collect();
    assert!(multi.len() >= 2, "token balances are touched by several transactions");
    let mut sorted: Vec<RwSortKey> = w.rws.iter().map(|e| e.sort_key()).collect();
    sorted.sort();
    for ((address, key), entries) in multi {
        let group: Vec<u64> = sorted
            .iter()
            .filter(|k| {
                k.tag == RwTag::Storage && k.address == U256::from_be_slice(address.as_slice()) && k.storage_key == *key
            })
            .map(|k| k.counter)
            .collect();
        assert_eq!(group, entries.iter().map(|(c, _)| *c).collect::<Vec<_>>());
        assert!(entries.windows(2).all(|p| p[0].1 <= p[1].1));
    }
    // A committed value from the wrong transaction start is caught.
    let mut bad = w.rws.clone();
    let i = bad.iter().rposition(|e| matches!(e.op, RwOp::Storage { tx_id, .. } if tx_id > 2)).unwrap();
    if let RwOp::Storage { committed, .. } = &mut bad[i].op {
        *committed += U256::from(1);
    }
    assert!(rebuttal_witness::check::sorted_consistency(&pre, &bad).is_some());
    // So is a read that returns a stale value.
    let mut bad = w.rws.clone();
    let i = bad.iter().position(|e| !e.is_write && matches!(e.op, RwOp::Stack { .. })).unwrap();
    if let RwOp::Stack { value, prev, .. } = &mut bad[i].op {
        *value += U256::from(1);
        *prev = *value;
    }
    assert!(rebuttal_witness::check::sorted_consistency(&pre, &bad).is_some());
}
