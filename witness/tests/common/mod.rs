//! Helpers shared by the integration tests: small hand-built blocks, and the conversion of a
//! complete pre-state into a proven (JSON-RPC-like) one.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_primitives::{Address, Bytes, TxKind, U256, address, keccak256};
use alloy_signer::SignerSync;
use rebuttal_witness::model::*;
use rebuttal_witness::source::embedded::test_key;
use rebuttal_witness::trie::EMPTY_ROOT;

/// Chain id of the hand-built blocks.
pub const CHAIN_ID: u64 = 901;
/// The contract the hand-built blocks call.
pub const CONTRACT: Address = address!("00000000000000000000000000000000000c0de0");
/// Fee recipient of the hand-built blocks.
pub const COINBASE: Address = address!("00000000000000000000000000000000c0ffee00");

/// A one-transaction Cancun block with a complete pre-state: a funded sender and `CONTRACT`
/// with `code` and `storage`; the transaction calls `CONTRACT` with `calldata`.
pub fn one_call_block(code: &[u8], storage: &[(u64, u64)], calldata: Vec<u8>) -> BlockInput {
    let sender = test_key("synthetic");
    let code = Bytes::copy_from_slice(code);
    let mut accounts = BTreeMap::new();
    accounts.insert(
        sender.address(),
        PreAccount {
            balance: U256::from(10).pow(U256::from(19)),
            code_hash: revm::primitives::KECCAK_EMPTY,
            exists: true,
            ..Default::default()
        },
    );
    accounts.insert(
        CONTRACT,
        PreAccount {
            nonce: 1,
            code_hash: keccak256(&code),
            storage: storage.iter().map(|(k, v)| (U256::from(*k), U256::from(*v))).collect(),
            exists: true,
            ..Default::default()
        },
    );
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce: 0,
        gas_limit: 1_000_000,
        max_fee_per_gas: 3_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(CONTRACT),
        value: U256::ZERO,
        access_list: Default::default(),
        input: calldata.into(),
    };
    let sig = sender.sign_hash_sync(&tx.signature_hash()).unwrap();
    let env = TxEnvelope::Eip1559(tx.into_signed(sig));
    let mut input = BlockInput {
        source: "synthetic".into(),
        chain: ChainConfig { chain_id: CHAIN_ID, fork: Fork::Cancun },
        header: BlockHeader {
            number: 1,
            timestamp: 1_700_000_012,
            coinbase: COINBASE,
            gas_limit: 30_000_000,
            base_fee: 1_000_000_000,
            excess_blob_gas: Some(0),
            ..Default::default()
        },
        transactions: vec![TxInput::from_envelope("synthetic tx 0", &env).unwrap()],
        withdrawals: Vec::new(),
        pre_state: PreState {
            complete: true,
            accounts,
            codes: [(keccak256(&code), code)].into_iter().collect(),
            ..Default::default()
        },
        expected: Expected::default(),
    };
    input.pre_state.state_root = rebuttal_witness::mpt_witness::pre_state_tries(&input).unwrap().root();
    input
}

/// The block with its complete pre-state replaced by what a JSON-RPC source would fetch: the
/// touched accounts and slots of `full` (a witness of `input`), proven by their pre-state
/// proofs.
pub fn proven(input: &BlockInput, full: &BlockWitness) -> BlockInput {
    let tries = rebuttal_witness::mpt_witness::pre_state_tries(input).unwrap();
    let mut out = input.clone();
    let mut nodes = BTreeSet::new();
    for p in &full.mpt.pre_proofs {
        nodes.extend(p.proof.iter().cloned());
        for s in &p.storage {
            nodes.extend(s.proof.iter().cloned());
        }
    }
    out.pre_state.complete = false;
    out.pre_state.proof_nodes = nodes.into_iter().collect();
    out.pre_state.accounts.clear();
    for p in &full.mpt.pre_proofs {
        let mut acc = match tries.account(&p.address).unwrap() {
            Some(l) => PreAccount {
                nonce: l.nonce,
                balance: l.balance,
                code_hash: l.code_hash,
                storage_root: l.storage_root,
                exists: true,
                ..Default::default()
            },
            None => {
                PreAccount { code_hash: revm::primitives::KECCAK_EMPTY, storage_root: EMPTY_ROOT, ..Default::default() }
            }
        };
        for s in &p.storage {
            acc.storage.insert(s.key, s.value);
        }
        out.pre_state.accounts.insert(p.address, acc);
    }
    out
}

/// The entries of the log in the counter range `[start, end)`.
pub fn rws_in(w: &BlockWitness, start: u64, end: u64) -> &[RwEntry] {
    &w.rws[(start - 1) as usize..(end - 1) as usize]
}

/// The entries a step made.
pub fn step_rws<'a>(w: &'a BlockWitness, s: &ExecStep) -> &'a [RwEntry] {
    rws_in(w, s.rw_counter, s.rw_counter + s.rw_count as u64)
}

/// Gas of `bytes` of memory (a multiple of 32).
pub fn memory_gas(bytes: u64) -> u64 {
    let words = bytes.div_ceil(32);
    3 * words + words * words / 512
}
