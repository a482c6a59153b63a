//! A JSON-RPC execution client as a block source.
//!
//! Given a URL and a block number: fetch the block with its transactions, discover the touched
//! accounts and slots (the `prestateTracer` of `debug_traceBlockByNumber` where the node has it,
//! then re-execution, which reports every key the pre-state still lacks), fetch `eth_getProof`
//! for them at the parent block, verify each proof against the parent's state root, and
//! assemble the pre-state. Every call is bounded by a timeout.
//!
//! Deletions need more: a deletion that leaves a branch with one child collapses the branch
//! onto that child, in a way that depends on the child's type, and the proofs of the touched
//! keys reveal the child only by its hash. For each such collapse (found by a dry run,
//! [`crate::mpt_witness::collapse_gaps`]) the source looks, in this order, for:
//!
//! 1. the child's node in the node's `debug_executionWitness` (reth, geth, erigon, nimbus,
//!    ethrex), which holds every node the block's execution and root computation touched;
//! 2. the key's proof at the block itself (an exclusion proof under the post-state root): a leaf
//!    or extension child is recovered from the merged node it ends in, checked by its hash; a
//!    branch child shows only as an extension over its hash;
//! 3. for a branch child near the root, a proof at the parent of a *probe* key: a key found by
//!    hashing candidates until one's trie path runs through the child, whose proof then holds
//!    the child's node ([`RpcOptions::max_probe_nibbles`] bounds the work);
//! 4. failing all that, the type fact of step 2 stands alone: the roots come out right, but the
//!    witness flags the update as one the MPT circuit cannot prove
//!    ([`crate::SelfChecks::mpt_siblings`]).
//!
//! Every node is used only where a verified node references its hash; the post-state proofs
//! are verified against the header's state root.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::IntoFuture;
use std::time::Duration;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_provider::ext::DebugApi;
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::{BlockNumberOrTag, BlockTransactions};
use alloy_rpc_types_trace::geth::{GethDebugTracingOptions, GethTrace, PreStateConfig, PreStateFrame};
use revm::primitives::KECCAK_EMPTY;

use crate::error::{MissingKey, WitnessError};
use crate::model::*;
use crate::mpt_witness::SiblingGap;
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
    /// Whether to ask the node for `debug_executionWitness` when a deletion's collapse needs a
    /// node the proofs do not reveal (see the module docs). Off for nodes where the call is
    /// known to be costly or unsafe.
    pub use_execution_witness: bool,
    /// The deepest collapse sibling (in nibbles from its trie's root) to reveal by probing: a
    /// sibling `n` nibbles deep costs about `16^n` keccak hashes on one core, at most sixteen
    /// times that (5: about a million, around a second; each further nibble costs 16 times
    /// more). 0 turns probing off.
    pub max_probe_nibbles: usize,
}

