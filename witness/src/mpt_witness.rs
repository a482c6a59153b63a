//! The MPT witness: proofs of every touched key under the pre- and post-state roots, and the
//! ordered trie updates between them.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use crate::error::WitnessError;
use crate::execute::World;
use crate::model::*;
use crate::trie::{AccountLeaf, StateTries, Trie, TrieError, storage_value_rlp, verify_proof};

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
    let nodes: Vec<Bytes> = pre.proof_nodes.iter().chain(&pre.sibling_nodes).cloned().collect();
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

/// Builds the MPT witness from the pre-state tries and the post-state, and checks every update's
/// proofs. Returns the witness and, for a complete pre-state, whether the updated root equals a
/// root recomputed from scratch (an error message if not).
pub fn build(
    input: &BlockInput,
    mut tries: StateTries,
    post: &World,
    touched: &Touched,
) -> Result<(MptWitness, Option<String>), WitnessError> {
    let src = &input.source;
    let pre_root = tries.root();
    let pre_proofs = proofs(&tries, touched).map_err(trie_err(format!("{src}: pre-state proofs")))?;
    let mut updates = Vec::new();
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
        for k in sets.into_iter().chain(clears) {
            let key = slot_key(k);
            let old = st
                .get(key.as_slice())
                .map_err(trie_err(format!("{ctx} slot {k:#x}")))?
                .map(|v| v.to_vec())
                .unwrap_or_default();
            let new_v = post_acc.unwrap_or(&empty_world).storage.get(k).copied().unwrap_or_default();
            let new = storage_value_rlp(new_v);
            if old == new || post_acc.is_none() {
                continue;
            }
            let old_root = st.root_hash();
            let old_proof = st.proof(key.as_slice()).map_err(trie_err(format!("{ctx} slot {k:#x}")))?;
            st.insert(key.as_slice(), new.clone()).map_err(trie_err(format!("{ctx} slot {k:#x}")))?;
            updates.push(TrieUpdate {
                kind: TrieUpdateKind::Storage { address: *addr, key: *k },
                key,
                old_value: old.into(),
                new_value: new.into(),
                old_root,
                new_root: st.root_hash(),
                old_proof,
                new_proof: st.proof(key.as_slice()).map_err(trie_err(format!("{ctx} slot {k:#x}")))?,
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
        let old_proof = tries.accounts.proof(key.as_slice()).map_err(trie_err(ctx.clone()))?;
        let new_value = new_leaf.map(|l| l.encode()).unwrap_or_default();
        tries.accounts.insert(key.as_slice(), new_value.clone()).map_err(trie_err(ctx.clone()))?;
        updates.push(TrieUpdate {
            kind: TrieUpdateKind::Account { address: *addr },
            key,
            old_value: pre_leaf.map(|l| l.encode()).unwrap_or_default().into(),
            new_value: new_value.into(),
            old_root,
            new_root: tries.root(),
            old_proof,
            new_proof: tries.accounts.proof(key.as_slice()).map_err(trie_err(ctx))?,
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
    Ok((MptWitness { pre_root, post_root, pre_proofs, post_proofs, updates }, problem))
}

/// Checks that updates chain and that each proof proves its value under its root.
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
        for n in u.old_proof.iter().chain(&u.new_proof) {
            add(KeccakKind::MptNode, n, &mut out);
        }
    }
    out
}
