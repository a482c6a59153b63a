//! Errors of the witness crate. Every variant names the input it is about.

use alloy_primitives::{Address, B256, U256};

use crate::trie::TrieError;

/// Everything that can go wrong while loading a block, re-executing it or checking the witness.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// A file or string could not be parsed.
    #[error("{input}: malformed input: {reason}")]
    Malformed {
        /// Which input (file name, RPC method, field).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The fork named by the input is not one we know or support.
    #[error("{input}: unsupported fork `{fork}` (supported: Shanghai, Cancun)")]
    UnsupportedFork {
        /// Which input.
        input: String,
        /// The fork name as given.
        fork: String,
    },
    /// A transaction of a type we do not support.
    #[error("{input}: unsupported transaction type {tx_type:#x}")]
    UnsupportedTxType {
        /// Which input (transaction index or hash).
        input: String,
        /// The EIP-2718 type byte.
        tx_type: u8,
    },
    /// The transaction's signature does not recover to a sender, or the sender differs from the
    /// one the source claims.
    #[error("{input}: bad signature: {reason}")]
    BadSignature {
        /// Which transaction.
        input: String,
        /// Why.
        reason: String,
    },
    /// revm refused the transaction (nonce, balance, gas limit, ...).
    #[error("transaction {index} ({hash}): invalid: {reason}")]
    InvalidTransaction {
        /// Index in the block.
        index: usize,
        /// Transaction hash.
        hash: B256,
        /// revm's reason.
        reason: String,
    },
    /// A state proof does not hash to the root it claims.
    #[error("{input}: proof does not match root {root}: {reason}")]
    ProofMismatch {
        /// Which proof (account or slot).
        input: String,
        /// The root it should prove against.
        root: B256,
        /// Why it fails.
        reason: String,
    },
    /// Re-execution needed state that the source did not provide.
    #[error("{input}: pre-state incomplete: {} key(s) missing, first {}", keys.len(), keys.first().map(|k| k.to_string()).unwrap_or_default())]
    IncompletePreState {
        /// Which block.
        input: String,
        /// The keys execution needed and did not find.
        keys: Vec<MissingKey>,
    },
    /// The trie code failed (missing node in a partial trie, bad encoding).
    #[error("{input}: trie: {source}")]
    Trie {
        /// Which trie or key.
        input: String,
        /// The trie error.
        #[source]
        source: TrieError,
    },
    /// A JSON-RPC call failed, answered an error, or timed out.
    #[error("rpc {method} at {url}: {reason}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// The JSON-RPC method.
        method: String,
        /// What happened.
        reason: String,
    },
    /// The witness codec failed.
    #[error("witness codec ({format}): {reason}")]
    Codec {
        /// `json` or `binary`.
        format: &'static str,
        /// Why.
        reason: String,
    },
    /// A self-check failed where the caller asked for it to be an error.
    #[error("self-check `{check}` failed: {detail}")]
    CheckFailed {
        /// The check's name.
        check: &'static str,
        /// What mismatched.
        detail: String,
    },
    /// The block needs more witness than the limits allow.
    #[error("{input}: block too large for a witness: {reason}")]
    TooLarge {
        /// Which block.
        input: String,
        /// Which limit was hit.
        reason: String,
    },
    /// revm failed for a reason outside the transaction (database error, internal error).
    #[error("re-execution of transaction {index}: {reason}")]
    Execution {
        /// Index in the block.
        index: usize,
        /// revm's message.
        reason: String,
    },
    /// The EIP-4788 beacon-root system call failed (it must not: its contract never fails on
    /// the system address's call) or its contract could not be loaded.
    #[error("{input}: EIP-4788 beacon-root system call: {reason}")]
    SystemCall {
        /// Which block.
        input: String,
        /// What happened.
        reason: String,
    },
    /// I/O on a named file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl WitnessError {
    /// Shorthand for [`WitnessError::Malformed`].
    pub fn malformed(input: impl Into<String>, reason: impl ToString) -> Self {
        Self::Malformed { input: input.into(), reason: reason.to_string() }
    }
}

/// A key that re-execution needed and the pre-state lacked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum MissingKey {
    /// An account.
    Account(Address),
    /// A storage slot of an account.
    Storage(Address, U256),
    /// The hash of a block (BLOCKHASH).
    BlockHash(u64),
}

impl std::fmt::Display for MissingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Account(a) => write!(f, "account {a}"),
            Self::Storage(a, k) => write!(f, "slot {k:#x} of {a}"),
            Self::BlockHash(n) => write!(f, "hash of block {n}"),
        }
    }
}
