//! The MPT witness: proofs of every touched key under the pre- and post-state roots, and the
//! ordered trie updates between them.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use crate::error::WitnessError;
use crate::execute::World;
use crate::model::*;
use crate::trie::{
    AccountLeaf, ExtensionChild, Nibbles, Node, StateTries, Trie, TrieError, extension_children, sibling_candidates,
    storage_value_rlp, verify_proof,
};

/// Touched accounts and, for each, its touched slots.
pub type Touched = BTreeMap<Address, BTreeSet<U256>>;

/// Collects the accounts and slots whose state the read/write log reads or writes. Warmth alone
/// (an access-list entry, a warm precompile or coinbase) is not state and needs no proof.
pub fn touched_keys(rws: &[RwEntry]) -> Touched {
    let mut out = Touched::new();
    for e in rws {
        match &e.op {
            RwOp::Account { address, .. } => {
                out.entry(*address).or_default();
            }
            RwOp::Storage { address, key, .. } => {
                out.entry(*address).or_default().insert(*key);
            }
            _ => {}
        }
    }
    out
}

fn trie_err(input: String) -> impl FnOnce(TrieError) -> WitnessError {
    move |source| WitnessError::Trie { input, source }
}

fn slot_key(k: &U256) -> B256 {
    keccak256(k.to_be_bytes::<32>())
}

/// Builds the pre-state tries of a block input: full tries for a complete pre-state, partial
/// tries from the proof nodes otherwise. Every account and slot the input lists is checked
/// against the tries (a mismatch names the key), and so is the claimed root.
pub fn pre_state_tries(input: &BlockInput) -> Result<StateTries, WitnessError> {
    let pre = &input.pre_state;
    let src = &input.source;
    if pre.complete {
        let tries = StateTries::from_accounts(
            pre.accounts
                .iter()
                .filter(|(_, a)| a.exists)
                .map(|(addr, a)| (addr, a.nonce, a.balance, a.code_hash, &a.storage)),
        )
        .map_err(trie_err(format!("{src}: pre-state")))?;
        if pre.state_root != B256::ZERO && tries.root() != pre.state_root {
            return Err(WitnessError::ProofMismatch {
                input: format!("{src}: pre-state accounts"),
                root: pre.state_root,
                reason: format!("the accounts hash to {}", tries.root()),
            });
        }
        return Ok(tries);
    }
    let roots = pre.accounts.iter().filter(|(_, a)| a.exists).map(|(addr, a)| (*addr, a.storage_root));
    // Nodes are taken only where a verified node references their hash, so the candidates
    // derived from the (not yet verified) post-state proofs can join the pool as they are.
    let mut nodes: Vec<Bytes> = pre.proof_nodes.iter().chain(&pre.sibling_nodes).cloned().collect();
    for p in &pre.deletion_proofs {
        nodes.extend(sibling_candidates(&p.account_proof));
        for (_, proof) in &p.storage {
            nodes.extend(sibling_candidates(proof));
        }
    }
    let tries =
        StateTries::from_nodes(pre.state_root, roots, &nodes).map_err(trie_err(format!("{src}: proof nodes")))?;
    for (addr, a) in &pre.accounts {
        let mismatch = |reason: String| WitnessError::ProofMismatch {
            input: format!("{src}: account {addr}"),
            root: pre.state_root,
            reason,
        };
        let leaf = tries.account(addr).map_err(|e| mismatch(e.to_string()))?;
        let expected = a.exists.then_some(AccountLeaf {
            nonce: a.nonce,
            balance: a.balance,
            storage_root: a.storage_root,
            code_hash: a.code_hash,
        });
        if leaf != expected {
            return Err(mismatch(format!("the proof shows {leaf:?}, the source claims {expected:?}")));
        }
        for (k, v) in &a.storage {
            let got = tries.storage_value(addr, *k).map_err(|e| WitnessError::ProofMismatch {
                input: format!("{src}: slot {k:#x} of {addr}"),
                root: a.storage_root,
                reason: e.to_string(),
            })?;
            if got != *v {
                return Err(WitnessError::ProofMismatch {
                    input: format!("{src}: slot {k:#x} of {addr}"),
                    root: a.storage_root,
                    reason: format!("the proof shows {got}, the source claims {v}"),
                });
            }
        }
    }
    Ok(tries)
}

