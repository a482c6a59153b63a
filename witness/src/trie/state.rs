//! The Ethereum state as tries: the secure account trie and one secure storage trie per account.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256, b256, keccak256};
use alloy_rlp::{RlpDecodable, RlpEncodable};

use super::{Trie, TrieError};

/// Root of the empty trie: keccak256(rlp("")).
pub const EMPTY_ROOT: B256 = b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

/// The value of an account leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct AccountLeaf {
    /// Nonce.
    pub nonce: u64,
    /// Balance.
    pub balance: U256,
    /// Storage trie root.
    pub storage_root: B256,
    /// Code hash.
    pub code_hash: B256,
}

impl AccountLeaf {
    /// RLP of the leaf.
    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    /// Decodes a leaf value.
    pub fn decode(bytes: &[u8]) -> Result<Self, TrieError> {
        let mut b = bytes;
        let leaf = <Self as alloy_rlp::Decodable>::decode(&mut b)
            .map_err(|e| TrieError::BadNode(format!("account leaf: {e}")))?;
        if !b.is_empty() {
            return Err(TrieError::BadNode("account leaf: trailing bytes".into()));
        }
        Ok(leaf)
    }
}

/// The leaf value of a storage slot: RLP of the value, empty for zero (absent).
pub fn storage_value_rlp(value: U256) -> Vec<u8> {
    if value.is_zero() { Vec::new() } else { alloy_rlp::encode(value) }
}

/// Decodes a storage leaf value.
pub fn decode_storage_value(bytes: &[u8]) -> Result<U256, TrieError> {
    let mut b = bytes;
    <U256 as alloy_rlp::Decodable>::decode(&mut b).map_err(|e| TrieError::BadNode(format!("storage value: {e}")))
}

/// The account trie and the storage tries of the accounts we know.
#[derive(Debug, Clone, Default)]
pub struct StateTries {
    /// Secure account trie (keys keccak(address)).
    pub accounts: Trie,
    /// Secure storage tries by account (keys keccak(slot)).
    pub storage: BTreeMap<Address, Trie>,
}

impl StateTries {
    /// Builds full tries from a complete list of accounts and their storage.
    pub fn from_accounts<'a>(
        accounts: impl IntoIterator<Item = (&'a Address, u64, U256, B256, &'a BTreeMap<U256, U256>)>,
    ) -> Result<Self, TrieError> {
        let mut out = Self::default();
        for (address, nonce, balance, code_hash, storage) in accounts {
            let mut st = Trie::new();
            for (k, v) in storage {
                if !v.is_zero() {
                    st.insert(keccak256(k.to_be_bytes::<32>()).as_slice(), storage_value_rlp(*v))?;
                }
            }
            let leaf = AccountLeaf { nonce, balance, storage_root: st.root_hash(), code_hash };
            out.accounts.insert(keccak256(address).as_slice(), leaf.encode())?;
            out.storage.insert(*address, st);
        }
        Ok(out)
    }

    /// Builds partial tries from proof nodes: the account trie under `root`, and the storage
    /// trie of each listed account under its storage root.
    pub fn from_nodes(
        root: B256,
        storage_roots: impl IntoIterator<Item = (Address, B256)>,
        nodes: &[alloy_primitives::Bytes],
    ) -> Result<Self, TrieError> {
        let accounts = Trie::from_nodes(root, nodes.iter().map(|b| b.as_ref()))?;
        let mut storage = BTreeMap::new();
        for (a, r) in storage_roots {
            storage.insert(a, Trie::from_nodes(r, nodes.iter().map(|b| b.as_ref()))?);
        }
        Ok(Self { accounts, storage })
    }

    /// The state root.
    pub fn root(&self) -> B256 {
        self.accounts.root_hash()
    }

    /// The account leaf of `address`, None if absent.
    pub fn account(&self, address: &Address) -> Result<Option<AccountLeaf>, TrieError> {
        match self.accounts.get(keccak256(address).as_slice())? {
            None => Ok(None),
            Some(v) => AccountLeaf::decode(v).map(Some),
        }
    }

    /// The value of a storage slot of `address` (zero if absent).
    pub fn storage_value(&self, address: &Address, key: U256) -> Result<U256, TrieError> {
        let Some(t) = self.storage.get(address) else { return Ok(U256::ZERO) };
        match t.get(keccak256(key.to_be_bytes::<32>()).as_slice())? {
            None => Ok(U256::ZERO),
            Some(v) => decode_storage_value(v),
        }
    }
}
