//! revm's view of a [`BlockInput`]'s pre-state, recording what it lacked.

use std::cell::RefCell;
use std::collections::BTreeSet;

use alloy_primitives::{Address, B256, U256};
use revm::bytecode::Bytecode;
use revm::database_interface::{DBErrorMarker, DatabaseRef};
use revm::state::AccountInfo;

use crate::error::MissingKey;
use crate::model::{BlockInput, PreState};

/// Database errors (never raised: missing keys are recorded instead, so that one run finds them
/// all).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct DbError(pub String);

impl DBErrorMarker for DbError {}

/// The pre-state as a read-only revm database.
#[derive(Debug)]
pub struct PreStateDb<'a> {
    pre: &'a PreState,
    block_hashes: &'a std::collections::BTreeMap<u64, B256>,
    missing: RefCell<BTreeSet<MissingKey>>,
}

impl<'a> PreStateDb<'a> {
    /// Wraps a block input's pre-state.
    pub fn new(input: &'a BlockInput) -> Self {
        Self { pre: &input.pre_state, block_hashes: &input.header.block_hashes, missing: RefCell::default() }
    }

    /// Keys that execution needed and a partial pre-state did not have.
    pub fn missing(&self) -> BTreeSet<MissingKey> {
        self.missing.borrow().clone()
    }
}

impl DatabaseRef for PreStateDb<'_> {
    type Error = DbError;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, DbError> {
        match self.pre.accounts.get(&address) {
            Some(a) if a.exists => {
                let code = self.pre.codes.get(&a.code_hash).map(|c| Bytecode::new_raw(c.clone()));
                if code.is_none() && a.code_hash != revm::primitives::KECCAK_EMPTY {
                    return Err(DbError(format!("code {} of {address} is not in the pre-state", a.code_hash)));
                }
                Ok(Some(AccountInfo {
                    balance: a.balance,
                    nonce: a.nonce,
                    code_hash: a.code_hash,
                    code: Some(code.unwrap_or_default()),
                    ..Default::default()
                }))
            }
            Some(_) => Ok(None),
            None => {
                if !self.pre.complete {
                    self.missing.borrow_mut().insert(MissingKey::Account(address));
                }
                Ok(None)
            }
        }
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, DbError> {
        match self.pre.codes.get(&code_hash) {
            Some(c) => Ok(Bytecode::new_raw(c.clone())),
            None if code_hash == revm::primitives::KECCAK_EMPTY => Ok(Bytecode::default()),
            None => Err(DbError(format!("code {code_hash} is not in the pre-state"))),
        }
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, DbError> {
        match self.pre.accounts.get(&address) {
            Some(a) => match a.storage.get(&index) {
                Some(v) => Ok(*v),
                None => {
                    if !self.pre.complete && a.exists && a.storage_root != crate::trie::EMPTY_ROOT {
                        self.missing.borrow_mut().insert(MissingKey::Storage(address, index));
                    }
                    Ok(U256::ZERO)
                }
            },
            None => {
                if !self.pre.complete {
                    self.missing.borrow_mut().insert(MissingKey::Account(address));
                }
                Ok(U256::ZERO)
            }
        }
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, DbError> {
        match self.block_hashes.get(&number) {
            Some(h) => Ok(*h),
            None => {
                self.missing.borrow_mut().insert(MissingKey::BlockHash(number));
                Ok(B256::ZERO)
            }
        }
    }
}
