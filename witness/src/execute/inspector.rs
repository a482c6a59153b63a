//! The recording inspector: turns revm's hooks into steps, frames, the read/write log, copy
//! events, keccak inputs and bytecodes.
//!
//! State accesses are recorded two ways. Opcodes that read or write a known key (SLOAD, SSTORE,
//! BALANCE, ...) record it explicitly. Everything else that changes state (value transfers,
//! nonces, fees, warmth, reverts) is found by diffing revm's journal against a shadow of the state
//! as the log has established it, at every frame boundary and at the end of the transaction; each
//! difference becomes a write whose `prev` is the shadow value. The log thus always chains: every
//! write's `prev` is the previous value of its key.

use std::collections::{BTreeMap, HashMap, HashSet};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_rlp::RlpEncodable;
use revm::context::JournalTr;
use revm::context::journal::JournalInner;
use revm::context::journal::warm_addresses::WarmAddresses;
use revm::interpreter::interpreter_types::{Jumps, LoopControl, MemoryTr};
use revm::interpreter::{
    CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, InstructionResult, Interpreter,
};
use revm::primitives::KECCAK_EMPTY;
use revm::state::{Account, EvmState, EvmStorageSlot, TransactionId};
use revm::{Database, Inspector, JournalEntry, handler::MainnetContext};

use super::opcodes::{self, Len};
use super::world::World;
use crate::model::*;

const N_FIELDS: usize = CallContextField::LastCalleeReturnDataLength as usize + 1;

#[derive(Debug)]
struct Active {
    frame: usize,
    call_id: u32,
    stack: Vec<U256>,
    refund: i64,
    ret: Option<RetTarget>,
    ctx: [U256; N_FIELDS],
    success_rw: usize,
    persistent_rw: usize,
    /// Reads of IsSuccess, patched when the frame ends.
    success_reads: Vec<usize>,
    /// Memory offset of the data the frame returned or reverted with (0 if it did neither).
    return_offset: usize,
}

#[derive(Debug, Clone)]
struct RetTarget {
    offset: usize,
    len: usize,
    prev: Vec<u8>,
    stack_pointer: u32,
}

#[derive(Debug, Clone)]
struct PendingCall {
    args_offset: usize,
    args_rw_counter: u64,
    ret: RetTarget,
}

#[derive(Debug)]
struct PendingStep {
    pc: u64,
    opcode: u8,
    gas_left: u64,
    stack_len: usize,
    mem_size: usize,
    rw_counter: u64,
    refund: i64,
    /// Top `n` inputs, top first.
    inputs: Vec<U256>,
    /// (offset, len, write, prev bytes for writes)
    regions: Vec<(usize, usize, bool, Vec<u8>)>,
    ret: Option<(usize, usize, Vec<u8>)>,
}

#[derive(Debug)]
struct LogRecord {
    call_id: u32,
    rws: std::ops::Range<usize>,
    copy: usize,
}

#[derive(Debug, Default)]
struct Shadow {
    accounts: HashMap<Address, [U256; 3]>,
    storage: HashMap<(Address, U256), U256>,
    transient: HashMap<(Address, U256), U256>,
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, U256)>,
}

fn empty_account() -> [U256; 3] {
    [U256::ZERO, U256::ZERO, U256::from_be_bytes(KECCAK_EMPTY.0)]
}

fn addr_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn word_addr(w: U256) -> Address {
    Address::from_slice(&w.to_be_bytes::<32>()[12..])
}

/// What one transaction left after [`Recorder::end_tx`].
#[derive(Debug)]
pub struct TxRecord {
    pub steps: Vec<ExecStep>,
    pub frames: Vec<CallFrame>,
    pub rw_range: (u64, u64),
}

#[derive(RlpEncodable)]
struct CreateRlp {
    caller: Address,
    nonce: u64,
}

/// The recording inspector. One instance records a whole block.
#[derive(Debug, Default)]
pub struct Recorder {
    /// The read/write log of the block so far.
    pub rws: Vec<RwEntry>,
    /// Copy events of the block so far.
    pub copy_events: Vec<CopyEvent>,
    /// Keccak inputs of the block so far.
    pub keccak: Vec<KeccakInput>,
    /// Bytecodes seen.
    pub bytecodes: BTreeMap<B256, Bytes>,
    /// BLOCKHASH answers.
    pub block_hashes: BTreeMap<u64, B256>,
    steps: Vec<ExecStep>,
    frames: Vec<CallFrame>,
    shadow: Shadow,
    tx_id: u32,
    tx_nonce: u64,
    tx_rw_start: usize,
    tx_copy_start: usize,
    next_call_id: u32,
    active: Vec<Active>,
    pending: Option<PendingStep>,
    pending_call: Option<PendingCall>,
    tx_refund: i64,
    logs: Vec<LogRecord>,
    persistent_rws: Vec<(usize, usize)>,
    total_steps: usize,
    limits: Limits,
    /// Set when a limit was hit; recording stopped and execution was halted.
    pub overflow: Option<String>,
}

/// Bounds on the witness of one block: past them, execution is halted and tracing fails with
/// [`crate::WitnessError::TooLarge`] instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum execution steps in the block.
    pub max_steps: usize,
    /// Maximum read/write entries in the block.
    pub max_rws: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_steps: 2_000_000, max_rws: 20_000_000 }
    }
}

impl Recorder {
    /// A recorder whose shadow starts from `pre`.
    pub fn new(pre: &World, limits: Limits) -> Self {
        let mut shadow = Shadow::default();
        for (a, acc) in &pre.accounts {
            shadow.accounts.insert(*a, [U256::from(acc.nonce), acc.balance, U256::from_be_bytes(acc.code_hash.0)]);
            for (k, v) in &acc.storage {
                shadow.storage.insert((*a, *k), *v);
            }
        }
        Self { shadow, next_call_id: 1, limits, ..Default::default() }
    }

    fn counter(&self) -> u64 {
        self.rws.len() as u64 + 1
    }

    fn emit(&mut self, is_write: bool, op: RwOp) -> usize {
        let counter = self.counter();
        self.rws.push(RwEntry { counter, is_write, op });
        self.rws.len() - 1
    }

    /// Starts transaction `tx_id` (its index in the block).
    pub fn begin_tx(&mut self, tx_id: u32, nonce: u64) {
        self.tx_id = tx_id;
        self.tx_nonce = nonce;
        self.tx_rw_start = self.rws.len();
        self.tx_copy_start = self.copy_events.len();
        self.steps.clear();
        self.frames.clear();
        self.active.clear();
        self.pending = None;
        self.pending_call = None;
        self.tx_refund = 0;
        self.logs.clear();
        self.persistent_rws.clear();
        self.shadow.transient.clear();
        self.shadow.warm_accounts.clear();
        self.shadow.warm_slots.clear();
    }