fn proofs(tries: &StateTries, touched: &Touched) -> Result<Vec<AccountProof>, TrieError> {
    let mut out = Vec::with_capacity(touched.len());
    for (addr, slots) in touched {
        let key = keccak256(addr);
        let proof = tries.accounts.proof(key.as_slice())?;
        let leaf = tries.accounts.get(key.as_slice())?.map(Bytes::copy_from_slice).unwrap_or_default();
        let mut storage = Vec::new();
        let empty = Trie::new();
        let st = tries.storage.get(addr).unwrap_or(&empty);
        for k in slots {
            storage.push(StorageProof {
                key: *k,
                value: tries.storage_value(addr, *k)?,
                proof: st.proof(slot_key(k).as_slice())?,
            });
        }
        out.push(AccountProof { address: *addr, leaf, proof, storage });
    }
    Ok(out)
}

/// Which trie of the state: the account trie (None) or an account's storage trie.
type TrieId = Option<Address>;

/// What the block's post-state proofs ([`PreState::deletion_proofs`]) show, each verified
/// against the header's root.
#[derive(Default)]
struct PostEvidence {
    /// Extensions' unrevealed children: subtrees the post-state trie shows to be branches.
    branches: BTreeMap<TrieId, BTreeSet<ExtensionChild>>,
    /// The last node of each key's proof, by trie and trie key, for error messages.
    last_node: BTreeMap<(TrieId, B256), String>,
}

fn describe(proof: &[Bytes]) -> String {
    match proof.last().map(|n| Node::decode(n)) {
        None => "no node".into(),
        Some(Err(e)) => format!("an undecodable node ({e})"),
        Some(Ok(Node::Extension { path, child })) => {
            format!("an extension 0x{} over {}", nibbles_hex(&path), child.hash())
        }
        Some(Ok(Node::Leaf { path, .. })) => format!("a leaf with path 0x{}", nibbles_hex(&path)),
        Some(Ok(Node::Branch { .. })) => "a branch".into(),
        Some(Ok(Node::Empty)) => "the empty trie".into(),
        Some(Ok(Node::Hash(h))) => format!("a hash {h}"),
    }
}

fn nibbles_hex(path: &[u8]) -> String {
    path.iter().map(|n| format!("{n:x}")).collect()
}

fn post_evidence(input: &BlockInput) -> Result<PostEvidence, WitnessError> {
    let mut ev = PostEvidence::default();
    let proofs = &input.pre_state.deletion_proofs;
    if proofs.is_empty() {
        return Ok(ev);
    }
    let src = &input.source;
    let Some(root) = input.header.state_root else {
        return Err(WitnessError::malformed(
            format!("{src}: deletion proofs"),
            "the header has no post-state root to verify them against",
        ));
    };
    for p in proofs {
        let addr = p.address;
        let mismatch = |reason: String| WitnessError::ProofMismatch {
            input: format!("{src}: post-state proof of account {addr}"),
            root,
            reason,
        };
        let key = keccak256(addr);
        let (leaf, children) =
            extension_children(root, key.as_slice(), &p.account_proof).map_err(|e| mismatch(e.to_string()))?;
        if p.storage.is_empty() {
            if leaf.is_some() {
                return Err(mismatch("the block deletes the account, but the proof shows it present".into()));
            }
            ev.branches.entry(None).or_default().extend(children);
            ev.last_node.insert((None, key), describe(&p.account_proof));
            continue;
        }
        let Some(leaf) = leaf else {
            return Err(mismatch("the block clears slots of the account, but the proof shows it absent".into()));
        };
        let storage_root = AccountLeaf::decode(&leaf).map_err(|e| mismatch(e.to_string()))?.storage_root;
        for (slot, proof) in &p.storage {
            let mismatch = |reason: String| WitnessError::ProofMismatch {
                input: format!("{src}: post-state proof of slot {slot:#x} of {addr}"),
                root: storage_root,
                reason,
            };
            let key = slot_key(slot);
            let (value, children) =
                extension_children(storage_root, key.as_slice(), proof).map_err(|e| mismatch(e.to_string()))?;
            if let Some(v) = value {
                return Err(mismatch(format!(
                    "the block clears the slot, but the proof shows it holding 0x{}",
                    alloy_primitives::hex::encode(v)
                )));
            }
            ev.branches.entry(Some(addr)).or_default().extend(children);
            ev.last_node.insert((Some(addr), key), describe(proof));
        }
    }
    Ok(ev)
}

