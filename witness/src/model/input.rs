//! What every block source produces: [`BlockInput`].

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};

use crate::error::WitnessError;

/// The hard fork whose rules the block follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fork {
    /// Shanghai (withdrawals, PUSH0).
    Shanghai,
    /// Cancun (transient storage, MCOPY, blobs, EIP-6780 SELFDESTRUCT).
    Cancun,
}

impl Fork {
    /// Parses a fork name as ethereum/tests and execution clients spell it.
    pub fn parse(input: &str, name: &str) -> Result<Self, WitnessError> {
        match name.to_ascii_lowercase().as_str() {
            "shanghai" => Ok(Self::Shanghai),
            "cancun" => Ok(Self::Cancun),
            _ => Err(WitnessError::UnsupportedFork { input: input.to_string(), fork: name.to_string() }),
        }
    }
}

/// Chain-wide configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The fork in force for this block.
    pub fork: Fork,
}

/// The header fields that execution reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BlockHeader {
    /// Block number.
    pub number: u64,
    /// Unix timestamp.
    pub timestamp: u64,
    /// Fee recipient (COINBASE).
    pub coinbase: Address,
    /// Block gas limit.
    pub gas_limit: u64,
    /// EIP-1559 base fee per gas.
    pub base_fee: u64,
    /// Difficulty (zero after the merge).
    pub difficulty: U256,
    /// PREVRANDAO (the header's mix hash after the merge).
    pub prev_randao: B256,
    /// EIP-4844 excess blob gas (Cancun).
    pub excess_blob_gas: Option<u64>,
    /// Hash of the parent block.
    pub parent_hash: B256,
    /// The post-state root the header claims, where the source knows it.
    pub state_root: Option<B256>,
    /// Hashes of earlier blocks that BLOCKHASH may read, by number.
    pub block_hashes: BTreeMap<u64, B256>,
    /// EIP-4788 parent beacon block root (Cancun headers). When present, the block starts with
    /// the beacon-roots system call; state tests have none (they run single transactions, not
    /// blocks).
    #[serde(default)]
    pub parent_beacon_block_root: Option<B256>,
}

/// One access-list entry (EIP-2930).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessListEntry {
    /// The account.
    pub address: Address,
    /// Its pre-warmed slots.
    pub storage_keys: Vec<B256>,
}

/// A transaction's ECDSA signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxSignature {
    /// Parity of the curve point's y (recovery id).
    pub y_parity: bool,
    /// r.
    pub r: U256,
    /// s.
    pub s: U256,
}

/// A signed transaction, decoded into plain fields. Built from its EIP-2718 bytes by
/// [`TxInput::decode`], which also recovers the sender from the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxInput {
    /// EIP-2718 type: 0 legacy, 1 access list, 2 dynamic fee, 3 blob.
    pub tx_type: u8,
    /// Transaction hash (keccak of `raw`).
    pub hash: B256,
    /// The signed transaction as EIP-2718 bytes.
    pub raw: Bytes,
    /// Sender recovered from the signature.
    pub sender: Address,
    /// Chain id (None for pre-EIP-155 legacy).
    pub chain_id: Option<u64>,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Legacy gas price, or the max fee per gas for EIP-1559 and blob transactions.
    pub max_fee_per_gas: u128,
    /// EIP-1559 max priority fee (None for legacy and access-list transactions).
    pub max_priority_fee_per_gas: Option<u128>,
    /// Callee, or None for contract creation.
    pub to: Option<Address>,
    /// Wei transferred.
    pub value: U256,
    /// Calldata or init code.
    pub input: Bytes,
    /// EIP-2930 access list.
    pub access_list: Vec<AccessListEntry>,
    /// EIP-4844 versioned hashes.
    pub blob_hashes: Vec<B256>,
    /// EIP-4844 max fee per blob gas.
    pub max_fee_per_blob_gas: Option<u128>,
    /// The signature.
    pub signature: TxSignature,
}