    fn set_account(&mut self, address: Address, field: AccountField, value: U256) {
        let entry = self.shadow.accounts.entry(address).or_insert_with(empty_account);
        let prev = entry[field as usize];
        if prev != value {
            entry[field as usize] = value;
            self.emit(true, RwOp::Account { address, field, value, prev });
        }
    }

    fn read_account(&mut self, address: Address, field: AccountField, value: U256) {
        self.emit(false, RwOp::Account { address, field, value, prev: value });
    }

    fn sync_account(&mut self, address: Address, acc: &Account, tid: Option<(TransactionId, &WarmAddresses)>) {
        let info = &acc.info;
        self.set_account(address, AccountField::Nonce, U256::from(info.nonce));
        self.set_account(address, AccountField::Balance, info.balance);
        self.set_account(address, AccountField::CodeHash, U256::from_be_bytes(info.code_hash.0));
        if let Some((tid, warm_addresses)) = tid {
            // revm marks an account cold again when the frame that first loaded it reverts, but
            // its next load asks `warm_addresses` (coinbase, precompiles, access list) first.
            let warm = !acc.is_cold_transaction_id(tid) || warm_addresses.is_warm(&address);
            let prev = self.shadow.warm_accounts.contains(&address);
            if warm != prev {
                if warm {
                    self.shadow.warm_accounts.insert(address);
                } else {
                    self.shadow.warm_accounts.remove(&address);
                }
                self.emit(true, RwOp::TxAccessListAccount { tx_id: self.tx_id, address, warm, prev });
            }
        }
    }

    fn set_storage(&mut self, address: Address, key: U256, value: U256, committed: U256) {
        let prev = self.shadow.storage.get(&(address, key)).copied().unwrap_or_default();
        if prev != value {
            self.shadow.storage.insert((address, key), value);
            self.emit(true, RwOp::Storage { tx_id: self.tx_id, address, key, value, prev, committed });
        }
    }

    fn sync_slot(
        &mut self,
        address: Address,
        key: U256,
        slot: &EvmStorageSlot,
        tid: Option<(TransactionId, &WarmAddresses)>,
    ) {
        self.set_storage(address, key, slot.present_value, slot.original_value);
        if let Some((tid, warm_addresses)) = tid {
            let warm = !slot.is_cold_transaction_id(tid) || warm_addresses.is_storage_warm(&address, &key);
            let prev = self.shadow.warm_slots.contains(&(address, key));
            if warm != prev {
                if warm {
                    self.shadow.warm_slots.insert((address, key));
                } else {
                    self.shadow.warm_slots.remove(&(address, key));
                }
                self.emit(true, RwOp::TxAccessListStorage { tx_id: self.tx_id, address, key, warm, prev });
            }
        }
    }

    fn sync_journal(&mut self, inner: &JournalInner<JournalEntry>) {
        let tid = Some((inner.transaction_id, &inner.warm_addresses));
        let mut addrs: Vec<&Address> = inner.state.keys().collect();
        addrs.sort();
        for a in addrs {
            let acc = &inner.state[a];
            self.sync_account(*a, acc, tid);
            let mut keys: Vec<&U256> = acc.storage.keys().collect();
            keys.sort();
            for k in keys {
                self.sync_slot(*a, *k, &acc.storage[k], tid);
            }
        }
        let mut current: Vec<((Address, U256), U256)> =
            inner.transient_storage.iter().flat_map(|(a, m)| m.iter().map(move |(k, v)| ((*a, *k), *v))).collect();
        for (a, k) in self.shadow.transient.keys() {
            if !inner.transient_storage.get(a).is_some_and(|m| m.contains_key(k)) {
                current.push(((*a, *k), U256::ZERO));
            }
        }
        current.sort();
        for ((address, key), value) in current {
            let prev = self.shadow.transient.get(&(address, key)).copied().unwrap_or_default();
            if prev != value {
                self.shadow.transient.insert((address, key), value);
                self.emit(true, RwOp::TransientStorage { tx_id: self.tx_id, address, key, value, prev });
            }
        }
    }

    fn sync_one_account(&mut self, inner: &JournalInner<JournalEntry>, address: Address) {
        if let Some(acc) = inner.state.get(&address) {
            self.sync_account(address, acc, Some((inner.transaction_id, &inner.warm_addresses)));
        }
    }

    fn sync_one_slot(&mut self, inner: &JournalInner<JournalEntry>, address: Address, key: U256) {
        if let Some(slot) = inner.state.get(&address).and_then(|a| a.storage.get(&key)) {
            self.sync_slot(address, key, slot, Some((inner.transaction_id, &inner.warm_addresses)));
        }
    }

    /// An access that warms an account (EIP-2929): a write of warmth `true` whose `prev` says
    /// whether the account was already warm, which decides the access's gas.
    fn access_account(&mut self, address: Address) {
        let prev = !self.shadow.warm_accounts.insert(address);
        self.emit(true, RwOp::TxAccessListAccount { tx_id: self.tx_id, address, warm: true, prev });
    }

    /// Like [`Self::access_account`], for a storage slot.
    fn access_slot(&mut self, address: Address, key: U256) {
        let prev = !self.shadow.warm_slots.insert((address, key));
        self.emit(true, RwOp::TxAccessListStorage { tx_id: self.tx_id, address, key, warm: true, prev });
    }

    /// Writes the warmth a transaction (or system call) starts with, as revm's journal has it
    /// before the first frame: the listed accounts (sender and target), then, sorted, the
    /// coinbase (EIP-3651), the precompiles and the access list's accounts and slots (EIP-2929,
    /// EIP-2930). For the system call revm warms none of the latter, and the journal says so.
    fn warm_at_start(&mut self, inner: &JournalInner<JournalEntry>, accounts: &[Address]) {
        let warm = &inner.warm_addresses;
        let mut set: std::collections::BTreeSet<Address> = accounts.iter().copied().collect();
        set.extend(warm.coinbase());
        set.extend(warm.precompiles().iter().copied());
        set.extend(warm.access_list().keys().copied());
        for a in set {
            if !self.shadow.warm_accounts.contains(&a) {
                self.access_account(a);
            }
        }
        let mut slots: Vec<(Address, U256)> =
            warm.access_list().iter().flat_map(|(a, ks)| ks.iter().map(move |k| (*a, *k))).collect();
        slots.sort();
        for (a, k) in slots {
            if !self.shadow.warm_slots.contains(&(a, k)) {
                self.access_slot(a, k);
            }
        }
    }