/// A deletion whose branch collapses onto a sibling that the input reveals only by its hash
/// (found by [`collapse_gaps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiblingGap {
    /// The account deleted (`slot` None) or whose slot is cleared.
    pub address: Address,
    /// The cleared slot, None for an account deletion.
    pub slot: Option<U256>,
    /// The sibling's nibble path from its trie's root (the account trie for an account
    /// deletion, else the account's storage trie).
    pub position: Nibbles,
    /// The sibling's hash.
    pub hash: B256,
}

/// Whether unrevealed collapse siblings are taken as branches only on post-state evidence, or
/// all of them, to list the gaps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Discover,
}

/// The proofs around one update and the collapse sibling of a deletion.
struct Applied {
    old_proof: Vec<Bytes>,
    new_proof: Vec<Bytes>,
    sibling: Option<CollapseSibling>,
    /// Where the sibling sits, for a sibling known only by its hash.
    gap: Option<Nibbles>,
}

/// Sets `key` of `trie` to `value` (deletes it when empty), with the proofs before and after.
/// A deletion records the sibling its branch collapses onto; one known only by its hash is
/// taken as a branch where `is_branch` says so.
fn apply(
    trie: &mut Trie,
    key: &B256,
    value: Vec<u8>,
    is_branch: &dyn Fn(&[u8], B256) -> bool,
) -> Result<Applied, TrieError> {
    let key = key.as_slice();
    let old_proof = trie.proof(key)?;
    let (mut sibling, mut gap) = (None, None);
    if value.is_empty() {
        if let Some(s) = trie.collapse_sibling(key)?.filter(|s| s.is_hashed()) {
            let node = match s.node {
                Node::Hash(_) => {
                    gap = Some(s.position.clone());
                    None
                }
                n => Some(Bytes::from(n.encode())),
            };
            sibling = Some(CollapseSibling { hash: s.hash(), node });
        }
        trie.remove_with(key, is_branch)?;
    } else {
        trie.insert(key, value)?;
    }
    Ok(Applied { old_proof, new_proof: trie.proof(key)?, sibling, gap })
}

/// Builds the MPT witness from the pre-state tries and the post-state, and checks every update's
/// proofs. Returns the witness and, for a complete pre-state, whether the updated root equals a
/// root recomputed from scratch (an error message if not).
///
/// A deletion that collapses a branch onto a sibling known only by its hash needs the
/// sibling's node among the input's nodes, or, for a branch sibling, an extension over its
/// hash in the block's post-state proof of the key ([`PreState::deletion_proofs`]); without
/// either it fails with [`TrieError::MissingNode`], and with a post-state proof that shows
/// neither it fails with [`WitnessError::ProofMismatch`] naming the key and what the proof shows.
pub fn build(
    input: &BlockInput,
    tries: StateTries,
    post: &World,
    touched: &Touched,
) -> Result<(MptWitness, Option<String>), WitnessError> {
    build_in(input, tries, post, touched, Mode::Strict).map(|(w, problem, _)| (w, problem))
}

