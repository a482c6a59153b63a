//! A plain, ordered picture of the state: what the replay, the post-state and the MPT use.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use revm::primitives::KECCAK_EMPTY;

use crate::model::PreState;

/// One account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldAccount {
    /// Nonce.
    pub nonce: u64,
    /// Balance.
    pub balance: U256,
    /// Code hash.
    pub code_hash: B256,
    /// Non-zero storage slots that we know.
    pub storage: BTreeMap<U256, U256>,
}

impl Default for WorldAccount {
    fn default() -> Self {
        Self { nonce: 0, balance: U256::ZERO, code_hash: KECCAK_EMPTY, storage: BTreeMap::new() }
    }
}

impl WorldAccount {
    /// EIP-161 emptiness: no nonce, no balance, no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK_EMPTY
    }
}

/// Accounts by address; absent accounts do not exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct World {
    /// The accounts.
    pub accounts: BTreeMap<Address, WorldAccount>,
}

impl World {
    /// The world of a pre-state: existing accounts with their non-zero slots.
    pub fn from_pre_state(pre: &PreState) -> Self {
        let accounts = pre
            .accounts
            .iter()
            .filter(|(_, a)| a.exists)
            .map(|(addr, a)| {
                let storage = a.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
                (*addr, WorldAccount { nonce: a.nonce, balance: a.balance, code_hash: a.code_hash, storage })
            })
            .collect();
        Self { accounts }
    }

    /// A storage value (zero if absent).
    pub fn storage(&self, address: &Address, key: &U256) -> U256 {
        self.accounts.get(address).and_then(|a| a.storage.get(key)).copied().unwrap_or_default()
    }

    /// Describes the first difference to `other`, treating empty accounts as absent, or None.
    pub fn diff(&self, other: &World) -> Option<String> {
        let empty = WorldAccount::default();
        let keys: std::collections::BTreeSet<&Address> = self.accounts.keys().chain(other.accounts.keys()).collect();
        for k in keys {
            let a = self.accounts.get(k).unwrap_or(&empty);
            let b = other.accounts.get(k).unwrap_or(&empty);
            if a.nonce != b.nonce {
                return Some(format!("{k}: nonce {} vs {}", a.nonce, b.nonce));
            }
            if a.balance != b.balance {
                return Some(format!("{k}: balance {} vs {}", a.balance, b.balance));
            }
            if a.code_hash != b.code_hash {
                return Some(format!("{k}: code hash {} vs {}", a.code_hash, b.code_hash));
            }
            if a.storage != b.storage {
                let slot = a
                    .storage
                    .iter()
                    .find(|(s, v)| b.storage.get(s) != Some(v))
                    .map(|(s, _)| *s)
                    .or_else(|| b.storage.keys().find(|s| !a.storage.contains_key(s)).copied())
                    .unwrap_or_default();
                return Some(format!(
                    "{k}: slot {slot:#x}: {} vs {}",
                    a.storage.get(&slot).copied().unwrap_or_default(),
                    b.storage.get(&slot).copied().unwrap_or_default()
                ));
            }
        }
        None
    }
}