    fn close_last_step(&mut self) {
        let c = self.counter();
        if let Some(last) = self.steps.last_mut() {
            last.rw_count = (c - last.rw_counter) as u32;
        }
    }

    fn stack_write(&mut self, depth_from_top: usize, pointer: u32, value: U256) {
        let Some(idx) = self.active.len().checked_sub(1 + depth_from_top) else { return };
        let frame = &mut self.active[idx];
        let p = pointer as usize;
        if frame.stack.len() <= p {
            frame.stack.resize(p + 1, U256::ZERO);
        }
        let prev = std::mem::replace(&mut frame.stack[p], value);
        let call_id = frame.call_id;
        self.emit(true, RwOp::Stack { call_id, pointer, value, prev });
    }

    fn stack_read(&mut self, pointer: u32, value: U256) {
        let call_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
        self.emit(false, RwOp::Stack { call_id, pointer, value, prev: value });
    }

    fn ctx_value(&self, field: CallContextField) -> U256 {
        self.active.last().map(|a| a.ctx[field as usize]).unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn open_frame(
        &mut self,
        kind: FrameKind,
        caller: Address,
        address: Address,
        code_address: Address,
        code_hash: B256,
        value: U256,
        input: &Bytes,
        gas_limit: u64,
        is_static: bool,
        is_precompile: bool,
    ) {
        let depth = self.active.len() as u32;
        let parent_id = self.active.last().map(|a| a.call_id).unwrap_or(0);
        let call_id = self.next_call_id;
        self.next_call_id += 1;
        let pending = if depth > 0 { self.pending_call.take() } else { None };
        let is_create = matches!(kind, FrameKind::Create | FrameKind::Create2);
        let mut ctx = [U256::ZERO; N_FIELDS];
        {
            use CallContextField::*;
            ctx[TxId as usize] = U256::from(self.tx_id);
            ctx[CallerId as usize] = U256::from(parent_id);
            ctx[Depth as usize] = U256::from(depth);
            ctx[CallerAddress as usize] = addr_word(caller);
            ctx[CalleeAddress as usize] = addr_word(address);
            ctx[CodeAddress as usize] = addr_word(code_address);
            ctx[CodeHash as usize] = U256::from_be_bytes(code_hash.0);
            ctx[Value as usize] = value;
            ctx[IsStatic as usize] = U256::from(is_static as u8);
            ctx[IsCreate as usize] = U256::from(is_create as u8);
            ctx[IsRoot as usize] = U256::from((depth == 0) as u8);
            ctx[CallDataLength as usize] = U256::from(input.len());
            if let Some(p) = &pending {
                ctx[CallDataOffset as usize] = U256::from(p.args_offset);
                ctx[ReturnDataOffset as usize] = U256::from(p.ret.offset);
                ctx[ReturnDataLength as usize] = U256::from(p.ret.len);
            }
            ctx[GasLimit as usize] = U256::from(gas_limit);
        }
        let mut success_rw = 0;
        let mut persistent_rw = 0;
        for (i, value) in ctx.iter().enumerate() {
            let field = field_of(i);
            let idx = self.emit(true, RwOp::CallContext { call_id, field, value: *value });
            match field {
                CallContextField::IsSuccess => success_rw = idx,
                CallContextField::IsPersistent => persistent_rw = idx,
                _ => {}
            }
        }
        if depth > 0 && !input.is_empty() && !is_create {
            let (src_offset, rw_counter) =
                pending.as_ref().map(|p| (p.args_offset, p.args_rw_counter)).unwrap_or_default();
            self.copy_events.push(CopyEvent {
                kind: CopyKind::CallArgs,
                src: CopyEndpoint::Memory { call_id: parent_id },
                src_offset: src_offset as u64,
                dst: CopyEndpoint::Calldata { call_id },
                dst_offset: 0,
                bytes: input.clone(),
                rw_counter,
            });
        }
        self.frames.push(CallFrame {
            call_id,
            parent_id,
            depth,
            kind,
            caller,
            address,
            code_address,
            code_hash,
            value,
            input_len: input.len() as u64,
            gas_limit,
            gas_used: 0,
            is_static,
            is_precompile,
            outcome: FrameOutcome::Success,
            is_persistent: false,
            return_data_len: 0,
        });
        self.active.push(Active {
            frame: self.frames.len() - 1,
            call_id,
            stack: Vec::new(),
            refund: 0,
            ret: pending.map(|p| p.ret),
            ctx,
            success_rw,
            persistent_rw,
            success_reads: Vec::new(),
            return_offset: 0,
        });
    }

    fn close_frame(&mut self, result: InstructionResult, gas_used: u64, output: &Bytes, pushed: U256) {
        let Some(active) = self.active.pop() else { return };
        let outcome = outcome_of(result);
        let success = outcome == FrameOutcome::Success;
        {
            let f = &mut self.frames[active.frame];
            f.outcome = outcome;
            f.gas_used = gas_used;
            f.return_data_len = output.len() as u64;
        }
        for idx in std::iter::once(active.success_rw).chain(active.success_reads.iter().copied()) {
            if let RwOp::CallContext { value, .. } = &mut self.rws[idx].op {
                *value = U256::from(success as u8);
            }
        }
        if success {
            if let Some(parent) = self.active.last_mut() {
                parent.refund += active.refund;
            }
        } else if active.refund != 0 {
            let prev = self.tx_refund;
            self.tx_refund -= active.refund;
            self.emit(
                true,
                RwOp::TxRefund { tx_id: self.tx_id, value: self.tx_refund.max(0) as u64, prev: prev.max(0) as u64 },
            );
        }
        let is_create = matches!(self.frames[active.frame].kind, FrameKind::Create | FrameKind::Create2);
        if let Some(parent_id) = self.active.last().map(|p| p.call_id) {
            // The parent's return-data buffer now holds the child's output; a successful
            // creation leaves it empty (its output is the deployed code).
            let len = if is_create && success { 0 } else { output.len() };
            let offset = if len == 0 { 0 } else { active.return_offset };
            for (field, value) in [
                (CallContextField::LastCalleeId, U256::from(active.call_id)),
                (CallContextField::LastCalleeReturnDataOffset, U256::from(offset)),
                (CallContextField::LastCalleeReturnDataLength, U256::from(len)),
            ] {
                if let Some(parent) = self.active.last_mut() {
                    parent.ctx[field as usize] = value;
                }
                self.emit(true, RwOp::CallContext { call_id: parent_id, field, value });
            }
        }
        if let Some(ret) = active.ret {
            let parent_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
            let n = ret.len.min(output.len());
            if n > 0 && ret.prev.len() >= n {
                let rw_counter = self.counter();
                for i in 0..n {
                    self.emit(
                        true,
                        RwOp::Memory {
                            call_id: parent_id,
                            address: (ret.offset + i) as u64,
                            value: output[i],
                            prev: ret.prev[i],
                        },
                    );
                }
                self.copy_events.push(CopyEvent {
                    kind: CopyKind::ReturnToCaller,
                    src: CopyEndpoint::ReturnData { call_id: active.call_id },
                    src_offset: 0,
                    dst: CopyEndpoint::Memory { call_id: parent_id },
                    dst_offset: ret.offset as u64,
                    bytes: output.slice(..n),
                    rw_counter,
                });
            }
            self.stack_write(0, ret.stack_pointer, pushed);
        }
        self.persistent_rws.push((active.frame, active.persistent_rw));
    }

    /// Ends the current transaction: syncs with revm's final state (fees, refunds, destroyed
    /// accounts), fills in persistence, drops logs of reverted frames, writes the receipt.
    pub fn end_tx(&mut self, state: &EvmState, status: bool, cumulative_gas: u64) -> TxRecord {
        self.end_execution(state, Some((status, cumulative_gas)))
    }

    /// Ends a system call: like [`Self::end_tx`], without a receipt.
    pub fn end_system_call(&mut self, state: &EvmState) -> TxRecord {
        self.end_execution(state, None)
    }

    /// Records the read that shows a system call was skipped: the target's code hash.
    pub fn skipped_system_call(&mut self, target: Address, code_hash: B256) -> (u64, u64) {
        let start = self.counter();
        self.read_account(target, AccountField::CodeHash, U256::from_be_bytes(code_hash.0));
        (start, self.counter())
    }

    fn end_execution(&mut self, state: &EvmState, receipt: Option<(bool, u64)>) -> TxRecord {
        self.close_last_step();
        let mut addrs: Vec<&Address> = state.keys().collect();
        addrs.sort();
        for a in addrs {
            let acc = &state[a];
            if acc.is_selfdestructed() {
                for (f, v) in [AccountField::Nonce, AccountField::Balance, AccountField::CodeHash]
                    .into_iter()
                    .zip(empty_account())
                {
                    self.set_account(*a, f, v);
                }
                let mut slots: Vec<U256> = self
                    .shadow
                    .storage
                    .iter()
                    .filter(|((x, _), v)| x == a && !v.is_zero())
                    .map(|((_, k), _)| *k)
                    .collect();
                slots.sort();
                for k in slots {
                    let committed = acc.storage.get(&k).map(|s| s.original_value).unwrap_or_default();
                    self.set_storage(*a, k, U256::ZERO, committed);
                }
                continue;
            }
            self.sync_account(*a, acc, None);
            let mut keys: Vec<&U256> = acc.storage.keys().collect();
            keys.sort();
            for k in keys {
                self.sync_slot(*a, *k, &acc.storage[k], None);
            }
        }
        // Persistence: a frame persists if it and all its ancestors succeed.
        let mut persistent: HashMap<u32, bool> = HashMap::new();
        for f in &mut self.frames {
            let parent_ok = f.parent_id == 0 || persistent.get(&f.parent_id).copied().unwrap_or(false);
            f.is_persistent = parent_ok && f.outcome == FrameOutcome::Success;
            persistent.insert(f.call_id, f.is_persistent);
        }
        for (frame, idx) in std::mem::take(&mut self.persistent_rws) {
            let p = self.frames[frame].is_persistent;
            if let RwOp::CallContext { value, .. } = &mut self.rws[idx].op {
                *value = U256::from(p as u8);
            }
        }
        // Drop the log entries of non-persistent frames and renumber the rest.
        let mut drop_rw: Vec<usize> = Vec::new();
        let mut drop_copy: Vec<usize> = Vec::new();
        let mut log_id = 0u32;
        for rec in &self.logs {
            if persistent.get(&rec.call_id).copied().unwrap_or(false) {
                for i in rec.rws.clone() {
                    if let RwOp::TxLog { log_id: l, .. } = &mut self.rws[i].op {
                        *l = log_id;
                    }
                }
                if let Some(CopyEvent { dst: CopyEndpoint::TxLog { log_id: l, .. }, .. }) =
                    self.copy_events.get_mut(rec.copy)
                {
                    *l = log_id;
                }
                log_id += 1;
            } else {
                drop_rw.extend(rec.rws.clone());
                drop_copy.push(rec.copy);
            }
        }
        if !drop_rw.is_empty() {
            self.remove_rws(&drop_rw, &drop_copy);
        }
        if let Some((status, cumulative_gas)) = receipt {
            for (field, value) in [
                (ReceiptField::Status, status as u64),
                (ReceiptField::CumulativeGasUsed, cumulative_gas),
                (ReceiptField::LogLength, log_id as u64),
            ] {
                self.emit(true, RwOp::TxReceipt { tx_id: self.tx_id, field, value });
            }
        }
        TxRecord {
            steps: std::mem::take(&mut self.steps),
            frames: std::mem::take(&mut self.frames),
            rw_range: (self.tx_rw_start as u64 + 1, self.counter()),
        }
    }

    fn remove_rws(&mut self, drop_rw: &[usize], drop_copy: &[usize]) {
        let mut dropped_counters: Vec<u64> = drop_rw.iter().map(|i| self.rws[*i].counter).collect();
        dropped_counters.sort();
        let remap = |c: u64| c - dropped_counters.partition_point(|d| *d < c) as u64;
        let drop: HashSet<usize> = drop_rw.iter().copied().collect();
        let old = std::mem::take(&mut self.rws);
        self.rws = old
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, mut e)| {
                e.counter = remap(e.counter);
                e
            })
            .collect();
        for s in &mut self.steps {
            let start = remap(s.rw_counter);
            let end = remap(s.rw_counter + s.rw_count as u64);
            s.rw_counter = start;
            s.rw_count = (end - start) as u32;
        }
        let dc: HashSet<usize> = drop_copy.iter().copied().collect();
        let start = self.tx_copy_start;
        let mut i = 0;
        self.copy_events.retain(|_| {
            let keep = i < start || !dc.contains(&i);
            i += 1;
            keep
        });
        for e in &mut self.copy_events[start..] {
            e.rw_counter = remap(e.rw_counter);
        }
    }

    fn add_keccak(&mut self, kind: KeccakKind, input: Bytes, output: B256) {
        self.keccak.push(KeccakInput { kind, input, output });
    }

    fn add_bytecode(&mut self, hash: B256, code: Bytes) {
        if hash != KECCAK_EMPTY && !code.is_empty() && !self.bytecodes.contains_key(&hash) {
            self.add_keccak(KeccakKind::CodeHash, code.clone(), hash);
            self.bytecodes.insert(hash, code);
        }
    }
}