/// The collapses of the block whose siblings the input reveals only by their hashes: what a
/// source must still supply (nodes, or post-state proofs) for [`build`] to prove the
/// deletions. `post` and `touched` come from executing `input`.
pub fn collapse_gaps(input: &BlockInput, post: &World, touched: &Touched) -> Result<Vec<SiblingGap>, WitnessError> {
    let tries = pre_state_tries(input)?;
    build_in(input, tries, post, touched, Mode::Discover).map(|(_, _, gaps)| gaps)
}

fn build_in(
    input: &BlockInput,
    mut tries: StateTries,
    post: &World,
    touched: &Touched,
    mode: Mode,
) -> Result<(MptWitness, Option<String>, Vec<SiblingGap>), WitnessError> {
    let src = &input.source;
    let ev = if mode == Mode::Strict { post_evidence(input)? } else { PostEvidence::default() };
    let no_branches = BTreeSet::new();
    let oracle = |id: TrieId| {
        let known = ev.branches.get(&id).unwrap_or(&no_branches);
        move |position: &[u8], hash: B256| {
            mode == Mode::Discover || known.contains(&ExtensionChild { position: position.to_vec(), hash })
        }
    };
    // A failed deletion names the key; where a post-state proof of the key was given and still
    // does not settle the collapse, the proof contradicts the pre-state.
    let fail = |id: TrieId, key: B256, ctx: String, e: TrieError| match (&e, ev.last_node.get(&(id, key))) {
        (TrieError::MissingNode { hash, .. }, Some(shown)) => WitnessError::ProofMismatch {
            input: format!("{ctx} (deleted by the block)"),
            root: input.header.state_root.unwrap_or_default(),
            reason: format!(
                "deleting it collapses a branch onto the unrevealed node {hash}, but the key's proof at the \
                 block ends in {shown}: neither an extension over {hash} nor a node merged from one hashing to it"
            ),
        },
        _ => WitnessError::Trie { input: ctx, source: e },
    };
    let pre_root = tries.root();
    let pre_proofs = proofs(&tries, touched).map_err(trie_err(format!("{src}: pre-state proofs")))?;
    let mut updates = Vec::new();
    let mut gaps = Vec::new();
    let empty_world = crate::execute::WorldAccount::default();
    // Deletions go last, in each trie: a deletion that collapses a branch onto a sibling needs
    // that sibling's node, and after every insertion each collapse is one the final trie has,
    // so the nodes the post-state proofs reveal suffice (see `trie::sibling_candidates`).
    let (kept, deleted): (Vec<_>, Vec<_>) = touched.iter().partition(|(a, _)| post.accounts.contains_key(*a));
    for (addr, slots) in kept.into_iter().chain(deleted) {
        let ctx = format!("{src}: account {addr}");
        let pre_leaf = tries.account(addr).map_err(trie_err(ctx.clone()))?;
        let post_acc = post.accounts.get(addr);
        let st = tries.storage.entry(*addr).or_default();
        let post_storage = &post_acc.unwrap_or(&empty_world).storage;
        let (sets, clears): (Vec<&U256>, Vec<&U256>) = slots.iter().partition(|k| post_storage.contains_key(*k));
        let is_branch = oracle(Some(*addr));
        for k in sets.into_iter().chain(clears) {
            let key = slot_key(k);
            let sctx = format!("{ctx} slot {k:#x}");
            let old = st.get(key.as_slice()).map_err(trie_err(sctx.clone()))?.map(|v| v.to_vec()).unwrap_or_default();
            let new_v = post_acc.unwrap_or(&empty_world).storage.get(k).copied().unwrap_or_default();
            let new = storage_value_rlp(new_v);
            if old == new || post_acc.is_none() {
                continue;
            }
            let old_root = st.root_hash();
            let a = apply(st, &key, new.clone(), &is_branch).map_err(|e| fail(Some(*addr), key, sctx, e))?;
            if let (Some(position), Some(s)) = (a.gap, &a.sibling) {
                gaps.push(SiblingGap { address: *addr, slot: Some(*k), position, hash: s.hash });
            }
            updates.push(TrieUpdate {
                kind: TrieUpdateKind::Storage { address: *addr, key: *k },
                key,
                old_value: old.into(),
                new_value: new.into(),
                old_root,
                new_root: st.root_hash(),
                old_proof: a.old_proof,
                new_proof: a.new_proof,
                sibling: a.sibling,
            });
        }
        let storage_root = st.root_hash();
        let new_leaf =
            post_acc.map(|a| AccountLeaf { nonce: a.nonce, balance: a.balance, storage_root, code_hash: a.code_hash });
        if new_leaf == pre_leaf {
            continue;
        }
        if new_leaf.is_none() {
            tries.storage.remove(addr);
        }
        let key = keccak256(addr);
        let old_root = tries.root();
        let new_value = new_leaf.map(|l| l.encode()).unwrap_or_default();
        let a = apply(&mut tries.accounts, &key, new_value.clone(), &oracle(None))
            .map_err(|e| fail(None, key, ctx.clone(), e))?;
        if let (Some(position), Some(s)) = (a.gap, &a.sibling) {
            gaps.push(SiblingGap { address: *addr, slot: None, position, hash: s.hash });
        }
        updates.push(TrieUpdate {
            kind: TrieUpdateKind::Account { address: *addr },
            key,
            old_value: pre_leaf.map(|l| l.encode()).unwrap_or_default().into(),
            new_value: new_value.into(),
            old_root,
            new_root: tries.root(),
            old_proof: a.old_proof,
            new_proof: a.new_proof,
            sibling: a.sibling,
        });
    }
    let post_root = tries.root();
    let post_proofs = proofs(&tries, touched).map_err(trie_err(format!("{src}: post-state proofs")))?;
    let mut problem = check_updates(pre_root, post_root, &updates);
    if problem.is_none() && input.pre_state.complete {
        let full = StateTries::from_accounts(
            post.accounts.iter().map(|(addr, a)| (addr, a.nonce, a.balance, a.code_hash, &a.storage)),
        )
        .map_err(trie_err(format!("{src}: post-state")))?;
        if full.root() != post_root {
            problem =
                Some(format!("updated root {post_root} != post-state root recomputed from scratch {}", full.root()));
        }
    }
    Ok((MptWitness { pre_root, post_root, pre_proofs, post_proofs, updates }, problem, gaps))
}

