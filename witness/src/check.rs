//! Self-checks of a witness that need no circuit.

use std::collections::HashMap;

use alloy_primitives::{Address, U256};

use crate::execute::{World, WorldAccount};
use crate::model::*;

/// Replays the read/write log on `pre`: counters must run 1, 2, 3, ...; every read must return
/// the last value written to its key (or the pre-state/initial value), every write's `prev`
/// must be that value, and every storage `committed` value must be the slot's value at the start
/// of its transaction. Returns the state the writes leave, or the first violation.
pub fn replay(pre: &World, rws: &[RwEntry]) -> Result<World, String> {
    let mut world = pre.clone();
    let mut stack: HashMap<(u32, u32), U256> = HashMap::new();
    let mut memory: HashMap<(u32, u64), u8> = HashMap::new();
    let mut transient: HashMap<(u32, Address, U256), U256> = HashMap::new();
    let mut warm_acc: HashMap<(u32, Address), bool> = HashMap::new();
    let mut warm_slot: HashMap<(u32, Address, U256), bool> = HashMap::new();
    let mut refund: HashMap<u32, u64> = HashMap::new();
    let mut call_ctx: HashMap<(u32, CallContextField), U256> = HashMap::new();
    let mut committed: HashMap<(u32, Address, U256), U256> = HashMap::new();
    let fail = |e: &RwEntry, what: String| Err(format!("rw #{} {:?}: {what}", e.counter, e.op));
    for (i, e) in rws.iter().enumerate() {
        if e.counter != i as u64 + 1 {
            return fail(e, format!("counter should be {}", i + 1));
        }
        macro_rules! check_rw {
            ($cur:expr, $value:expr, $prev:expr) => {{
                let cur = $cur;
                if e.is_write {
                    if $prev != cur {
                        return fail(e, format!("write's prev is {:?}, the key holds {:?}", $prev, cur));
                    }
                } else if $value != cur {
                    return fail(e, format!("read returns {:?}, the key holds {:?}", $value, cur));
                }
            }};
        }
        match &e.op {
            RwOp::Stack { call_id, pointer, value, prev } => {
                let cur = stack.get(&(*call_id, *pointer)).copied().unwrap_or_default();
                check_rw!(cur, *value, *prev);
                stack.insert((*call_id, *pointer), *value);
            }
            RwOp::Memory { call_id, address, value, prev } => {
                let cur = memory.get(&(*call_id, *address)).copied().unwrap_or_default();
                check_rw!(cur, *value, *prev);
                memory.insert((*call_id, *address), *value);
            }
            RwOp::Storage { tx_id, address, key, value, prev, committed: c } => {
                let cur = world.storage(address, key);
                let start = *committed.entry((*tx_id, *address, *key)).or_insert(cur);
                if *c != start {
                    return fail(e, format!("committed value {c}, the slot held {start} when the transaction started"));
                }
                check_rw!(cur, *value, *prev);
                let acc = world.accounts.entry(*address).or_default();
                if value.is_zero() {
                    acc.storage.remove(key);
                } else {
                    acc.storage.insert(*key, *value);
                }
            }
            RwOp::TransientStorage { tx_id, address, key, value, prev } => {
                let cur = transient.get(&(*tx_id, *address, *key)).copied().unwrap_or_default();
                check_rw!(cur, *value, *prev);
                transient.insert((*tx_id, *address, *key), *value);
            }
            RwOp::Account { address, field, value, prev } => {
                let def = WorldAccount::default();
                let acc = world.accounts.get(address).unwrap_or(&def);
                let cur = match field {
                    AccountField::Nonce => U256::from(acc.nonce),
                    AccountField::Balance => acc.balance,
                    AccountField::CodeHash => U256::from_be_bytes(acc.code_hash.0),
                };
                check_rw!(cur, *value, *prev);
                if e.is_write {
                    let acc = world.accounts.entry(*address).or_default();
                    match field {
                        AccountField::Nonce => match u64::try_from(*value) {
                            Ok(n) => acc.nonce = n,
                            Err(_) => return fail(e, "nonce does not fit 64 bits".into()),
                        },
                        AccountField::Balance => acc.balance = *value,
                        AccountField::CodeHash => acc.code_hash = (*value).into(),
                    }
                }
            }
            RwOp::CallContext { call_id, field, value } => {
                if e.is_write {
                    call_ctx.insert((*call_id, *field), *value);
                } else {
                    let cur = call_ctx.get(&(*call_id, *field)).copied();
                    if cur != Some(*value) {
                        return fail(e, format!("read returns {value}, the field holds {cur:?}"));
                    }
                }
            }
            RwOp::TxRefund { tx_id, value, prev } => {
                let cur = refund.get(tx_id).copied().unwrap_or_default();
                check_rw!(cur, *value, *prev);
                refund.insert(*tx_id, *value);
            }
            RwOp::TxAccessListAccount { tx_id, address, warm, prev } => {
                let cur = warm_acc.get(&(*tx_id, *address)).copied().unwrap_or_default();
                check_rw!(cur, *warm, *prev);
                warm_acc.insert((*tx_id, *address), *warm);
            }
            RwOp::TxAccessListStorage { tx_id, address, key, warm, prev } => {
                let cur = warm_slot.get(&(*tx_id, *address, *key)).copied().unwrap_or_default();
                check_rw!(cur, *warm, *prev);
                warm_slot.insert((*tx_id, *address, *key), *warm);
            }
            RwOp::TxLog { .. } | RwOp::TxReceipt { .. } => {
                if !e.is_write {
                    return fail(e, "logs and receipts are write-only".into());
                }
            }
        }
    }
    world.accounts.retain(|_, a| !(a.is_empty() && a.storage.is_empty()));
    Ok(world)
}

