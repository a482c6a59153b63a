//! The block witness: everything the circuits must prove about one block.

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};

use super::{ChainConfig, RwEntry, TxInput};

/// Block values that the block opcodes read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockContext {
    /// COINBASE.
    pub coinbase: Address,
    /// TIMESTAMP.
    pub timestamp: u64,
    /// NUMBER.
    pub number: u64,
    /// PREVRANDAO (DIFFICULTY opcode after the merge).
    pub prev_randao: B256,
    /// Difficulty field of the header.
    pub difficulty: U256,
    /// GASLIMIT.
    pub gas_limit: u64,
    /// BASEFEE.
    pub base_fee: u64,
    /// CHAINID.
    pub chain_id: u64,
    /// BLOBBASEFEE (Cancun).
    pub blob_base_fee: Option<u128>,
    /// (number, hash) pairs that BLOCKHASH returned, sorted by number.
    pub block_hashes: Vec<(u64, B256)>,
}

/// How a call frame ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameOutcome {
    /// STOP, RETURN, SELFDESTRUCT or a successful precompile.
    Success,
    /// REVERT.
    Revert,
    /// Out of gas (any kind).
    OutOfGas,
    /// Any other exceptional halt (invalid opcode, stack error, bad jump, ...), by name.
    Error(String),
}

/// The kind of a call frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameKind {
    /// CALL (or the transaction's message call).
    Call,
    /// CALLCODE.
    CallCode,
    /// DELEGATECALL.
    DelegateCall,
    /// STATICCALL.
    StaticCall,
    /// CREATE (or a creation transaction).
    Create,
    /// CREATE2.
    Create2,
}

/// One call frame of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFrame {
    /// Call id, unique in the block, starting at 1.
    pub call_id: u32,
    /// Parent call id, 0 for the root frame.
    pub parent_id: u32,
    /// Call depth, 0 for the root frame.
    pub depth: u32,
    /// Kind.
    pub kind: FrameKind,
    /// Caller address.
    pub caller: Address,
    /// Address whose storage the frame uses (the created address for creations, once known).
    pub address: Address,
    /// Address whose code runs.
    pub code_address: Address,
    /// Hash of the code that runs (init code for creations).
    pub code_hash: B256,
    /// Value transferred (apparent value for DELEGATECALL).
    pub value: U256,
    /// Calldata or init code length.
    pub input_len: u64,
    /// Gas given to the frame.
    pub gas_limit: u64,
    /// Gas the frame used.
    pub gas_used: u64,
    /// Static context.
    pub is_static: bool,
    /// Whether the callee is a precompile.
    pub is_precompile: bool,
    /// How it ended.
    pub outcome: FrameOutcome,
    /// Whether this frame and all its ancestors succeeded.
    pub is_persistent: bool,
    /// Length of the returned (or reverted) data.
    pub return_data_len: u64,
}

/// One executed opcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecStep {
    /// Program counter.
    pub pc: u64,
    /// The opcode byte.
    pub opcode: u8,
    /// Gas left before the step.
    pub gas_left: u64,
    /// The opcode's own gas cost: static and dynamic parts (memory expansion, cold access, value
    /// transfer, account creation), without the gas handed to a child frame.
    pub gas_cost: u64,
    /// For CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE and CREATE2 that start a child frame:
    /// the gas taken from this frame and handed to the child (the child's gas limit less the
    /// 2300 stipend of a value-transferring call, which the caller does not pay). 0 otherwise.
    /// `gas_left - gas_cost - forwarded_gas` is what the frame holds while the child runs.
    pub forwarded_gas: u64,
    /// Stack depth before the step.
    pub stack_depth: u32,
    /// Memory size in bytes before the step.
    pub memory_size: u64,
    /// Call depth (0 for the root frame).
    pub call_depth: u32,
    /// The frame the step runs in.
    pub call_id: u32,
    /// Counter of the step's first read/write.
    pub rw_counter: u64,
    /// Number of reads/writes the step made.
    pub rw_count: u32,
    /// Whether the step halted its frame with an error.
    pub error: Option<String>,
}

/// Where a copy reads from or writes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyEndpoint {
    /// Memory of a call frame.
    Memory { call_id: u32 },
    /// Calldata of a call frame (the transaction's calldata for the root frame).
    Calldata { call_id: u32 },
    /// Bytecode, by code hash.
    Bytecode { code_hash: B256 },
    /// Return data buffer of a call frame (the last child's output).
    ReturnData { call_id: u32 },
    /// Data of a log.
    TxLog { tx_id: u32, log_id: u32 },
    /// Input of a keccak computation.
    Keccak,
}

/// A byte copy between two places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyEvent {
    /// The opcode (or pseudo-op) that copies.
    pub kind: CopyKind,
    /// Source.
    pub src: CopyEndpoint,
    /// Offset in the source.
    pub src_offset: u64,
    /// Destination.
    pub dst: CopyEndpoint,
    /// Offset in the destination.
    pub dst_offset: u64,
    /// The bytes copied (zero-padded where the source is shorter).
    pub bytes: Bytes,
    /// Counter of the first read/write the copy makes.
    pub rw_counter: u64,
}