fn field_of(i: usize) -> CallContextField {
    use CallContextField::*;
    const ALL: [CallContextField; N_FIELDS] = [
        TxId,
        CallerId,
        Depth,
        CallerAddress,
        CalleeAddress,
        CodeAddress,
        CodeHash,
        Value,
        IsStatic,
        IsCreate,
        IsRoot,
        CallDataLength,
        CallDataOffset,
        ReturnDataOffset,
        ReturnDataLength,
        GasLimit,
        IsSuccess,
        IsPersistent,
        LastCalleeId,
        LastCalleeReturnDataOffset,
        LastCalleeReturnDataLength,
    ];
    ALL[i]
}

fn outcome_of(r: InstructionResult) -> FrameOutcome {
    if r.is_ok() {
        FrameOutcome::Success
    } else if r == InstructionResult::Revert {
        FrameOutcome::Revert
    } else {
        let name = format!("{r:?}");
        if name.contains("OOG") || name.contains("OutOfGas") {
            FrameOutcome::OutOfGas
        } else {
            FrameOutcome::Error(name)
        }
    }
}

fn snapshot(interp: &Interpreter, offset: usize, len: usize) -> Vec<u8> {
    let size = interp.memory.size();
    let mut out = vec![0u8; len];
    if offset < size {
        let end = (offset + len).min(size);
        out[..end - offset].copy_from_slice(&interp.memory.slice(offset..end));
    }
    out
}

