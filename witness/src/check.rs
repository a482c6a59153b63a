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