/// What caused a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyKind {
    /// CALLDATACOPY.
    CallDataCopy,
    /// CODECOPY.
    CodeCopy,
    /// EXTCODECOPY.
    ExtCodeCopy,
    /// RETURNDATACOPY.
    ReturnDataCopy,
    /// MCOPY.
    MCopy,
    /// LOG0..LOG4 data.
    Log,
    /// SHA3 input.
    Sha3,
    /// Call arguments into a child's calldata.
    CallArgs,
    /// A child's output into the caller's memory.
    ReturnToCaller,
    /// RETURN of a creation: the deployed code.
    Deploy,
    /// CREATE/CREATE2 init code.
    InitCode,
}

/// What a keccak input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeccakKind {
    /// The SHA3 opcode.
    Sha3,
    /// Hash of a bytecode.
    CodeHash,
    /// CREATE address: rlp([sender, nonce]).
    CreateAddress,
    /// CREATE2 address: 0xff ‖ sender ‖ salt ‖ keccak(init code).
    Create2Address,
    /// A trie node.
    MptNode,
    /// A secure-trie key (address or slot).
    TrieKey,
    /// A transaction's signing hash or hash.
    Transaction,
}

/// One keccak256 computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeccakInput {
    /// Why it was computed.
    pub kind: KeccakKind,
    /// Input bytes.
    pub input: Bytes,
    /// keccak256(input).
    pub output: B256,
}

/// A bytecode with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BytecodeEntry {
    /// keccak256(code).
    pub code_hash: B256,
    /// The code.
    pub code: Bytes,
}

/// A log as it appears in a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Emitting address.
    pub address: Address,
    /// Topics.
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
}

/// The outcome of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxStatus {
    /// Executed and succeeded.
    Success,
    /// Executed and reverted.
    Revert,
    /// Executed and halted exceptionally.
    Halt,
}

/// Everything recorded for one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxTrace {
    /// Index in the block.
    pub index: u32,
    /// The transaction's id in the read/write log and the call contexts: `index + 1`
    /// ([`crate::execute::tx_id_of`]); id 0 is the block's system call.
    pub tx_id: u32,
    /// The transaction.
    pub tx: TxInput,
    /// Outcome.
    pub status: TxStatus,
    /// Gas used (after refunds), as in the receipt.
    pub gas_used: u64,
    /// Gas refunded (after the EIP-3529 cap).
    pub gas_refunded: u64,
    /// Cumulative gas used in the block.
    pub cumulative_gas_used: u64,
    /// Created contract address, for creations that succeeded.
    pub created_address: Option<Address>,
    /// Output (return or revert data) of the root frame.
    pub output: Bytes,
    /// Persistent logs.
    pub logs: Vec<LogEntry>,
    /// Call frames in the order they started.
    pub frames: Vec<CallFrame>,
    /// Executed opcodes.
    pub steps: Vec<ExecStep>,
    /// Counters of the transaction's first and one-past-last read/write.
    pub rw_range: (u64, u64),
}

/// A protocol system call made outside any transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SystemCallKind {
    /// EIP-4788: before the transactions, the system address calls the beacon-roots contract
    /// with the parent beacon block root, which stores the block timestamp at slot
    /// `timestamp % 8191` and the root at slot `timestamp % 8191 + 8191`.
    BeaconRoot,
}

/// A system call and what it recorded. It is not a transaction: no signature, nonce, fee or
/// receipt, and its gas does not count against the block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemCallTrace {
    /// Which system call.
    pub kind: SystemCallKind,
    /// Its id in the read/write log and call contexts ([`crate::execute::SYSTEM_CALL_TX_ID`]).
    pub tx_id: u32,
    /// The caller (the system address).
    pub caller: Address,
    /// The called contract.
    pub target: Address,
    /// Calldata.
    pub input: Bytes,
    /// Gas given to the call.
    pub gas_limit: u64,
    /// True when the target has no code: the call is skipped, as the EIP requires, and the log
    /// holds one read of the target's code hash (the empty-code hash) to show why.
    pub skipped: bool,
    /// Outcome (`Success` when skipped).
    pub status: TxStatus,
    /// Gas the call used.
    pub gas_used: u64,
    /// Call frames.
    pub frames: Vec<CallFrame>,
    /// Executed opcodes.
    pub steps: Vec<ExecStep>,
    /// Counters of the call's first and one-past-last read/write.
    pub rw_range: (u64, u64),
}

/// Which tree a trie update belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrieUpdateKind {
    /// The account trie leaf of `address`.
    Account { address: Address },
    /// The storage trie leaf of `key` of `address`.
    Storage { address: Address, key: U256 },
}