fn region_of(stack: &[U256], offset: usize, len: Len) -> Option<(usize, usize)> {
    let top = stack.len();
    let off = *stack.get(top.checked_sub(1 + offset)?)?;
    let len = match len {
        Len::Fixed(n) => n as usize,
        Len::Stack(i) => opcodes::as_usize(*stack.get(top.checked_sub(1 + i)?)?)?,
    };
    if len == 0 {
        return None;
    }
    let off = opcodes::as_usize(off)?;
    Some((off, len))
}

impl<DB: Database> Inspector<MainnetContext<DB>> for Recorder {
    fn initialize_interp(&mut self, interp: &mut Interpreter, context: &mut MainnetContext<DB>) {
        self.sync_journal(&context.journaled_state.inner);
        if let Some(a) = self.active.last() {
            let f = &mut self.frames[a.frame];
            f.address = interp.input.target_address;
        }
    }

    fn step(&mut self, interp: &mut Interpreter, _context: &mut MainnetContext<DB>) {
        if self.overflow.is_some() {
            interp.halt(InstructionResult::OutOfGas);
            return;
        }
        self.total_steps += 1;
        if self.total_steps > self.limits.max_steps || self.rws.len() > self.limits.max_rws {
            self.overflow =
                Some(format!("more than {} steps or {} read/writes", self.limits.max_steps, self.limits.max_rws));
            interp.halt(InstructionResult::OutOfGas);
            return;
        }
        self.close_last_step();
        let op = interp.bytecode.opcode();
        let stack = interp.stack.data();
        let n_in = revm::bytecode::opcode::OPCODE_INFO[op as usize].map(|i| i.inputs() as usize).unwrap_or(0);
        let inputs: Vec<U256> = stack.iter().rev().take(n_in).copied().collect();
        let mut regions = Vec::new();
        for spec in opcodes::memory_regions(op) {
            if let Some((off, len)) = region_of(stack, spec.offset, spec.len) {
                let prev = if spec.write { snapshot(interp, off, len) } else { Vec::new() };
                regions.push((off, len, spec.write, prev));
            }
        }
        let ret = opcodes::call_return_region(op).and_then(|(o, l)| {
            let (off, len) = region_of(stack, o, Len::Stack(l))?;
            Some((off, len, snapshot(interp, off, len)))
        });
        self.pending = Some(PendingStep {
            pc: interp.bytecode.pc() as u64,
            opcode: op,
            gas_left: interp.gas.remaining(),
            stack_len: stack.len(),
            mem_size: interp.memory.size(),
            rw_counter: self.counter(),
            refund: interp.gas.refunded(),
            inputs,
            regions,
            ret,
        });
    }

    fn step_end(&mut self, interp: &mut Interpreter, context: &mut MainnetContext<DB>) {
        let Some(p) = self.pending.take() else { return };
        let op = p.opcode;
        let result = interp.bytecode.action().as_ref().and_then(|a| a.instruction_result());
        let error = result.filter(|r| !r.is_ok() && *r != InstructionResult::Revert).map(|r| format!("{r:?}"));
        let call_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
        let depth = self.active.len().saturating_sub(1) as u32;
        if error.is_none() {
            self.record_step_effects(&p, interp, context);
        }
        let gas_cost = p.gas_left.saturating_sub(interp.gas.remaining());
        self.steps.push(ExecStep {
            pc: p.pc,
            opcode: op,
            gas_left: p.gas_left,
            gas_cost,
            forwarded_gas: 0,
            stack_depth: p.stack_len as u32,
            memory_size: p.mem_size as u64,
            call_depth: depth,
            call_id,
            rw_counter: p.rw_counter,
            rw_count: (self.counter() - p.rw_counter) as u32,
            error,
        });
    }

