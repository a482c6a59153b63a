//! A JSON-RPC execution client as a block source.
//!
//! Given a URL and a block number: fetch the block with its transactions, discover the touched
//! accounts and slots (the `prestateTracer` of `debug_traceBlockByNumber` where the node has it,
//! then re-execution, which reports every key the pre-state still lacks), fetch `eth_getProof`
//! for them at the parent block, verify each proof against the parent's state root, and
//! assemble the pre-state. Every call is bounded by a timeout.

use std::collections::{BTreeMap, BTreeSet};
use std::future::IntoFuture;
use std::time::Duration;

use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_provider::ext::DebugApi;
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::{BlockNumberOrTag, BlockTransactions};
use alloy_rpc_types_trace::geth::{GethDebugTracingOptions, GethTrace, PreStateConfig, PreStateFrame};
use revm::primitives::KECCAK_EMPTY;

use crate::error::{MissingKey, WitnessError};
use crate::model::*;
use crate::trie::{AccountLeaf, EMPTY_ROOT, verify_proof};

/// Options of the RPC source.
#[derive(Debug, Clone)]
pub struct RpcOptions {
    /// Bound on every single RPC call.
    pub timeout: Duration,
    /// Whether to ask the node for `debug_traceBlockByNumber` with the prestate tracer first.
    pub use_prestate_tracer: bool,
    /// How many fetch/re-execute rounds to run before giving up on discovering keys.
    pub max_rounds: usize,
}

impl Default for RpcOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(30), use_prestate_tracer: true, max_rounds: 5 }
    }
}

struct Client {
    url: String,
    provider: RootProvider,
    timeout: Duration,
}

impl Client {
    async fn call<T, E: std::fmt::Display>(
        &self,
        method: &str,
        fut: impl IntoFuture<Output = Result<T, E>>,
    ) -> Result<T, WitnessError> {
        let err = |reason: String| WitnessError::Rpc { url: self.url.clone(), method: method.to_string(), reason };
        match tokio::time::timeout(self.timeout, fut.into_future()).await {
            Err(_) => Err(err(format!("no answer within {:?}", self.timeout))),
            Ok(Err(e)) => Err(err(e.to_string())),
            Ok(Ok(v)) => Ok(v),
        }
    }
}

/// Fetches block `number` from the node at `url` and assembles its [`BlockInput`], with a
/// proven pre-state. Blocking: runs its own single-threaded runtime.
pub fn fetch_block(url: &str, number: u64, options: &RpcOptions) -> Result<BlockInput, WitnessError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| WitnessError::Rpc {
        url: url.into(),
        method: "-".into(),
        reason: format!("runtime: {e}"),
    })?;
    rt.block_on(fetch_block_async(url, number, options))
}