/// Replays the log and compares the result with `post`.
pub fn replay_matches(pre: &World, rws: &[RwEntry], post: &World) -> Option<String> {
    match replay(pre, rws) {
        Err(e) => Some(e),
        Ok(w) => w.diff(post).map(|d| format!("replayed state differs from revm's post-state: {d}")),
    }
}

/// Checks the log the way the state circuit will see it: sorted by [`RwEntry::sort_key`], each
/// group of entries sharing (tag, id, address, field, storage key) must be consistent on its
/// own, in counter order: its first entry starts from the key's initial value (the pre-state
/// for accounts and storage, zero or cold for per-transaction and per-frame keys; call-context
/// fields must be written before they are read), every read returns the group's current value,
/// every write's `prev` is it, a storage entry's `committed` value is the slot's value when
/// its transaction started (the value after the group's last entry of an earlier transaction),
/// and log and receipt fields are written once. Returns the first problem, or None.
///
/// Unlike [`replay`], which keys its maps by each operation's own fields, this groups by the
/// sort key alone, so it also proves that the sort key tells apart exactly the keys that differ.
pub fn sorted_consistency(pre: &World, rws: &[RwEntry]) -> Option<String> {
    let mut sorted: Vec<(RwSortKey, &RwEntry)> = rws.iter().map(|e| (e.sort_key(), e)).collect();
    // Keys are unique (the counter is part of them), so an unstable, in-place sort is exact.
    sorted.sort_unstable_by_key(|(k, _)| *k);
    let same_key = |a: &RwSortKey, b: &RwSortKey| {
        (a.tag, a.id, a.address, a.field, a.storage_key) == (b.tag, b.id, b.address, b.field, b.storage_key)
    };
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && same_key(&sorted[i].0, &sorted[j].0) {
            j += 1;
        }
        if let Err(e) = check_group(pre, &sorted[i..j]) {
            let (k, first) = &sorted[i];
            return Some(format!("key {:?} (first entry #{}): {e}", (k.tag, k.id, k.address, k.field), first.counter));
        }
        i = j;
    }
    None
}

/// The value an entry reads or writes, and its `prev`, as words.
fn value_prev(op: &RwOp) -> (U256, U256) {
    match op {
        RwOp::Stack { value, prev, .. }
        | RwOp::Storage { value, prev, .. }
        | RwOp::TransientStorage { value, prev, .. }
        | RwOp::Account { value, prev, .. } => (*value, *prev),
        RwOp::Memory { value, prev, .. } => (U256::from(*value), U256::from(*prev)),
        RwOp::TxRefund { value, prev, .. } => (U256::from(*value), U256::from(*prev)),
        RwOp::TxAccessListAccount { warm, prev, .. } | RwOp::TxAccessListStorage { warm, prev, .. } => {
            (U256::from(*warm as u8), U256::from(*prev as u8))
        }
        RwOp::CallContext { value, .. } | RwOp::TxLog { value, .. } => (*value, *value),
        RwOp::TxReceipt { value, .. } => (U256::from(*value), U256::from(*value)),
    }
}

fn check_group(pre: &World, group: &[(RwSortKey, &RwEntry)]) -> Result<(), String> {
    let first = group[0].1;
    let write_once = matches!(first.op, RwOp::TxLog { .. } | RwOp::TxReceipt { .. });
    if write_once {
        if group.len() > 1 {
            return Err(format!("{} entries for a field that is written once", group.len()));
        }
        return if first.is_write { Ok(()) } else { Err("a log or receipt field is read".into()) };
    }
    let mut cur: Option<U256> = match &first.op {
        RwOp::Storage { address, key, .. } => Some(pre.storage(address, key)),
        RwOp::Account { address, field, .. } => {
            let acc = pre.accounts.get(address).cloned().unwrap_or_default();
            Some(match field {
                AccountField::Nonce => U256::from(acc.nonce),
                AccountField::Balance => acc.balance,
                AccountField::CodeHash => U256::from_be_bytes(acc.code_hash.0),
            })
        }
        // A call-context field has no value before its frame writes it.
        RwOp::CallContext { .. } => None,
        _ => Some(U256::ZERO),
    };
    let mut tx_start: Option<(u32, U256)> = None;
    let mut last_counter = 0;
    for (_, e) in group {
        if e.counter <= last_counter {
            return Err(format!("counter {} does not ascend", e.counter));
        }
        last_counter = e.counter;
        let (value, prev) = value_prev(&e.op);
        if let RwOp::Storage { tx_id, committed, .. } = &e.op {
            let start = match tx_start {
                Some((t, v)) if t == *tx_id => v,
                Some((t, _)) if t > *tx_id => return Err(format!("#{}: transaction ids go back", e.counter)),
                _ => cur.unwrap_or_default(),
            };
            tx_start = Some((*tx_id, start));
            if *committed != start {
                return Err(format!(
                    "#{}: committed {committed}, the slot held {start} at its transaction's start",
                    e.counter
                ));
            }
        }
        match (e.is_write, cur) {
            (true, _) if matches!(e.op, RwOp::CallContext { .. }) => {}
            (true, Some(c)) if prev != c => {
                return Err(format!("#{}: write's prev {prev}, the key holds {c}", e.counter));
            }
            (false, None) => return Err(format!("#{}: read before any write", e.counter)),
            (false, Some(c)) if value != c => {
                return Err(format!("#{}: read returns {value}, the key holds {c}", e.counter));
            }
            _ => {}
        }
        cur = Some(value);
    }
    Ok(())
}