    fn log_full(&mut self, _interp: &mut Interpreter, _context: &mut MainnetContext<DB>, log: revm::primitives::Log) {
        let call_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
        let log_id = self.logs.len() as u32;
        let start = self.rws.len();
        let rw_counter = self.counter();
        let tx_id = self.tx_id;
        self.emit(true, RwOp::TxLog { tx_id, log_id, field: TxLogField::Address, value: addr_word(log.address) });
        for (i, t) in log.topics().iter().enumerate() {
            self.emit(
                true,
                RwOp::TxLog { tx_id, log_id, field: TxLogField::Topic(i as u8), value: U256::from_be_bytes(t.0) },
            );
        }
        for (i, b) in log.data.data.iter().enumerate() {
            self.emit(true, RwOp::TxLog { tx_id, log_id, field: TxLogField::Data(i as u32), value: U256::from(*b) });
        }
        let src_offset = self
            .pending
            .as_ref()
            .and_then(|p| p.inputs.first())
            .and_then(|v| opcodes::as_usize(*v))
            .unwrap_or_default() as u64;
        self.copy_events.push(CopyEvent {
            kind: CopyKind::Log,
            src: CopyEndpoint::Memory { call_id },
            src_offset,
            dst: CopyEndpoint::TxLog { tx_id, log_id },
            dst_offset: 0,
            bytes: log.data.data.clone(),
            rw_counter,
        });
        self.logs.push(LogRecord { call_id, rws: start..self.rws.len(), copy: self.copy_events.len() - 1 });
    }

    fn call(&mut self, context: &mut MainnetContext<DB>, inputs: &mut CallInputs) -> Option<CallOutcome> {
        if self.active.is_empty() {
            let start: &[Address] = if self.tx_id == super::SYSTEM_CALL_TX_ID {
                &[inputs.target_address]
            } else {
                &[inputs.caller, inputs.target_address]
            };
            self.warm_at_start(&context.journaled_state.inner, start);
        } else {
            // A value-transferring call hands the child a 2300 stipend the caller does not pay.
            let stipend = if inputs.transfers_value() { CALL_STIPEND } else { 0 };
            self.split_forwarded_gas(inputs.gas_limit.saturating_sub(stipend));
        }
        self.sync_journal(&context.journaled_state.inner);
        if self.active.is_empty() {
            // The root call runs the target's code: read its code hash, as a CALL opcode does
            // for its callee, so that the code that runs is tied to the state (and the target's
            // account gets its MPT proofs even when nothing else reads or writes it).
            let inner = &context.journaled_state.inner;
            let a = inputs.bytecode_address;
            self.sync_one_account(inner, a);
            let h = inner.state.get(&a).map(|x| x.info.code_hash).unwrap_or(KECCAK_EMPTY);
            self.read_account(a, AccountField::CodeHash, U256::from_be_bytes(h.0));
        }
        let kind = match inputs.scheme {
            CallScheme::Call => FrameKind::Call,
            CallScheme::CallCode => FrameKind::CallCode,
            CallScheme::DelegateCall => FrameKind::DelegateCall,
            CallScheme::StaticCall => FrameKind::StaticCall,
        };
        let (code_hash, code) = &inputs.known_bytecode;
        self.add_bytecode(*code_hash, code.original_bytes());
        let input = inputs.input.bytes(context);
        let is_precompile = context.journaled_state.precompile_addresses().contains(&inputs.bytecode_address);
        self.open_frame(
            kind,
            inputs.caller,
            inputs.target_address,
            inputs.bytecode_address,
            *code_hash,
            inputs.value.get(),
            &input,
            inputs.gas_limit,
            inputs.is_static,
            is_precompile,
        );
        None
    }

    fn call_end(&mut self, context: &mut MainnetContext<DB>, inputs: &CallInputs, outcome: &mut CallOutcome) {
        self.sync_journal(&context.journaled_state.inner);
        let r = outcome.result.result;
        let used = inputs.gas_limit.saturating_sub(outcome.result.gas.remaining());
        self.close_frame(r, used, &outcome.result.output.clone(), U256::from(r.is_ok() as u8));
    }

    fn create(&mut self, context: &mut MainnetContext<DB>, inputs: &mut CreateInputs) -> Option<CreateOutcome> {
        if !self.active.is_empty() {
            self.split_forwarded_gas(inputs.gas_limit());
        }
        self.sync_journal(&context.journaled_state.inner);
        let caller = inputs.caller();
        let nonce = if self.active.is_empty() {
            self.tx_nonce
        } else {
            context.journaled_state.inner.state.get(&caller).map(|a| a.info.nonce).unwrap_or_default()
        };
        let init = inputs.init_code().clone();
        let init_hash = keccak256(&init);
        self.add_keccak(KeccakKind::CodeHash, init.clone(), init_hash);
        if !init.is_empty() {
            self.bytecodes.entry(init_hash).or_insert_with(|| init.clone());
        }
        let address = inputs.created_address(nonce);
        if self.active.is_empty() {
            self.warm_at_start(&context.journaled_state.inner, &[caller, address]);
        } else {
            // EIP-2929: the new address is accessed.
            self.access_account(address);
        }
        let kind = match inputs.scheme() {
            revm::context_interface::CreateScheme::Create2 { salt } => {
                let mut pre = Vec::with_capacity(85);
                pre.push(0xff);
                pre.extend_from_slice(caller.as_slice());
                pre.extend_from_slice(&salt.to_be_bytes::<32>());
                pre.extend_from_slice(init_hash.as_slice());
                let h = keccak256(&pre);
                self.add_keccak(KeccakKind::Create2Address, pre.into(), h);
                FrameKind::Create2
            }
            _ => {
                let rlp = alloy_rlp::encode(CreateRlp { caller, nonce });
                let h = keccak256(&rlp);
                self.add_keccak(KeccakKind::CreateAddress, rlp.into(), h);
                FrameKind::Create
            }
        };
        if self.active.last().is_some() {
            let parent_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
            let (src_offset, rw_counter) =
                self.pending_call.as_ref().map(|p| (p.args_offset, p.args_rw_counter)).unwrap_or_default();
            if !init.is_empty() {
                self.copy_events.push(CopyEvent {
                    kind: CopyKind::InitCode,
                    src: CopyEndpoint::Memory { call_id: parent_id },
                    src_offset: src_offset as u64,
                    dst: CopyEndpoint::Bytecode { code_hash: init_hash },
                    dst_offset: 0,
                    bytes: init.clone(),
                    rw_counter,
                });
            }
        }
        self.open_frame(
            kind,
            caller,
            address,
            address,
            init_hash,
            inputs.value(),
            &init,
            inputs.gas_limit(),
            false,
            false,
        );
        None
    }