/// One trie update: a leaf changes from `old_value` to `new_value` (RLP; empty = absent), taking
/// the trie from `old_root` to `new_root`. The proofs are the nodes on the key's path before and
/// after. Updates are ordered: each account's storage updates come right before its account
/// update, whose new leaf holds the new storage root; account roots chain from the pre-state root
/// to the post-state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrieUpdate {
    /// Which leaf.
    pub kind: TrieUpdateKind,
    /// The trie key (keccak of address or slot).
    pub key: B256,
    /// Old leaf value (RLP), empty if absent.
    pub old_value: Bytes,
    /// New leaf value (RLP), empty if deleted.
    pub new_value: Bytes,
    /// Root before.
    pub old_root: B256,
    /// Root after.
    pub new_root: B256,
    /// Proof of the old value under `old_root`.
    pub old_proof: Vec<Bytes>,
    /// Proof of the new value under `new_root`.
    pub new_proof: Vec<Bytes>,
    /// For a deletion that leaves the key's branch (the last branch of `old_proof`) with a
    /// single entry, a child referenced by hash: that child. The collapse depends on its type —
    /// a leaf or extension merges with the branch's nibble, a branch gets a one-nibble
    /// extension above it — so the MPT circuit needs its node. None where nothing collapses or
    /// the branch embeds the child.
    pub sibling: Option<CollapseSibling>,
}

/// The child a deletion collapses its branch onto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollapseSibling {
    /// Its hash, as the collapsing branch references it.
    pub hash: B256,
    /// Its node (RLP), which hashes to `hash`. None where the source showed only that it is a
    /// branch, by an extension over `hash` in a proof under the block's post-state root: that
    /// fixes the roots but is no preimage, so the MPT circuit cannot prove the update
    /// ([`SelfChecks::mpt_siblings`] fails).
    pub node: Option<Bytes>,
}

/// Proofs of one touched account (and its touched slots) under one state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// Account leaf value (RLP of [nonce, balance, storage root, code hash]); empty if absent.
    pub leaf: Bytes,
    /// Account trie nodes along the path.
    pub proof: Vec<Bytes>,
    /// Storage proofs of the touched slots: (slot, value, nodes).
    pub storage: Vec<StorageProof>,
}

/// Proof of one storage slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageProof {
    /// Slot.
    pub key: U256,
    /// Value (zero if absent).
    pub value: U256,
    /// Storage trie nodes along the path.
    pub proof: Vec<Bytes>,
}

/// The MPT part of the witness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MptWitness {
    /// State root before the block.
    pub pre_root: B256,
    /// State root after the block.
    pub post_root: B256,
    /// Proofs of every touched account and slot under the pre-state root.
    pub pre_proofs: Vec<AccountProof>,
    /// Proofs of every touched account and slot under the post-state root.
    pub post_proofs: Vec<AccountProof>,
    /// Ordered updates from `pre_root` to `post_root`.
    pub updates: Vec<TrieUpdate>,
}

/// Results of the witness self-checks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SelfChecks {
    /// Replaying the read/write log on the pre-state reproduces revm's post-state, and every read
    /// returns the last value written. `None` if it passed, else the first mismatch.
    pub rw_replay: Option<String>,
    /// The log sorted by [`crate::RwSortKey`], as the state circuit sorts it, is consistent key
    /// by key ([`crate::check::sorted_consistency`]). `None` if it passed, else the first problem.
    pub rw_sorted: Option<String>,
    /// Applying the trie updates to the pre-state root gives the post-state root, and each
    /// update's new root follows from its old proof and collapse sibling alone.
    pub mpt_updates: Option<String>,
    /// Every collapse sibling carries its node ([`CollapseSibling::node`]), so that the MPT
    /// circuit can prove every update. `None` if so, else the first update whose sibling is
    /// known only as a branch from the block's post-state proof.
    pub mpt_siblings: Option<String>,
    /// The post-state root equals the expected one (None: nothing expected).
    pub state_root_matches: Option<bool>,
    /// The logs hash equals the expected one (None: nothing expected).
    pub logs_hash_matches: Option<bool>,
}

impl SelfChecks {
    /// Whether every check that ran passed.
    pub fn all_pass(&self) -> bool {
        self.rw_replay.is_none()
            && self.rw_sorted.is_none()
            && self.mpt_updates.is_none()
            && self.mpt_siblings.is_none()
            && self.state_root_matches != Some(false)
            && self.logs_hash_matches != Some(false)
    }
}

/// Everything the circuits must prove about one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockWitness {
    /// Where the block came from.
    pub source: String,
    /// Chain configuration.
    pub chain: ChainConfig,
    /// Block values used by the block opcodes.
    pub block: BlockContext,
    /// System calls made before the transactions (EIP-4788), in order; their read/writes come
    /// first in the log.
    pub system_calls: Vec<SystemCallTrace>,
    /// Per-transaction traces.
    pub txs: Vec<TxTrace>,
    /// The read/write log of the whole block, in counter order.
    pub rws: Vec<RwEntry>,
    /// Bytecodes that ran or were deployed, sorted by hash.
    pub bytecodes: Vec<BytecodeEntry>,
    /// Keccak computations.
    pub keccak_inputs: Vec<KeccakInput>,
    /// Byte copies.
    pub copy_events: Vec<CopyEvent>,
    /// Trie proofs and updates.
    pub mpt: MptWitness,
    /// keccak256 of the RLP list of all logs of the block.
    pub logs_hash: B256,
    /// Self-check results.
    pub checks: SelfChecks,
}