/// Checks that every collapse sibling carries its node ([`SelfChecks::mpt_siblings`]): None if
/// so, else the first update whose sibling is known only by type.
pub fn check_siblings(updates: &[TrieUpdate]) -> Option<String> {
    let (i, u) = updates.iter().enumerate().find(|(_, u)| u.sibling.as_ref().is_some_and(|s| s.node.is_none()))?;
    let n = updates.iter().filter(|u| u.sibling.as_ref().is_some_and(|s| s.node.is_none())).count();
    Some(format!(
        "update {i} ({:?}) collapses a branch onto {}, known only as a branch from the block's post-state \
         proof: the MPT circuit cannot prove it without the node ({n} such update(s); a node with \
         debug_executionWitness supplies them)",
        u.kind,
        u.sibling.as_ref().map(|s| s.hash).unwrap_or_default()
    ))
}

/// Checks that updates chain, that each proof proves its value under its root, and that each
/// update's new root follows from its old proof and collapse sibling alone, as the MPT circuit
/// will derive it. (A sibling known only by type is taken as the branch it is said to be; see
/// [`check_siblings`].)
pub fn check_updates(pre_root: B256, post_root: B256, updates: &[TrieUpdate]) -> Option<String> {
    let mut root = pre_root;
    let mut storage_roots: BTreeMap<Address, B256> = BTreeMap::new();
    for (i, u) in updates.iter().enumerate() {
        let opt = |v: &Bytes| if v.is_empty() { None } else { Some(v.to_vec()) };
        for (r, proof, value, which) in
            [(u.old_root, &u.old_proof, &u.old_value, "old"), (u.new_root, &u.new_proof, &u.new_value, "new")]
        {
            match verify_proof(r, u.key.as_slice(), proof) {
                Ok(v) if v == opt(value) => {}
                Ok(v) => {
                    return Some(format!("update {i} ({:?}): {which} proof shows {v:?}, expected {value}", u.kind));
                }
                Err(e) => return Some(format!("update {i} ({:?}): {which} proof: {e}", u.kind)),
            }
        }
        if let Some(s) = u.sibling.as_ref().and_then(|s| s.node.as_ref().map(|n| (s.hash, n)))
            && keccak256(s.1) != s.0
        {
            return Some(format!(
                "update {i} ({:?}): collapse sibling node hashes to {}, not {}",
                u.kind,
                keccak256(s.1),
                s.0
            ));
        }
        match replay(u) {
            Ok(r) if r == u.new_root => {}
            Ok(r) => {
                return Some(format!(
                    "update {i} ({:?}): applied to its old proof it gives root {r}, not its new root {}",
                    u.kind, u.new_root
                ));
            }
            Err(e) => return Some(format!("update {i} ({:?}): cannot be applied to its old proof: {e}", u.kind)),
        }
        match &u.kind {
            TrieUpdateKind::Account { .. } => {
                if u.old_root != root {
                    return Some(format!("update {i}: old root {} does not chain from {root}", u.old_root));
                }
                root = u.new_root;
            }
            TrieUpdateKind::Storage { address, .. } => {
                if let Some(prev) = storage_roots.get(address)
                    && *prev != u.old_root
                {
                    return Some(format!("update {i}: storage root {} does not chain from {prev}", u.old_root));
                }
                storage_roots.insert(*address, u.new_root);
            }
        }
    }
    if root != post_root {
        return Some(format!("updates end at {root}, not the post-state root {post_root}"));
    }
    None
}

