//! The read/write log: every state access of the block, with one global counter.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

/// Account fields that the log reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountField {
    /// Nonce.
    Nonce,
    /// Balance.
    Balance,
    /// Code hash (the empty-code hash for an account without code, also for a missing one).
    CodeHash,
}

/// Fields of a call frame's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CallContextField {
    /// Index of the transaction in the block.
    TxId,
    /// Call id of the parent frame (0 for the root frame).
    CallerId,
    /// Call depth (0 for the root frame).
    Depth,
    /// Caller address.
    CallerAddress,
    /// Address whose storage and balance the frame uses.
    CalleeAddress,
    /// Address whose code runs.
    CodeAddress,
    /// Hash of the code that runs.
    CodeHash,
    /// Value (apparent value for DELEGATECALL).
    Value,
    /// 1 for STATICCALL frames and their children.
    IsStatic,
    /// 1 for CREATE/CREATE2 frames.
    IsCreate,
    /// 1 for the root frame.
    IsRoot,
    /// Length of the calldata (init code for creations).
    CallDataLength,
    /// Offset of the calldata in the caller's memory.
    CallDataOffset,
    /// Offset in the caller's memory where return data is copied.
    ReturnDataOffset,
    /// Length of that region.
    ReturnDataLength,
    /// Gas given to the frame.
    GasLimit,
    /// 1 when the frame ends successfully (filled in when it ends).
    IsSuccess,
    /// 1 when the frame and every ancestor succeed (filled in when the transaction ends).
    IsPersistent,
    /// Call id of the last child frame that ended (0 before any). Written in this frame's
    /// context each time a child ends; read by RETURNDATACOPY.
    LastCalleeId,
    /// Offset in the last child's memory of the data it returned or reverted with (0 when it
    /// ended otherwise). Read by RETURNDATACOPY.
    LastCalleeReturnDataOffset,
    /// Length of this frame's return-data buffer: the last child's output (empty after a
    /// successful CREATE). Read by RETURNDATASIZE and RETURNDATACOPY.
    LastCalleeReturnDataLength,
}

/// Fields of a log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxLogField {
    /// The emitting address.
    Address,
    /// Topic number `n`.
    Topic(u8),
    /// Data byte number `n`.
    Data(u32),
}

/// Fields of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReceiptField {
    /// 1 success, 0 failure.
    Status,
    /// Cumulative gas used in the block up to and including this transaction.
    CumulativeGasUsed,
    /// Number of logs of this transaction.
    LogLength,
}

/// The tag of an entry: the first sort key of the state circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RwTag {
    /// Transaction access list: account warmth.
    TxAccessListAccount = 1,
    /// Transaction access list: slot warmth.
    TxAccessListStorage = 2,
    /// Transaction refund counter.
    TxRefund = 3,
    /// Account fields.
    Account = 4,
    /// Persistent storage.
    Storage = 5,
    /// Transient storage (EIP-1153).
    TransientStorage = 6,
    /// Call context.
    CallContext = 7,
    /// Stack.
    Stack = 8,
    /// Memory (byte granularity).
    Memory = 9,
    /// Logs.
    TxLog = 10,
    /// Receipts.
    TxReceipt = 11,
}

/// One access, with its own key fields and values. For writes, `prev` is the value before.
///
/// `tx_id` is the execution's id in the block: 0 for the EIP-4788 system call, `index + 1` for
/// the transaction at `index` ([`crate::execute::tx_id_of`]). Ids grow with the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RwOp {
    /// A stack slot of a call frame. Convention: `pointer` is the slot's index from the bottom
    /// of the stack, 0-based, so with `d` = [`crate::ExecStep::stack_depth`] items the top is at
    /// `d - 1`, the `i`-th popped item at `d - 1 - i` and a push lands at `d` (less the pops).
    Stack { call_id: u32, pointer: u32, value: U256, prev: U256 },
    /// A memory byte of a call frame.
    Memory { call_id: u32, address: u64, value: u8, prev: u8 },
    /// A storage slot; `committed` is its value at the start of the transaction.
    Storage { tx_id: u32, address: Address, key: U256, value: U256, prev: U256, committed: U256 },
    /// A transient storage slot.
    TransientStorage { tx_id: u32, address: Address, key: U256, value: U256, prev: U256 },
    /// An account field (code hash as a number).
    Account { address: Address, field: AccountField, value: U256, prev: U256 },
    /// A call-context field.
    CallContext { call_id: u32, field: CallContextField, value: U256 },
    /// The transaction's refund counter.
    TxRefund { tx_id: u32, value: u64, prev: u64 },
    /// Whether an account is warm.
    TxAccessListAccount { tx_id: u32, address: Address, warm: bool, prev: bool },
    /// Whether a slot is warm.
    TxAccessListStorage { tx_id: u32, address: Address, key: U256, warm: bool, prev: bool },
    /// A field of log number `log_id` (per transaction, persistent logs only).
    TxLog { tx_id: u32, log_id: u32, field: TxLogField, value: U256 },
    /// A receipt field.
    TxReceipt { tx_id: u32, field: ReceiptField, value: u64 },
}