/// A withdrawal (EIP-4895): a balance credit applied after the transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Withdrawal index.
    pub index: u64,
    /// Validator index.
    pub validator_index: u64,
    /// Credited account.
    pub address: Address,
    /// Amount in gwei.
    pub amount_gwei: u64,
}

/// An account of the pre-state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PreAccount {
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code hash (keccak of the code; the empty-code hash for accounts without code).
    pub code_hash: B256,
    /// Storage root. For a complete pre-state it is recomputed and checked; for a proven one it
    /// is the root the storage proofs verify against.
    pub storage_root: B256,
    /// Storage slots: all of them for a complete pre-state, the touched ones otherwise. Zero
    /// values are listed only where a proof shows their absence.
    pub storage: BTreeMap<U256, U256>,
    /// Whether the account exists in the pre-state trie (false: proven absent).
    pub exists: bool,
}

/// The pre-state of a block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PreState {
    /// The pre-state root (the parent block's state root).
    pub state_root: B256,
    /// Whether `accounts` lists the whole state (state tests, embedded block) rather than only
    /// the accounts the block touches (JSON-RPC).
    pub complete: bool,
    /// Accounts by address.
    pub accounts: BTreeMap<Address, PreAccount>,
    /// Contract code by code hash.
    pub codes: BTreeMap<B256, Bytes>,
    /// Trie nodes (RLP) of the account and storage proofs, deduplicated; empty for a complete
    /// pre-state, whose tries are rebuilt from `accounts`.
    pub proof_nodes: Vec<Bytes>,
    /// More pre-state trie nodes: the siblings that branches collapse onto when the block
    /// deletes keys, which the proofs of the touched keys do not reveal (from the node's
    /// `debug_executionWitness`, from proofs of probe keys under the sibling, or candidates
    /// derived from post-state proofs, [`crate::trie::sibling_candidates`]). Like
    /// `proof_nodes`, a node is used only where a verified node references its hash, so a wrong
    /// one is never trusted.
    #[serde(default)]
    pub sibling_nodes: Vec<Bytes>,
    /// Proofs, under the block's own post-state root (`header.state_root`), of keys the block
    /// deletes, for collapses whose sibling no node above reveals. Each is verified against
    /// that root; a leaf or extension sibling is recovered from it by hash (as with
    /// `sibling_nodes`), a branch sibling only by type: the proof ends in an extension over its
    /// hash ([`crate::trie::extension_children`]). Such a type fact is only as good as the
    /// header's root and cannot be checked by the MPT circuit, so the witness flags the
    /// updates that rest on one ([`crate::SelfChecks::mpt_siblings`]).
    #[serde(default)]
    pub deletion_proofs: Vec<DeletionProof>,
}

/// Proof of a deleted key under the block's post-state root: `eth_getProof` at the block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeletionProof {
    /// The account: deleted by the block when `storage` is empty, else the owner of the slots
    /// the block clears.
    pub address: Address,
    /// Account trie nodes on the path of keccak(address), root first.
    pub account_proof: Vec<Bytes>,
    /// Cleared slots and their storage trie nodes, under the account's post-state storage
    /// root (which `account_proof` proves).
    pub storage: Vec<(U256, Vec<Bytes>)>,
}

/// What a source knows the result must be (fixture expectations, the header's root).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Expected {
    /// Expected post-state root.
    pub state_root: Option<B256>,
    /// Expected keccak of the RLP list of all logs of the block.
    pub logs_hash: Option<B256>,
    /// Whether the (single) transaction is expected to be rejected as invalid.
    pub invalid_tx: bool,
}

/// A block ready for re-execution: configuration, header, transactions and pre-state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInput {
    /// Where it came from (file and case, RPC URL and number, `embedded`).
    pub source: String,
    /// Chain configuration.
    pub chain: ChainConfig,
    /// Header fields.
    pub header: BlockHeader,
    /// Signed transactions in block order.
    pub transactions: Vec<TxInput>,
    /// Withdrawals, applied after the transactions.
    pub withdrawals: Vec<Withdrawal>,
    /// The pre-state.
    pub pre_state: PreState,
    /// Expected results, where known.
    pub expected: Expected,
}