/// The root that `u` gives when applied to the partial trie of its old proof and sibling node.
fn replay(u: &TrieUpdate) -> Result<B256, TrieError> {
    let sibling = u.sibling.as_ref();
    let nodes = u.old_proof.iter().chain(sibling.and_then(|s| s.node.as_ref()));
    let mut trie = Trie::from_nodes(u.old_root, nodes.map(|n| n.as_ref()))?;
    if u.new_value.is_empty() {
        let typed_only = sibling.filter(|s| s.node.is_none()).map(|s| s.hash);
        trie.remove_with(u.key.as_slice(), &|_, h| typed_only == Some(h))?;
    } else {
        trie.insert(u.key.as_slice(), u.new_value.to_vec())?;
    }
    Ok(trie.root_hash())
}

/// Keccak inputs of the MPT witness: every hashed node of every proof, and the secure-trie keys.
pub fn keccak_inputs(mpt: &MptWitness) -> Vec<KeccakInput> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut add = |kind: KeccakKind, input: &Bytes, out: &mut Vec<KeccakInput>| {
        let h = keccak256(input);
        if seen.insert(h) {
            out.push(KeccakInput { kind, input: input.clone(), output: h });
        }
    };
    for p in mpt.pre_proofs.iter().chain(&mpt.post_proofs) {
        add(KeccakKind::TrieKey, &Bytes::copy_from_slice(p.address.as_slice()), &mut out);
        for n in &p.proof {
            add(KeccakKind::MptNode, n, &mut out);
        }
        for s in &p.storage {
            add(KeccakKind::TrieKey, &Bytes::copy_from_slice(&s.key.to_be_bytes::<32>()), &mut out);
            for n in &s.proof {
                add(KeccakKind::MptNode, n, &mut out);
            }
        }
    }
    for u in &mpt.updates {
        let sibling = u.sibling.as_ref().and_then(|s| s.node.as_ref());
        for n in u.old_proof.iter().chain(&u.new_proof).chain(sibling) {
            add(KeccakKind::MptNode, n, &mut out);
        }
    }
    out
}