/// Async form of [`fetch_block`].
pub async fn fetch_block_async(url: &str, number: u64, options: &RpcOptions) -> Result<BlockInput, WitnessError> {
    let parsed: url::Url = url.parse().map_err(|e| WitnessError::malformed(format!("rpc url `{url}`"), e))?;
    if number == 0 {
        return Err(WitnessError::malformed(
            format!("{url} block 0"),
            "the genesis block has no parent to prove against",
        ));
    }
    let client = Client {
        url: url.to_string(),
        provider: ProviderBuilder::new().disable_recommended_fillers().connect_http(parsed).root().clone(),
        timeout: options.timeout,
    };
    let p = &client.provider;
    let source = format!("{url} block {number}");
    let chain_id = client.call("eth_chainId", p.get_chain_id()).await?;
    let block = client
        .call("eth_getBlockByNumber", p.get_block_by_number(BlockNumberOrTag::Number(number)).full())
        .await?
        .ok_or_else(|| WitnessError::malformed(&source, "the node does not have this block"))?;
    let parent = client
        .call("eth_getBlockByNumber", p.get_block_by_number(BlockNumberOrTag::Number(number - 1)))
        .await?
        .ok_or_else(|| WitnessError::malformed(&source, "the node does not have the parent block"))?;
    let h = &block.header.inner;
    let fork = if h.requests_hash.is_some() {
        return Err(WitnessError::UnsupportedFork { input: source, fork: "Prague".into() });
    } else if h.excess_blob_gas.is_some() || h.parent_beacon_block_root.is_some() {
        Fork::Cancun
    } else if h.withdrawals_root.is_some() {
        Fork::Shanghai
    } else {
        return Err(WitnessError::UnsupportedFork { input: source, fork: "pre-Shanghai".into() });
    };
    let txs = match &block.transactions {
        BlockTransactions::Full(txs) => txs.clone(),
        _ => return Err(WitnessError::malformed(&source, "the node returned transaction hashes, not transactions")),
    };
    let mut transactions = Vec::with_capacity(txs.len());
    for (i, t) in txs.iter().enumerate() {
        let name = format!("{source} tx {i} ({})", t.inner.inner().tx_hash());
        let tx = TxInput::from_envelope(&name, t.inner.inner())?;
        if tx.sender != t.inner.signer() {
            return Err(WitnessError::BadSignature {
                input: name,
                reason: format!("recovered {} but the node says {}", tx.sender, t.inner.signer()),
            });
        }
        transactions.push(tx);
    }
    let withdrawals: Vec<Withdrawal> = block
        .withdrawals
        .as_ref()
        .map(|ws| {
            ws.iter()
                .map(|w| Withdrawal {
                    index: w.index,
                    validator_index: w.validator_index,
                    address: w.address,
                    amount_gwei: w.amount,
                })
                .collect()
        })
        .unwrap_or_default();
    // Keys to prove: what the tracer reports, plus what any block touches.
    let mut wanted: BTreeMap<Address, BTreeSet<U256>> = BTreeMap::new();
    wanted.entry(h.beneficiary).or_default();
    for t in &transactions {
        wanted.entry(t.sender).or_default();
        if let Some(to) = t.to {
            wanted.entry(to).or_default();
        }
        for e in &t.access_list {
            let s = wanted.entry(e.address).or_default();
            s.extend(e.storage_keys.iter().map(|k| U256::from_be_bytes(k.0)));
        }
    }
    for w in &withdrawals {
        wanted.entry(w.address).or_default();
    }
    if h.parent_beacon_block_root.is_some() {
        // The EIP-4788 system call reads the contract (and writes two slots, found by
        // re-execution below).
        wanted.entry(crate::execute::system::BEACON_ROOTS_ADDRESS).or_default();
    }
    if options.use_prestate_tracer && !transactions.is_empty() {
        let opts = GethDebugTracingOptions::prestate_tracer(PreStateConfig::default());
        match client
            .call("debug_traceBlockByNumber", p.debug_trace_block_by_number(BlockNumberOrTag::Number(number), opts))
            .await
        {
            Ok(results) => {
                for r in results {
                    if let alloy_rpc_types_trace::common::TraceResult::Success {
                        result: GethTrace::PreStateTracer(PreStateFrame::Default(mode)),
                        ..
                    } = r
                    {
                        for (addr, acc) in mode.0 {
                            let s = wanted.entry(addr).or_default();
                            s.extend(acc.storage.keys().map(|k| U256::from_be_bytes(k.0)));
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "prestate tracer unavailable; discovering keys by re-execution"),
        }
    }
    let mut block_hashes = BTreeMap::new();
    block_hashes.insert(number - 1, block.header.parent_hash);
    let header = BlockHeader {
        number,
        timestamp: h.timestamp,
        coinbase: h.beneficiary,
        gas_limit: h.gas_limit,
        base_fee: h.base_fee_per_gas.unwrap_or_default(),
        difficulty: h.difficulty,
        prev_randao: h.mix_hash,
        excess_blob_gas: h.excess_blob_gas,
        parent_hash: h.parent_hash,
        state_root: Some(h.state_root),
        block_hashes,
        parent_beacon_block_root: h.parent_beacon_block_root,
    };
    let mut input = BlockInput {
        source: source.clone(),
        chain: ChainConfig { chain_id, fork },
        header,
        transactions,
        withdrawals,
        pre_state: PreState {
            state_root: parent.header.inner.state_root,
            complete: false,
            accounts: BTreeMap::new(),
            codes: BTreeMap::new(),
            proof_nodes: Vec::new(),
            sibling_nodes: Vec::new(),
        },
        expected: Expected { state_root: Some(h.state_root), logs_hash: None, invalid_tx: false },
    };
    let mut nodes: BTreeSet<alloy_primitives::Bytes> = BTreeSet::new();
    for round in 0..options.max_rounds {
        fetch_proofs(&client, &mut input, &wanted, &mut nodes, number - 1).await?;
        input.pre_state.proof_nodes = nodes.iter().cloned().collect();
        let (missing, post) = match crate::execute::execute(&input) {
            Ok(e) => (e.missing, Some(e.post)),
            Err(WitnessError::IncompletePreState { keys, .. }) => (keys.into_iter().collect(), None),
            Err(e) => return Err(e),
        };
        tracing::debug!(round, missing = missing.len(), "re-executed against the fetched pre-state");
        if missing.is_empty()
            && let Some(post) = post
        {
            input.pre_state.sibling_nodes = fetch_sibling_nodes(&client, &input, &post, number).await?;
            return Ok(input);
        }
        for k in missing {
            match k {
                MissingKey::Account(a) => {
                    wanted.entry(a).or_default();
                }
                MissingKey::Storage(a, s) => {
                    wanted.entry(a).or_default().insert(s);
                }
                MissingKey::BlockHash(n) => {
                    let b = client
                        .call("eth_getBlockByNumber", p.get_block_by_number(BlockNumberOrTag::Number(n)))
                        .await?
                        .ok_or_else(|| {
                            WitnessError::malformed(&source, format!("the node lacks block {n} (BLOCKHASH)"))
                        })?;
                    input.header.block_hashes.insert(n, b.header.hash);
                }
            }
        }
    }
    let keys = match crate::execute::execute(&input) {
        Ok(e) => e.missing.into_iter().collect(),
        Err(WitnessError::IncompletePreState { keys, .. }) => keys,
        Err(e) => return Err(e),
    };
    Err(WitnessError::IncompletePreState { input: format!("{source} (after {} rounds)", options.max_rounds), keys })
}

async fn fetch_proofs(
    client: &Client,
    input: &mut BlockInput,
    wanted: &BTreeMap<Address, BTreeSet<U256>>,
    nodes: &mut BTreeSet<alloy_primitives::Bytes>,
    at: u64,
) -> Result<(), WitnessError> {
    let p = &client.provider;
    let root = input.pre_state.state_root;
    for (addr, slots) in wanted {
        let have = input.pre_state.accounts.get(addr);
        let todo: Vec<U256> =
            slots.iter().filter(|s| have.is_none_or(|a| !a.storage.contains_key(s))).copied().collect();
        if have.is_some() && todo.is_empty() {
            continue;
        }
        let keys: Vec<B256> = todo.iter().map(|s| B256::from(s.to_be_bytes::<32>())).collect();
        let proof = client.call("eth_getProof", p.get_proof(*addr, keys).number(at)).await?;
        let name = format!("{}: eth_getProof({addr})", input.source);
        let mismatch = |reason: String| WitnessError::ProofMismatch { input: name.clone(), root, reason };
        let leaf = verify_proof(root, keccak256(addr).as_slice(), &proof.account_proof)
            .map_err(|e| mismatch(e.to_string()))?;
        let leaf = leaf.map(|l| AccountLeaf::decode(&l)).transpose().map_err(|e| mismatch(e.to_string()))?;
        if let Some(l) = &leaf
            && (l.nonce != proof.nonce
                || l.balance != proof.balance
                || l.storage_root != proof.storage_hash
                || l.code_hash != proof.code_hash)
        {
            return Err(mismatch(format!("the proven leaf {l:?} differs from the answer's fields")));
        }
        nodes.extend(proof.account_proof.iter().cloned());
        let entry = input.pre_state.accounts.entry(*addr).or_insert_with(|| match &leaf {
            Some(l) => PreAccount {
                nonce: l.nonce,
                balance: l.balance,
                code_hash: l.code_hash,
                storage_root: l.storage_root,
                storage: BTreeMap::new(),
                exists: true,
            },
            None => {
                PreAccount { code_hash: KECCAK_EMPTY, storage_root: EMPTY_ROOT, exists: false, ..Default::default() }
            }
        });
        for sp in &proof.storage_proof {
            let key = U256::from_be_bytes(sp.key.as_b256().0);
            let sroot = entry.storage_root;
            let v = verify_proof(sroot, keccak256(key.to_be_bytes::<32>()).as_slice(), &sp.proof).map_err(|e| {
                WitnessError::ProofMismatch {
                    input: format!("{name} slot {key:#x}"),
                    root: sroot,
                    reason: e.to_string(),
                }
            })?;
            let proven = v.map(|v| crate::trie::decode_storage_value(&v)).transpose().map_err(|e| {
                WitnessError::ProofMismatch {
                    input: format!("{name} slot {key:#x}"),
                    root: sroot,
                    reason: e.to_string(),
                }
            })?;
            if proven.unwrap_or_default() != sp.value {
                return Err(WitnessError::ProofMismatch {
                    input: format!("{name} slot {key:#x}"),
                    root: sroot,
                    reason: format!("proof shows {:?}, the answer says {}", proven, sp.value),
                });
            }
            nodes.extend(sp.proof.iter().cloned());
            entry.storage.insert(key, sp.value);
        }
        if entry.exists && entry.code_hash != KECCAK_EMPTY && !input.pre_state.codes.contains_key(&entry.code_hash) {
            let code = client.call("eth_getCode", p.get_code_at(*addr).number(at)).await?;
            if keccak256(&code) != entry.code_hash {
                return Err(mismatch(format!(
                    "eth_getCode returned code hashing to {}, not {}",
                    keccak256(&code),
                    entry.code_hash
                )));
            }
            input.pre_state.codes.insert(entry.code_hash, code);
        }
    }
    Ok(())
}

/// The keys the block deletes: accounts that exist before and not after, and slots of
/// surviving accounts that go from non-zero to zero.
fn deleted_keys(pre: &PreState, post: &crate::execute::World) -> BTreeMap<Address, BTreeSet<U256>> {
    let mut out: BTreeMap<Address, BTreeSet<U256>> = BTreeMap::new();
    for (addr, acc) in pre.accounts.iter().filter(|(_, a)| a.exists) {
        match post.accounts.get(addr) {
            None => {
                out.entry(*addr).or_default();
            }
            Some(after) => {
                let cleared: BTreeSet<U256> = acc
                    .storage
                    .iter()
                    .filter(|(k, v)| !v.is_zero() && !after.storage.contains_key(*k))
                    .map(|(k, _)| *k)
                    .collect();
                if !cleared.is_empty() {
                    out.insert(*addr, cleared);
                }
            }
        }
    }
    out
}

/// For every key the block deletes, fetches its proof at the block itself (the post-state),
/// verifies it against the block's state root and derives the candidate sibling nodes that
/// deleting the key from the partial pre-state trie may need ([`crate::trie::sibling_candidates`]).
async fn fetch_sibling_nodes(
    client: &Client,
    input: &BlockInput,
    post: &crate::execute::World,
    number: u64,
) -> Result<Vec<alloy_primitives::Bytes>, WitnessError> {
    let deleted = deleted_keys(&input.pre_state, post);
    let Some(root) = input.header.state_root else { return Ok(Vec::new()) };
    let p = &client.provider;
    let mut out: BTreeSet<alloy_primitives::Bytes> = BTreeSet::new();
    for (addr, slots) in &deleted {
        let keys: Vec<B256> = slots.iter().map(|s| B256::from(s.to_be_bytes::<32>())).collect();
        let proof = client.call("eth_getProof", p.get_proof(*addr, keys).number(number)).await?;
        let name = format!("{}: eth_getProof({addr}) at the block", input.source);
        let mismatch = |reason: String| WitnessError::ProofMismatch { input: name.clone(), root, reason };
        let leaf = verify_proof(root, keccak256(addr).as_slice(), &proof.account_proof)
            .map_err(|e| mismatch(e.to_string()))?;
        let leaf = leaf.map(|l| AccountLeaf::decode(&l)).transpose().map_err(|e| mismatch(e.to_string()))?;
        out.extend(crate::trie::sibling_candidates(&proof.account_proof));
        let Some(leaf) = leaf else { continue };
        for sp in &proof.storage_proof {
            let key = U256::from_be_bytes(sp.key.as_b256().0);
            verify_proof(leaf.storage_root, keccak256(key.to_be_bytes::<32>()).as_slice(), &sp.proof).map_err(|e| {
                WitnessError::ProofMismatch {
                    input: format!("{name} slot {key:#x}"),
                    root: leaf.storage_root,
                    reason: e.to_string(),
                }
            })?;
            out.extend(crate::trie::sibling_candidates(&sp.proof));
        }
    }
    Ok(out.into_iter().collect())
}
