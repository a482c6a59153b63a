//! Re-execution of a block with revm and the recording inspector.

mod db;
mod inspector;
mod opcodes;
pub mod system;
pub(crate) mod world;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use revm::context::{BlockEnv, CfgEnv, Context, ContextSetters, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::context_interface::result::{EVMError, ExecutionResult};
use revm::database::CacheDB;
use revm::handler::{EthFrame, Handler, MainnetHandler};
use revm::inspector::InspectorHandler;
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{KECCAK_EMPTY, TxKind};
use revm::state::EvmState;
use revm::{Database, DatabaseCommit, ExecuteEvm, InspectEvm, MainBuilder, MainContext};

pub use db::PreStateDb;
pub use inspector::{Limits, Recorder};
pub use system::{SYSTEM_CALL_TX_ID, tx_id_of};
pub use world::{World, WorldAccount};

use crate::error::{MissingKey, WitnessError};
use crate::model::*;

/// The result of re-executing a block, before the MPT witness and the checks.
#[derive(Debug)]
pub struct Execution {
    /// System calls before the transactions.
    pub system_calls: Vec<SystemCallTrace>,
    /// Per-transaction traces.
    pub txs: Vec<TxTrace>,
    /// The recorder, with the block's read/write log and side tables.
    pub recorder: Recorder,
    /// State after the block, as revm committed it.
    pub post: World,
    /// Code of every contract that exists after the block, by hash (pre-state and created).
    pub codes: std::collections::BTreeMap<B256, Bytes>,
    /// Block context.
    pub block: BlockContext,
    /// Keys a partial pre-state lacked.
    pub missing: std::collections::BTreeSet<MissingKey>,
}

fn spec_of(fork: Fork) -> SpecId {
    match fork {
        Fork::Shanghai => SpecId::SHANGHAI,
        Fork::Cancun => SpecId::CANCUN,
    }
}

/// revm's block environment for a header.
fn block_env(input: &BlockInput) -> BlockEnv {
    let h = &input.header;
    let spec = spec_of(input.chain.fork);
    BlockEnv {
        number: U256::from(h.number),
        beneficiary: h.coinbase,
        timestamp: U256::from(h.timestamp),
        gas_limit: h.gas_limit,
        basefee: h.base_fee,
        difficulty: h.difficulty,
        prevrandao: Some(h.prev_randao),
        blob_excess_gas_and_price: match (input.chain.fork, h.excess_blob_gas) {
            (Fork::Cancun, Some(e)) => Some(BlobExcessGasAndPrice::new_with_spec(e, spec)),
            (Fork::Cancun, None) => Some(BlobExcessGasAndPrice::new_with_spec(0, spec)),
            _ => None,
        },
        ..Default::default()
    }
}

/// revm's transaction environment for a transaction.
fn tx_env(tx: &TxInput) -> TxEnv {
    let access_list = revm::context_interface::transaction::AccessList(
        tx.access_list
            .iter()
            .map(|e| revm::context_interface::transaction::AccessListItem {
                address: e.address,
                storage_keys: e.storage_keys.clone(),
            })
            .collect(),
    );
    TxEnv {
        tx_type: tx.tx_type,
        caller: tx.sender,
        gas_limit: tx.gas_limit,
        gas_price: tx.max_fee_per_gas,
        kind: match tx.to {
            Some(a) => TxKind::Call(a),
            None => TxKind::Create,
        },
        value: tx.value,
        data: tx.input.clone(),
        nonce: tx.nonce,
        chain_id: tx.chain_id,
        access_list,
        gas_priority_fee: tx.max_priority_fee_per_gas,
        blob_hashes: tx.blob_hashes.clone(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas.unwrap_or_default(),
        ..Default::default()
    }
}

/// Applies revm's state diff of one transaction to `world` the way a client commits it:
/// untouched accounts stay, destroyed and touched-empty (EIP-161) accounts disappear, created
/// accounts start with empty storage.
fn commit_to_world(world: &mut World, codes: &mut std::collections::BTreeMap<B256, Bytes>, state: &EvmState) {
    for (addr, acc) in state {
        if !acc.is_touched() {
            continue;
        }
        if acc.is_selfdestructed() {
            world.accounts.remove(addr);
            continue;
        }
        let entry = world.accounts.entry(*addr).or_default();
        if acc.is_created() {
            entry.storage.clear();
        }
        entry.nonce = acc.info.nonce;
        entry.balance = acc.info.balance;
        entry.code_hash = acc.info.code_hash;
        if let Some(code) = &acc.info.code
            && acc.info.code_hash != KECCAK_EMPTY
        {
            codes.entry(acc.info.code_hash).or_insert_with(|| code.original_bytes());
        }
        for (k, slot) in &acc.storage {
            if slot.present_value.is_zero() {
                entry.storage.remove(k);
            } else {
                entry.storage.insert(*k, slot.present_value);
            }
        }
        if entry.is_empty() && entry.storage.is_empty() {
            world.accounts.remove(addr);
        }
    }
}

/// Re-executes every transaction of `input` with the recording inspector.
///
/// A transaction that revm rejects is an error ([`WitnessError::InvalidTransaction`]); a block
/// with one is not valid. Keys that a partial pre-state lacks are returned in
/// [`Execution::missing`] rather than failing, so a source can fetch them all and retry.
pub fn execute(input: &BlockInput) -> Result<Execution, WitnessError> {
    execute_with(input, Limits::default())
}

/// [`execute`] with explicit limits.
pub fn execute_with(input: &BlockInput, limits: Limits) -> Result<Execution, WitnessError> {
    let pre_world = World::from_pre_state(&input.pre_state);
    let mut codes = input.pre_state.codes.clone();
    let db = CacheDB::new(PreStateDb::new(input));
    let mut cfg = CfgEnv::new_with_spec(spec_of(input.chain.fork));
    cfg.chain_id = input.chain.chain_id;
    let block = block_env(input);
    let blob_base_fee = block.blob_excess_gas_and_price.map(|b| b.blob_gasprice);
    let ctx = Context::mainnet().with_db(db).with_cfg(cfg).with_block(block);
    let mut evm = ctx.build_mainnet_with_inspector(Recorder::new(&pre_world, limits));
    let mut post = pre_world;
    let mut system_calls = Vec::new();
    if let Some(root) = system::beacon_root_call(input) {
        let tx = system::beacon_root_tx(root);
        let mut trace = SystemCallTrace {
            kind: SystemCallKind::BeaconRoot,
            tx_id: SYSTEM_CALL_TX_ID,
            caller: tx.caller,
            target: system::BEACON_ROOTS_ADDRESS,
            input: tx.data.clone(),
            gas_limit: tx.gas_limit,
            skipped: true,
            status: TxStatus::Success,
            gas_used: 0,
            frames: Vec::new(),
            steps: Vec::new(),
            rw_range: (0, 0),
        };
        match beacon_code_hash(&mut evm.ctx.journaled_state.database, input)? {
            None => trace.rw_range = evm.inspector.skipped_system_call(trace.target, KECCAK_EMPTY),
            Some(_) => {
                evm.inspector.begin_tx(SYSTEM_CALL_TX_ID, 0);
                evm.ctx.set_tx(tx);
                let out = MainnetHandler::<_, _, EthFrame<EthInterpreter>>::default().inspect_run_system_call(&mut evm);
                let state = system_call_state(evm.finalize());
                let result = out.map_err(|e| system_call_error(input, e))?;
                if let Some(reason) = evm.inspector.overflow.take() {
                    return Err(WitnessError::TooLarge {
                        input: input.source.clone(),
                        reason: format!("beacon-root system call: {reason}"),
                    });
                }
                let record = evm.inspector.end_system_call(&state);
                commit_to_world(&mut post, &mut codes, &state);
                evm.ctx.journaled_state.database.commit(state);
                trace.skipped = false;
                trace.status = status_of(&result);
                trace.gas_used = result.tx_gas_used();
                trace.frames = record.frames;
                trace.steps = record.steps;
                trace.rw_range = record.rw_range;
            }
        }
        system_calls.push(trace);
    }
    let mut txs = Vec::with_capacity(input.transactions.len());
    let mut cumulative = 0u64;
    for (index, tx) in input.transactions.iter().enumerate() {
        evm.inspector.begin_tx(tx_id_of(index), tx.nonce);
        let out = evm.inspect_tx(tx_env(tx));
        if out.is_err() && !input.pre_state.complete {
            let missing = evm.ctx.journaled_state.database.db.missing();
            if !missing.is_empty() {
                return Err(WitnessError::IncompletePreState {
                    input: input.source.clone(),
                    keys: missing.into_iter().collect(),
                });
            }
        }
        let out = out.map_err(|e| match e {
            EVMError::Transaction(t) => {
                WitnessError::InvalidTransaction { index, hash: tx.hash, reason: t.to_string() }
            }
            EVMError::Header(h) => WitnessError::InvalidTransaction { index, hash: tx.hash, reason: h.to_string() },
            other => WitnessError::Execution { index, reason: other.to_string() },
        })?;
        if let Some(reason) = evm.inspector.overflow.take() {
            return Err(WitnessError::TooLarge {
                input: input.source.clone(),
                reason: format!("transaction {index}: {reason}"),
            });
        }
        let result = out.result;
        let state = out.state;
        let gas_used = result.tx_gas_used();
        cumulative += gas_used;
        let status = status_of(&result);
        let record = evm.inspector.end_tx(&state, status == TxStatus::Success, cumulative);
        commit_to_world(&mut post, &mut codes, &state);
        evm.ctx.journaled_state.database.commit(state);
        let logs = result
            .logs()
            .iter()
            .map(|l| LogEntry { address: l.address, topics: l.topics().to_vec(), data: l.data.data.clone() })
            .collect();
        txs.push(TxTrace {
            index: index as u32,
            tx_id: tx_id_of(index),
            tx: tx.clone(),
            status,
            gas_used,
            gas_refunded: result.gas().final_refunded(),
            cumulative_gas_used: cumulative,
            created_address: result.created_address(),
            output: result.output().cloned().unwrap_or_default(),
            logs,
            frames: record.frames,
            steps: record.steps,
            rw_range: record.rw_range,
        });
    }
    // Withdrawals credit balances after the transactions.
    for w in &input.withdrawals {
        let amount = U256::from(w.amount_gwei) * U256::from(1_000_000_000u64);
        let acc = post.accounts.entry(w.address).or_default();
        let new = acc.balance + amount;
        evm.inspector.credit(w.address, new);
        acc.balance = new;
    }
    let missing = evm.ctx.journaled_state.database.db.missing();
    let mut recorder = std::mem::take(&mut evm.inspector);
    recorder.add_tx_hashes(&input.transactions);
    let block = BlockContext {
        coinbase: input.header.coinbase,
        timestamp: input.header.timestamp,
        number: input.header.number,
        prev_randao: input.header.prev_randao,
        difficulty: input.header.difficulty,
        gas_limit: input.header.gas_limit,
        base_fee: input.header.base_fee,
        chain_id: input.chain.chain_id,
        blob_base_fee,
        block_hashes: recorder.block_hashes.iter().map(|(n, h)| (*n, *h)).collect(),
    };
    Ok(Execution { system_calls, txs, recorder, post, codes, block, missing })
}

fn status_of<H>(result: &ExecutionResult<H>) -> TxStatus {
    match result {
        ExecutionResult::Success { .. } => TxStatus::Success,
        ExecutionResult::Revert { .. } => TxStatus::Revert,
        ExecutionResult::Halt { .. } => TxStatus::Halt,
    }
}

/// The code hash of the beacon-roots contract, None if it has no code (the call is skipped).
/// Loading it through revm's database records it as missing for a partial pre-state.
fn beacon_code_hash<DB: Database<Error = db::DbError>>(
    db: &mut DB,
    input: &BlockInput,
) -> Result<Option<B256>, WitnessError> {
    let info = db.basic(system::BEACON_ROOTS_ADDRESS).map_err(|e| WitnessError::SystemCall {
        input: input.source.clone(),
        reason: format!("loading {}: {e}", system::BEACON_ROOTS_ADDRESS),
    })?;
    Ok(info.map(|i| i.code_hash).filter(|h| *h != KECCAK_EMPTY))
}

/// The state a system call commits: like clients, drop the system address, which the call
/// only touches (it pays nothing and its nonce does not change).
fn system_call_state(mut state: EvmState) -> EvmState {
    state.remove(&system::SYSTEM_ADDRESS);
    state
}

fn system_call_error(input: &BlockInput, e: EVMError<db::DbError>) -> WitnessError {
    WitnessError::SystemCall { input: input.source.clone(), reason: e.to_string() }
}

/// The result of [`execute_plain`].
#[derive(Debug, Clone)]
pub struct PlainExecution {
    /// Gas used by the block.
    pub gas_used: u64,
    /// State after the block.
    pub post: World,
    /// Logs of the block.
    pub logs: Vec<LogEntry>,
}

/// Executes the block's transactions with plain revm (no inspector, no recording): the baseline
/// for measuring the recording overhead, and a check of blocks too large for a witness.
pub fn execute_plain(input: &BlockInput) -> Result<PlainExecution, WitnessError> {
    let mut post = World::from_pre_state(&input.pre_state);
    let mut codes = input.pre_state.codes.clone();
    let mut logs = Vec::new();
    let db = CacheDB::new(PreStateDb::new(input));
    let mut cfg = CfgEnv::new_with_spec(spec_of(input.chain.fork));
    cfg.chain_id = input.chain.chain_id;
    let ctx = Context::mainnet().with_db(db).with_cfg(cfg).with_block(block_env(input));
    let mut evm = ctx.build_mainnet();
    if let Some(root) = system::beacon_root_call(input)
        && beacon_code_hash(&mut evm.ctx.journaled_state.database, input)?.is_some()
    {
        evm.ctx.set_tx(system::beacon_root_tx(root));
        let out = MainnetHandler::<_, _, EthFrame<EthInterpreter>>::default().run_system_call(&mut evm);
        let state = system_call_state(evm.finalize());
        out.map_err(|e| system_call_error(input, e))?;
        commit_to_world(&mut post, &mut codes, &state);
        evm.ctx.journaled_state.database.commit(state);
    }
    let mut gas = 0;
    for (index, tx) in input.transactions.iter().enumerate() {
        let out = evm.transact(tx_env(tx)).map_err(|e| match e {
            EVMError::Transaction(t) => {
                WitnessError::InvalidTransaction { index, hash: tx.hash, reason: t.to_string() }
            }
            other => WitnessError::Execution { index, reason: other.to_string() },
        })?;
        gas += out.result.tx_gas_used();
        logs.extend(out.result.logs().iter().map(|l| LogEntry {
            address: l.address,
            topics: l.topics().to_vec(),
            data: l.data.data.clone(),
        }));
        commit_to_world(&mut post, &mut codes, &out.state);
        evm.ctx.journaled_state.database.commit(out.state);
    }
    for w in &input.withdrawals {
        post.accounts.entry(w.address).or_default().balance += U256::from(w.amount_gwei) * U256::from(1_000_000_000u64);
    }
    Ok(PlainExecution { gas_used: gas, post, logs })
}

/// keccak256 of the RLP list of logs, as in state tests' `logs` field.
pub fn logs_hash<'a>(logs: impl IntoIterator<Item = &'a LogEntry>) -> B256 {
    let logs: Vec<alloy_primitives::Log> = logs
        .into_iter()
        .map(|l| alloy_primitives::Log::new_unchecked(l.address, l.topics.clone(), l.data.clone()))
        .collect();
    keccak256(alloy_rlp::encode(&logs))
}

/// Convenience: the address as a 32-byte word.
pub fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}
