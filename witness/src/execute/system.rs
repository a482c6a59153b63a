//! Protocol system calls made outside transactions: EIP-4788's beacon-roots call.

use alloy_primitives::{Address, B256, Bytes, TxKind, U256};
use revm::context::TxEnv;

use crate::model::{BlockInput, Fork};

/// The caller of system calls (EIP-4788 `SYSTEM_ADDRESS`).
pub const SYSTEM_ADDRESS: Address = alloy_eips::eip4788::SYSTEM_ADDRESS;
/// The beacon-roots contract (EIP-4788 `BEACON_ROOTS_ADDRESS`).
pub const BEACON_ROOTS_ADDRESS: Address = alloy_eips::eip4788::BEACON_ROOTS_ADDRESS;
/// The ring-buffer length of the beacon-roots contract (EIP-4788 `HISTORY_BUFFER_LENGTH`).
pub const HISTORY_BUFFER_LENGTH: u64 = 8191;
/// Gas given to a system call (EIP-4788: 30 million, outside the block's gas).
pub const SYSTEM_CALL_GAS: u64 = 30_000_000;
/// The id of the block's system call in the read/write log and the call contexts.
pub const SYSTEM_CALL_TX_ID: u32 = 0;

/// The id in the read/write log of the transaction at `index` in the block: `index + 1`, so
/// that ids grow with the log's counter and 0 is left to the system call.
pub fn tx_id_of(index: usize) -> u32 {
    index as u32 + 1
}

/// The slots the beacon-roots call writes for a block timestamp: (timestamp slot, root slot),
/// that is `timestamp % 8191` and `timestamp % 8191 + 8191`.
pub fn beacon_root_slots(timestamp: u64) -> (U256, U256) {
    let i = timestamp % HISTORY_BUFFER_LENGTH;
    (U256::from(i), U256::from(i + HISTORY_BUFFER_LENGTH))
}

/// The parent beacon block root whose system call opens the block, if the block has one: a
/// Cancun header with the field set, past genesis (whose root must be zero and which makes no
/// call).
pub fn beacon_root_call(input: &BlockInput) -> Option<B256> {
    match input.chain.fork {
        Fork::Cancun if input.header.number > 0 => input.header.parent_beacon_block_root,
        _ => None,
    }
}

/// The message of the beacon-roots system call: from the system address, 30M gas, no value,
/// no fee, the root as calldata.
pub fn beacon_root_tx(root: B256) -> TxEnv {
    TxEnv {
        caller: SYSTEM_ADDRESS,
        kind: TxKind::Call(BEACON_ROOTS_ADDRESS),
        data: Bytes::copy_from_slice(root.as_slice()),
        gas_limit: SYSTEM_CALL_GAS,
        gas_price: 0,
        value: U256::ZERO,
        ..Default::default()
    }
}