/// One entry of the read/write log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RwEntry {
    /// Global counter across the block, starting at 1, strictly increasing in log order.
    pub counter: u64,
    /// Write (true) or read (false).
    pub is_write: bool,
    /// What was accessed.
    pub op: RwOp,
}

/// The key under which the state circuit sorts entries: (tag, id, address, field, storage key,
/// counter). Fields a tag does not use are zero. Persistent state (accounts, storage) has id 0,
/// so one key's entries are contiguous across the whole block; per-transaction state (transient
/// storage, refund, access lists, logs, receipts) is keyed by `tx_id`, per-frame state (stack,
/// memory, call context) by call id. [`crate::check::sorted_consistency`] checks a log against
/// exactly this grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RwSortKey {
    /// The tag.
    pub tag: RwTag,
    /// Call id or transaction id.
    pub id: u64,
    /// Account address, stack pointer or memory address, as a number.
    pub address: U256,
    /// Field index.
    pub field: u64,
    /// Storage key.
    pub storage_key: U256,
    /// Global counter.
    pub counter: u64,
}

fn addr(a: &Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

impl RwOp {
    /// The tag of this access.
    pub fn tag(&self) -> RwTag {
        match self {
            Self::Stack { .. } => RwTag::Stack,
            Self::Memory { .. } => RwTag::Memory,
            Self::Storage { .. } => RwTag::Storage,
            Self::TransientStorage { .. } => RwTag::TransientStorage,
            Self::Account { .. } => RwTag::Account,
            Self::CallContext { .. } => RwTag::CallContext,
            Self::TxRefund { .. } => RwTag::TxRefund,
            Self::TxAccessListAccount { .. } => RwTag::TxAccessListAccount,
            Self::TxAccessListStorage { .. } => RwTag::TxAccessListStorage,
            Self::TxLog { .. } => RwTag::TxLog,
            Self::TxReceipt { .. } => RwTag::TxReceipt,
        }
    }
}

impl RwEntry {
    /// The state circuit's sort key of this entry.
    pub fn sort_key(&self) -> RwSortKey {
        let (id, address, field, storage_key) = match &self.op {
            RwOp::Stack { call_id, pointer, .. } => (*call_id as u64, U256::from(*pointer), 0, U256::ZERO),
            RwOp::Memory { call_id, address, .. } => (*call_id as u64, U256::from(*address), 0, U256::ZERO),
            RwOp::Storage { address, key, .. } => (0, addr(address), 0, *key),
            RwOp::TransientStorage { tx_id, address, key, .. } => (*tx_id as u64, addr(address), 0, *key),
            RwOp::Account { address, field, .. } => (0, addr(address), *field as u64, U256::ZERO),
            RwOp::CallContext { call_id, field, .. } => (*call_id as u64, U256::ZERO, *field as u64, U256::ZERO),
            RwOp::TxRefund { tx_id, .. } => (*tx_id as u64, U256::ZERO, 0, U256::ZERO),
            RwOp::TxAccessListAccount { tx_id, address, .. } => (*tx_id as u64, addr(address), 0, U256::ZERO),
            RwOp::TxAccessListStorage { tx_id, address, key, .. } => (*tx_id as u64, addr(address), 0, *key),
            RwOp::TxLog { tx_id, log_id, field, .. } => {
                let f = match field {
                    TxLogField::Address => 0,
                    TxLogField::Topic(i) => 1 + *i as u64,
                    TxLogField::Data(i) => 16 + *i as u64,
                };
                (*tx_id as u64, U256::from(*log_id), f, U256::ZERO)
            }
            RwOp::TxReceipt { tx_id, field, .. } => (*tx_id as u64, U256::ZERO, *field as u64, U256::ZERO),
        };
        RwSortKey { tag: self.op.tag(), id, address, field, storage_key, counter: self.counter }
    }
}