    fn create_end(&mut self, context: &mut MainnetContext<DB>, inputs: &CreateInputs, outcome: &mut CreateOutcome) {
        self.sync_journal(&context.journaled_state.inner);
        let r = outcome.result.result;
        if let (Some(addr), Some(a)) = (outcome.address, self.active.last()) {
            self.frames[a.frame].address = addr;
        }
        let mut pushed = U256::ZERO;
        if r.is_ok()
            && let Some(addr) = outcome.address
        {
            pushed = addr_word(addr);
            if let Some(acc) = context.journaled_state.inner.state.get(&addr)
                && let Some(code) = &acc.info.code
            {
                self.add_bytecode(acc.info.code_hash, code.original_bytes());
            }
        }
        let used = inputs.gas_limit().saturating_sub(outcome.result.gas.remaining());
        self.close_frame(r, used, &outcome.result.output.clone(), pushed);
    }
}

impl Recorder {
    fn record_step_effects<DB: Database>(
        &mut self,
        p: &PendingStep,
        interp: &mut Interpreter,
        context: &mut MainnetContext<DB>,
    ) {
        let op = p.opcode;
        let call_id = self.active.last().map(|a| a.call_id).unwrap_or_default();
        let target = interp.input.target_address;
        for f in opcodes::call_context_reads(op) {
            let value = self.ctx_value(*f);
            let idx = self.emit(false, RwOp::CallContext { call_id, field: *f, value });
            if *f == CallContextField::IsSuccess
                && let Some(a) = self.active.last_mut()
            {
                a.success_reads.push(idx);
            }
        }
        // Stack.
        let len = p.stack_len;
        let after: &[U256] = interp.stack.data();
        let is_frame_op = matches!(op, 0xf0 | 0xf1 | 0xf2 | 0xf4 | 0xf5 | 0xfa);
        match op {
            0x80..=0x8f => {
                let n = (op - 0x7f) as usize;
                if let Some(v) = p.inputs.get(n - 1) {
                    self.stack_read((len - n) as u32, *v);
                }
                if let Some(top) = after.last() {
                    self.stack_write(0, len as u32, *top);
                }
            }
            0x90..=0x9f => {
                let n = (op - 0x8f) as usize;
                if let (Some(a), Some(b)) = (p.inputs.first(), p.inputs.get(n)) {
                    self.stack_read((len - 1) as u32, *a);
                    self.stack_read((len - 1 - n) as u32, *b);
                    let (na, nb) = (after[len - 1], after[len - 1 - n]);
                    self.stack_write(0, (len - 1) as u32, na);
                    self.stack_write(0, (len - 1 - n) as u32, nb);
                }
            }
            _ => {
                for (i, v) in p.inputs.iter().enumerate() {
                    self.stack_read((len - 1 - i) as u32, *v);
                }
                if !is_frame_op {
                    let n_out =
                        revm::bytecode::opcode::OPCODE_INFO[op as usize].map(|i| i.outputs() as usize).unwrap_or(0);
                    for i in (0..n_out.min(after.len())).rev() {
                        let ptr = after.len() - 1 - i;
                        self.stack_write(0, ptr as u32, after[ptr]);
                    }
                }
            }
        }
        // Memory.
        let mem_size = interp.memory.size();
        let mut region_bytes: Vec<(usize, Bytes)> = Vec::new();
        let mut region_counters: Vec<u64> = Vec::new();
        for (off, rlen, write, prev) in &p.regions {
            if off + rlen > mem_size {
                continue;
            }
            let bytes = Bytes::copy_from_slice(&interp.memory.slice(*off..off + rlen));
            region_counters.push(self.counter());
            for (i, b) in bytes.iter().enumerate() {
                let address = (off + i) as u64;
                let prev = if *write { prev.get(i).copied().unwrap_or_default() } else { *b };
                self.emit(*write, RwOp::Memory { call_id, address, value: *b, prev });
            }
            region_bytes.push((*off, bytes));
        }
        let inp = |i: usize| p.inputs.get(i).copied().unwrap_or_default();
        let inner = &context.journaled_state.inner;
        let code_hash = self.ctx_value(CallContextField::CodeHash);
        let last_callee = u32::try_from(self.ctx_value(CallContextField::LastCalleeId)).unwrap_or_default();
        // Copies and keccak.
        if let Some(kind) = opcodes::copy_kind(op) {
            let dst_region = region_bytes.last().cloned();
            let src_region = region_bytes.first().cloned();
            let rw_counter = region_counters.first().copied().unwrap_or_else(|| self.counter());
            let event = match op {
                0x20 => src_region.map(|(off, bytes)| {
                    let out = B256::from(after.last().copied().unwrap_or_default().to_be_bytes::<32>());
                    self.add_keccak(KeccakKind::Sha3, bytes.clone(), out);
                    (CopyEndpoint::Memory { call_id }, off as u64, CopyEndpoint::Keccak, 0, bytes)
                }),
                0x37 | 0x39 | 0x3e => dst_region.map(|(off, bytes)| {
                    let src = match op {
                        0x37 => CopyEndpoint::Calldata { call_id },
                        0x39 => CopyEndpoint::Bytecode { code_hash: B256::from(code_hash.to_be_bytes::<32>()) },
                        _ => CopyEndpoint::ReturnData { call_id: last_callee },
                    };
                    (
                        src,
                        opcodes::as_usize(inp(1)).unwrap_or(usize::MAX) as u64,
                        CopyEndpoint::Memory { call_id },
                        off as u64,
                        bytes,
                    )
                }),
                0x3c => dst_region.map(|(off, bytes)| {
                    let a = word_addr(inp(0));
                    let h = inner.state.get(&a).map(|x| x.info.code_hash).unwrap_or(KECCAK_EMPTY);
                    (
                        CopyEndpoint::Bytecode { code_hash: h },
                        opcodes::as_usize(inp(2)).unwrap_or(usize::MAX) as u64,
                        CopyEndpoint::Memory { call_id },
                        off as u64,
                        bytes,
                    )
                }),
                0x5e => dst_region.map(|(off, bytes)| {
                    (
                        CopyEndpoint::Memory { call_id },
                        opcodes::as_usize(inp(1)).unwrap_or_default() as u64,
                        CopyEndpoint::Memory { call_id },
                        off as u64,
                        bytes,
                    )
                }),
                _ => None, // LOG copies are recorded by the log hook.
            };
            if let Some((src, src_offset, dst, dst_offset, bytes)) = event {
                self.copy_events.push(CopyEvent { kind, src, src_offset, dst, dst_offset, bytes, rw_counter });
            }
        }
        match op {
            0x31 => {
                // BALANCE
                let a = word_addr(inp(0));
                self.access_account(a);
                self.sync_one_account(inner, a);
                self.read_account(a, AccountField::Balance, after.last().copied().unwrap_or_default());
            }
            0x47 => self.read_account(target, AccountField::Balance, after.last().copied().unwrap_or_default()),
            0x3b | 0x3c | 0x3f => {
                // EXTCODESIZE, EXTCODECOPY, EXTCODEHASH
                let a = word_addr(inp(0));
                self.access_account(a);
                self.sync_one_account(inner, a);
                let h = inner.state.get(&a).map(|x| x.info.code_hash).unwrap_or(KECCAK_EMPTY);
                self.read_account(a, AccountField::CodeHash, U256::from_be_bytes(h.0));
            }
            0x40 => {
                // BLOCKHASH
                if let (Ok(n), Some(h)) = (u64::try_from(inp(0)), after.last())
                    && !h.is_zero()
                {
                    self.block_hashes.insert(n, B256::from(h.to_be_bytes::<32>()));
                }
            }
            0x54 => {
                // SLOAD
                let key = inp(0);
                self.access_slot(target, key);
                let value = after.last().copied().unwrap_or_default();
                let committed = inner
                    .state
                    .get(&target)
                    .and_then(|a| a.storage.get(&key))
                    .map(|s| s.original_value)
                    .unwrap_or_default();
                self.emit(
                    false,
                    RwOp::Storage { tx_id: self.tx_id, address: target, key, value, prev: value, committed },
                );
                self.sync_one_slot(inner, target, key);
            }
            0x55 => {
                // SSTORE
                let (key, value) = (inp(0), inp(1));
                self.access_slot(target, key);
                let committed = inner
                    .state
                    .get(&target)
                    .and_then(|a| a.storage.get(&key))
                    .map(|s| s.original_value)
                    .unwrap_or_default();
                let prev = self.shadow.storage.insert((target, key), value).unwrap_or_default();
                self.emit(true, RwOp::Storage { tx_id: self.tx_id, address: target, key, value, prev, committed });
                self.sync_one_slot(inner, target, key);
            }
            0x5c => {
                let key = inp(0);
                let value = after.last().copied().unwrap_or_default();
                self.emit(
                    false,
                    RwOp::TransientStorage { tx_id: self.tx_id, address: target, key, value, prev: value },
                );
            }
            0x5d => {
                let (key, value) = (inp(0), inp(1));
                let prev = self.shadow.transient.insert((target, key), value).unwrap_or_default();
                self.emit(true, RwOp::TransientStorage { tx_id: self.tx_id, address: target, key, value, prev });
            }
            0xff => {
                // SELFDESTRUCT: the beneficiary is accessed.
                self.access_account(word_addr(inp(0)));
                self.sync_journal(inner);
            }
            0xf1 | 0xf2 | 0xf4 | 0xfa => {
                // Calls access the callee (revm has loaded it; the frame opens after this step)
                // and read its code hash: the code that runs, or none.
                let a = word_addr(inp(1));
                self.access_account(a);
                self.sync_one_account(inner, a);
                let h = inner.state.get(&a).map(|x| x.info.code_hash).unwrap_or(KECCAK_EMPTY);
                self.read_account(a, AccountField::CodeHash, U256::from_be_bytes(h.0));
            }
            0xf3 | 0xfd => {
                if let Some(a) = self.active.last_mut() {
                    a.return_offset = region_bytes.first().map(|(off, _)| *off).unwrap_or_default();
                }
                if let Some((off, bytes)) = region_bytes.first().cloned() {
                    let is_create = self.ctx_value(CallContextField::IsCreate) == U256::from(1);
                    let (kind, dst) = if is_create && op == 0xf3 {
                        (CopyKind::Deploy, CopyEndpoint::Bytecode { code_hash: keccak256(&bytes) })
                    } else {
                        (CopyKind::ReturnToCaller, CopyEndpoint::ReturnData { call_id })
                    };
                    let rw_counter = region_counters.first().copied().unwrap_or_default();
                    self.copy_events.push(CopyEvent {
                        kind,
                        src: CopyEndpoint::Memory { call_id },
                        src_offset: off as u64,
                        dst,
                        dst_offset: 0,
                        bytes,
                        rw_counter,
                    });
                }
            }
            _ => {}
        }
        if is_frame_op {
            let n_in = p.inputs.len();
            let args = opcodes::call_args_region(op).or(matches!(op, 0xf0 | 0xf5).then_some((1, 2)));
            let args_offset = args.and_then(|(o, _)| opcodes::as_usize(inp(o))).unwrap_or_default();
            let (offset, len, prev) = p.ret.clone().unwrap_or((0, 0, Vec::new()));
            self.pending_call = Some(PendingCall {
                args_offset,
                args_rw_counter: region_counters.first().copied().unwrap_or_else(|| self.counter()),
                ret: RetTarget { offset, len, prev, stack_pointer: (len_sub(p.stack_len, n_in)) as u32 },
            });
        }
        // Refund counter.
        let delta = interp.gas.refunded() - p.refund;
        if delta != 0 {
            if let Some(a) = self.active.last_mut() {
                a.refund += delta;
            }
            let prev = self.tx_refund;
            self.tx_refund += delta;
            self.emit(
                true,
                RwOp::TxRefund { tx_id: self.tx_id, value: self.tx_refund.max(0) as u64, prev: prev.max(0) as u64 },
            );
        }
    }
}