impl Default for RpcOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            use_prestate_tracer: true,
            max_rounds: 5,
            use_execution_witness: true,
            max_probe_nibbles: 5,
        }
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
            deletion_proofs: Vec::new(),
        },
        expected: Expected { state_root: Some(h.state_root), logs_hash: None, invalid_tx: false },
    };
    let mut nodes: BTreeSet<alloy_primitives::Bytes> = BTreeSet::new();
    for round in 0..options.max_rounds {
        fetch_proofs(&client, &mut input, &wanted, &mut nodes, number - 1).await?;
        input.pre_state.proof_nodes = nodes.iter().cloned().collect();
        let (missing, exec) = match crate::execute::execute(&input) {
            Ok(mut e) => (std::mem::take(&mut e.missing), Some(e)),
            Err(WitnessError::IncompletePreState { keys, .. }) => (keys.into_iter().collect(), None),
            Err(e) => return Err(e),
        };
        tracing::debug!(round, missing = missing.len(), "re-executed against the fetched pre-state");
        if missing.is_empty()
            && let Some(exec) = exec
        {
            resolve_collapses(&client, &mut input, &exec, number, options).await?;
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

/// Supplies the nodes (or, failing that, the post-state proofs) that the block's collapses
/// need, in the order the module docs give.
async fn resolve_collapses(
    client: &Client,
    input: &mut BlockInput,
    exec: &crate::execute::Execution,
    number: u64,
    options: &RpcOptions,
) -> Result<(), WitnessError> {
    let touched = crate::mpt_witness::touched_keys(&exec.recorder.rws);
    let gaps = |input: &BlockInput| crate::mpt_witness::collapse_gaps(input, &exec.post, &touched);
    let mut open = gaps(input)?;
    if open.is_empty() {
        return Ok(());
    }
    tracing::debug!(collapses = open.len(), "deletions collapse onto unrevealed siblings");
    let p = &client.provider;
    if options.use_execution_witness {
        match client.call("debug_executionWitness", p.debug_execution_witness(BlockNumberOrTag::Number(number))).await {
            Ok(w) => {
                let by_hash: HashMap<B256, &Bytes> = w.state.iter().map(|n| (keccak256(n), n)).collect();
                let found: BTreeSet<&Bytes> = open.iter().filter_map(|g| by_hash.get(&g.hash).copied()).collect();
                input.pre_state.sibling_nodes.extend(found.into_iter().cloned());
                open = gaps(input)?;
            }
            Err(e) => tracing::warn!(error = %e, "debug_executionWitness unavailable; using post-state proofs"),
        }
        if open.is_empty() {
            return Ok(());
        }
    }
    input.pre_state.deletion_proofs = fetch_deletion_proofs(client, input, &open, number).await?;
    // A leaf or extension sibling comes back from the merged node the key's proof ends in.
    let mut candidates: HashMap<B256, Bytes> = HashMap::new();
    for d in &input.pre_state.deletion_proofs {
        for proof in std::iter::once(&d.account_proof).chain(d.storage.iter().map(|(_, p)| p)) {
            candidates.extend(crate::trie::sibling_candidates(proof).into_iter().map(|c| (keccak256(&c), c)));
        }
    }
    input.pre_state.sibling_nodes.extend(open.iter().filter_map(|g| candidates.remove(&g.hash)));
    open = gaps(input)?;
    if options.max_probe_nibbles > 0 {
        for g in open.iter().filter(|g| g.position.len() <= options.max_probe_nibbles) {
            let node = probe(client, input, g, number - 1).await?;
            input.pre_state.sibling_nodes.extend(node);
        }
        open = gaps(input)?;
    }
    if open.is_empty() {
        input.pre_state.deletion_proofs.clear();
        return Ok(());
    }
    tracing::warn!(
        collapses = open.len(),
        "collapse siblings known only as branches from post-state proofs: the MPT circuit cannot prove those updates"
    );
    // Surface a post-state proof that contradicts the pre-state now rather than at `trace`.
    let tries = crate::mpt_witness::pre_state_tries(input)?;
    crate::mpt_witness::build(input, tries, &exec.post, &touched)?;
    Ok(())
}

/// `eth_getProof` at the block itself of the keys whose collapses still lack a sibling. They
/// are verified against the header's root where they are used
/// ([`crate::mpt_witness::build`]).
async fn fetch_deletion_proofs(
    client: &Client,
    input: &BlockInput,
    gaps: &[SiblingGap],
    number: u64,
) -> Result<Vec<DeletionProof>, WitnessError> {
    let mut keys: BTreeMap<Address, BTreeSet<U256>> = BTreeMap::new();
    for g in gaps {
        let slots = keys.entry(g.address).or_default();
        slots.extend(g.slot);
    }
    let p = &client.provider;
    let mut out = Vec::with_capacity(keys.len());
    for (addr, slots) in keys {
        let wanted: Vec<B256> = slots.iter().map(|s| B256::from(s.to_be_bytes::<32>())).collect();
        let proof = client.call("eth_getProof", p.get_proof(addr, wanted).number(number)).await?;
        let mut storage = Vec::new();
        for sp in proof.storage_proof {
            let key = U256::from_be_bytes(sp.key.as_b256().0);
            if !slots.contains(&key) {
                return Err(WitnessError::malformed(
                    format!("{}: eth_getProof({addr}) at the block", input.source),
                    format!("the answer proves slot {key:#x}, which was not asked for"),
                ));
            }
            storage.push((key, sp.proof));
        }
        out.push(DeletionProof { address: addr, account_proof: proof.account_proof, storage });
    }
    Ok(out)
}

/// Reveals a collapse sibling by the proof, at block `at` (the parent), of a probe key whose
/// trie path runs through the sibling's position: an address (account trie) or a slot of the
/// gap's account (storage trie) found by hashing counters. The proof is verified against the
/// pre-state root (or the account's storage root). None where no probe key turns up within
/// the budget.
async fn probe(client: &Client, input: &BlockInput, gap: &SiblingGap, at: u64) -> Result<Option<Bytes>, WitnessError> {
    let prefix = &gap.position;
    // Sixteen times the expected work: a miss has odds of about e^-16.
    let budget = 16u64.saturating_pow(prefix.len().min(14) as u32 + 1);
    let p = &client.provider;
    let name = format!("{}: probe for the collapse sibling {} at 0x{}", input.source, gap.hash, hex_nibbles(prefix));
    let mismatch = |root: B256, reason: String| WitnessError::ProofMismatch { input: name.clone(), root, reason };
    let proof = match gap.slot {
        None => {
            let Some(addr) = grind(prefix, budget, |i| {
                let mut a = [0u8; 20];
                a[..5].copy_from_slice(b"probe");
                a[12..].copy_from_slice(&i.to_be_bytes());
                a
            })
            .await
            .map(Address::from) else {
                return Ok(None);
            };
            let proof = client.call("eth_getProof", p.get_proof(addr, Vec::new()).number(at)).await?;
            let root = input.pre_state.state_root;
            verify_proof(root, keccak256(addr).as_slice(), &proof.account_proof)
                .map_err(|e| mismatch(root, e.to_string()))?;
            proof.account_proof
        }
        Some(_) => {
            let Some(slot) = grind(prefix, budget, |i| U256::from(i).to_be_bytes::<32>()).await else {
                return Ok(None);
            };
            let proof =
                client.call("eth_getProof", p.get_proof(gap.address, vec![B256::from(slot)]).number(at)).await?;
            let root = input.pre_state.accounts.get(&gap.address).map(|a| a.storage_root).unwrap_or_default();
            let sp = proof
                .storage_proof
                .into_iter()
                .next()
                .ok_or_else(|| mismatch(root, "no storage proof in the answer".into()))?;
            verify_proof(root, keccak256(slot).as_slice(), &sp.proof).map_err(|e| mismatch(root, e.to_string()))?;
            sp.proof
        }
    };
    match proof.into_iter().find(|n| keccak256(n) == gap.hash) {
        Some(n) => Ok(Some(n)),
        None => {
            Err(mismatch(input.pre_state.state_root, "the probe key's proof does not pass through the sibling".into()))
        }
    }
}

/// The first `make(i)`, i = 0, 1, ..., below `budget`, whose keccak starts with the nibbles
/// `prefix`. Runs on the blocking pool: it may take seconds.
async fn grind<const N: usize>(
    prefix: &[u8],
    budget: u64,
    make: impl Fn(u64) -> [u8; N] + Send + 'static,
) -> Option<[u8; N]> {
    let prefix = prefix.to_vec();
    let search = move || {
        (0..budget).map(make).find(|k| {
            let h = keccak256(k);
            prefix.iter().enumerate().all(|(i, n)| (h[i / 2] >> (4 * (1 - i % 2))) & 0x0f == *n)
        })
    };
    tokio::task::spawn_blocking(search).await.ok().flatten()
}

fn hex_nibbles(path: &[u8]) -> String {
    path.iter().map(|n| format!("{n:x}")).collect()
}