/// Gas a value-transferring call adds for the callee on top of what the caller forwards.
const CALL_STIPEND: u64 = 2300;

impl Recorder {
    /// Splits the gas revm charged for the frame-opening step that just ran into the opcode's
    /// own cost and the gas forwarded to the child (revm deducts both in the step).
    fn split_forwarded_gas(&mut self, forwarded: u64) {
        if let Some(step) = self.steps.last_mut()
            && matches!(step.opcode, 0xf0 | 0xf1 | 0xf2 | 0xf4 | 0xf5 | 0xfa)
        {
            step.forwarded_gas = forwarded;
            step.gas_cost = step.gas_cost.saturating_sub(forwarded);
        }
    }
}

fn len_sub(a: usize, b: usize) -> usize {
    a.saturating_sub(b)
}

impl Recorder {
    /// Credits a withdrawal: an account balance write after the transactions.
    pub fn credit(&mut self, address: Address, new_balance: U256) {
        self.set_account(address, AccountField::Balance, new_balance);
    }

    /// Adds the transactions' hashes (keccak of their encoding) as keccak inputs.
    pub fn add_tx_hashes(&mut self, txs: &[TxInput]) {
        for tx in txs {
            self.add_keccak(KeccakKind::Transaction, tx.raw.clone(), tx.hash);
        }
    }
}
