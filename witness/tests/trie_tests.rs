//! Our trie against the ethereum/tests TrieTests vectors, and against alloy-trie as an oracle.

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy_primitives::{B256, keccak256};
use proptest::prelude::*;
use rebuttal_witness::trie::{
    ExtensionChild, Node, Trie, TrieError, extension_children, sibling_candidates, verify_proof,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-data/ethereum-tests/TrieTests").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn bytes_of(s: &str) -> Vec<u8> {
    match s.strip_prefix("0x") {
        Some(h) => alloy_primitives::hex::decode(h).unwrap(),
        None => s.as_bytes().to_vec(),
    }
}

/// Runs every test of a TrieTests file; returns how many passed. Fails naming the test.
fn run_file(name: &str, secure: bool) -> usize {
    let tests = fixture(name);
    let mut passed = 0;
    for (test, t) in tests.as_object().unwrap() {
        let ops: Vec<(Vec<u8>, Option<Vec<u8>>)> = match &t["in"] {
            Value::Array(items) => {
                items.iter().map(|kv| (bytes_of(kv[0].as_str().unwrap()), kv[1].as_str().map(bytes_of))).collect()
            }
            Value::Object(m) => m.iter().map(|(k, v)| (bytes_of(k), v.as_str().map(bytes_of))).collect(),
            other => panic!("{name}:{test}: unexpected `in` {other}"),
        };
        let mut trie = Trie::new();
        let mut model = BTreeMap::new();
        for (k, v) in ops {
            let key = if secure { keccak256(&k).to_vec() } else { k };
            match v {
                Some(v) if !v.is_empty() => {
                    trie.insert(&key, v.clone()).unwrap();
                    model.insert(key, v);
                }
                _ => {
                    trie.remove(&key).unwrap();
                    model.remove(&key);
                }
            }
        }
        let expected: B256 = t["root"].as_str().unwrap().parse().unwrap();
        assert_eq!(trie.root_hash(), expected, "{name}:{test}: root");
        // Every key proves its value under the root.
        for (k, v) in &model {
            let proof = trie.proof(k).unwrap();
            assert_eq!(
                verify_proof(expected, k, &proof).unwrap().as_ref(),
                Some(v),
                "{name}:{test}: proof of {k:02x?}"
            );
        }
        passed += 1;
    }
    passed
}

#[test]
fn trie_tests_reproduce_every_root() {
    let mut total = 0;
    for (file, secure) in [
        ("trietest.json", false),
        ("trieanyorder.json", false),
        ("trietest_secureTrie.json", true),
        ("trieanyorder_secureTrie.json", true),
        ("hex_encoded_securetrie_test.json", true),
    ] {
        let n = run_file(file, secure);
        println!("{file}: {n} passed");
        assert!(n > 0, "{file}: no test ran");
        total += n;
    }
    println!("TrieTests: {total} passed, 0 failed");
}

#[test]
fn tampered_proof_is_rejected() {
    let mut trie = Trie::new();
    for i in 0u8..40 {
        trie.insert(keccak256([i]).as_slice(), vec![i; 40]).unwrap();
    }
    let key = keccak256([7u8]);
    let mut proof = trie.proof(key.as_slice()).unwrap();
    assert!(proof.len() > 1);
    let last = proof.len() - 1;
    let mut node = proof[last].to_vec();
    let n = node.len();
    node[n - 1] ^= 1;
    proof[last] = node.into();
    assert!(verify_proof(trie.root_hash(), key.as_slice(), &proof).is_err());
    // A proof for another root is rejected too.
    let good = trie.proof(key.as_slice()).unwrap();
    assert!(verify_proof(B256::repeat_byte(1), key.as_slice(), &good).is_err());
}

#[test]
fn partial_trie_from_proofs_updates_like_the_full_trie() {
    let mut full = Trie::new();
    for i in 0u16..200 {
        full.insert(keccak256(i.to_be_bytes()).as_slice(), vec![1 + (i % 250) as u8; 1 + (i % 40) as usize]).unwrap();
    }
    let touched: Vec<B256> = (0u16..10).map(|i| keccak256((i * 17).to_be_bytes())).collect();
    let mut nodes = Vec::new();
    for k in &touched {
        nodes.extend(full.proof(k.as_slice()).unwrap());
    }
    let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|b| b.as_ref())).unwrap();
    assert_eq!(partial.root_hash(), full.root_hash());
    for (j, k) in touched.iter().enumerate() {
        let v = vec![0xaa; j + 1];
        full.insert(k.as_slice(), v.clone()).unwrap();
        partial.insert(k.as_slice(), v).unwrap();
        assert_eq!(partial.root_hash(), full.root_hash(), "after update {j}");
    }
    // A key outside the revealed paths is reported as missing, not guessed.
    let other = keccak256(999u16.to_be_bytes());
    assert!(partial.get(other.as_slice()).is_err() || partial.get(other.as_slice()).unwrap().is_none());
}

fn oracle_root(map: &BTreeMap<B256, Vec<u8>>) -> B256 {
    let mut hb = alloy_trie::HashBuilder::default();
    for (k, v) in map {
        hb.add_leaf(alloy_trie::Nibbles::unpack(k), v);
    }
    hb.root()
}

/// What the post-state proof of a deleted key gives: candidates (leaf or extension sibling) and
/// extension children (branch sibling).
fn post_state_facts(after: &Trie, key: &[u8]) -> (Vec<alloy_primitives::Bytes>, Vec<ExtensionChild>) {
    let proof = after.proof(key).unwrap();
    let (value, children) = extension_children(after.root_hash(), key, &proof).unwrap();
    assert_eq!(value, None, "the key is deleted");
    (sibling_candidates(&proof), children)
}

/// Every key of a 300-key trie, deleted from the partial trie of its proof with the facts of
/// its post-state proof: the root is the full trie's, and branch siblings do occur.
#[test]
fn every_deletion_of_a_trie_settles_with_its_post_state_proof() {
    let keys: Vec<B256> = (0..300u64).map(|i| keccak256(i.to_be_bytes())).collect();
    let mut full = Trie::new();
    for k in &keys {
        full.insert(k.as_slice(), vec![7; 40]).unwrap();
    }
    let mut branch_siblings = 0;
    for key in &keys {
        let mut after = full.clone();
        after.remove(key.as_slice()).unwrap();
        let (candidates, children) = post_state_facts(&after, key.as_slice());
        let proof = full.proof(key.as_slice()).unwrap();
        let bare = Trie::from_nodes(full.root_hash(), proof.iter().map(|n| n.as_ref())).unwrap();
        if let Some(s) = bare.collapse_sibling(key.as_slice()).unwrap()
            && let Node::Hash(h) = s.node
            && children.iter().any(|c| c.hash == *h && c.position == s.position)
        {
            branch_siblings += 1;
            assert!(matches!(bare.clone().remove(key.as_slice()), Err(TrieError::MissingNode { .. })));
        }
        let nodes: Vec<_> = proof.into_iter().chain(candidates).collect();
        let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|n| n.as_ref())).unwrap();
        let is_branch = |p: &[u8], h: B256| children.iter().any(|c| c.position == p && c.hash == h);
        partial.remove_with(key.as_slice(), &is_branch).unwrap();
        assert_eq!(partial.root_hash(), after.root_hash(), "deleting {key}");
    }
    assert!(branch_siblings > 0, "no deletion collapsed onto a branch");
    println!("{branch_siblings} of 300 deletions collapse onto an unrevealed branch");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Deleting any key of a random trie from the partial trie of its proof: the key's proof
    /// under the new root always suffices (candidates for a leaf or extension sibling, the
    /// extension over a branch sibling) and the root equals the full trie's.
    #[test]
    fn one_post_state_proof_settles_any_deletion(n in 2usize..300, pick in any::<proptest::sample::Index>(), short in any::<bool>()) {
        // Short keys and values give nodes under 32 bytes, which their parents embed.
        let keys: Vec<Vec<u8>> = (0..n as u64)
            .map(|i| keccak256(i.to_be_bytes())[..if short { 3 } else { 32 }].to_vec())
            .collect();
        let mut full = Trie::new();
        for (i, k) in keys.iter().enumerate() {
            let v = vec![(i % 250) as u8 + 1; if short { 2 } else { 40 }];
            full.insert(k, v).unwrap();
        }
        let key = &keys[pick.index(n)];
        let mut after = full.clone();
        after.remove(key).unwrap();
        let (candidates, children) = post_state_facts(&after, key);
        let nodes: Vec<_> = full.proof(key).unwrap().into_iter().chain(candidates).collect();
        let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|n| n.as_ref())).unwrap();
        let is_branch = |p: &[u8], h: B256| children.iter().any(|c| c.position == p && c.hash == h);
        partial.remove_with(key, &is_branch).unwrap();
        prop_assert_eq!(partial.root_hash(), after.root_hash());
    }

    /// Random inserts and deletes: our root equals alloy-trie's root of the final map.
    #[test]
    fn matches_alloy_trie(ops in proptest::collection::vec((0u8..64, proptest::option::of(proptest::collection::vec(any::<u8>(), 1..70))), 1..120)) {
        let mut trie = Trie::new();
        let mut model = BTreeMap::new();
        for (k, v) in ops {
            let key = keccak256([k]);
            match v {
                Some(v) => { trie.insert(key.as_slice(), v.clone()).unwrap(); model.insert(key, v); }
                None => { trie.remove(key.as_slice()).unwrap(); model.remove(&key); }
            }
            prop_assert_eq!(trie.root_hash(), oracle_root(&model));
        }
    }
}

/// Deleting a key whose branch is left with one child merges the branch with that child; in a
/// partial trie the child may be known only by its hash. The deletion then fails with
/// `MissingNode` and leaves the trie as it was; the candidates derived from the key's proof
/// under the new root supply a leaf (or extension) sibling. A branch sibling cannot be derived
/// that way: it shows in that proof only as an extension over its hash, which `remove_with`
/// accepts as the fact that it is a branch (and a proof of a key under it reveals it whole).
#[test]
fn deletion_collapsing_onto_an_unrevealed_sibling() {
    let (a, b) = ([0x10u8; 32], [0x20u8; 32]);
    let mut full = Trie::new();
    full.insert(&a, vec![1; 40]).unwrap();
    full.insert(&b, vec![2; 40]).unwrap();
    let proof_a = full.proof(&a).unwrap();
    let mut partial = Trie::from_nodes(full.root_hash(), proof_a.iter().map(|n| n.as_ref())).unwrap();
    let b_path = rebuttal_witness::trie::to_nibbles(&b)[1..].to_vec();
    let sibling_hash = keccak256(rebuttal_witness::trie::Node::Leaf { path: b_path, value: vec![2; 40] }.encode());
    match partial.remove(&a) {
        Err(TrieError::MissingNode { hash, .. }) => assert_eq!(hash, sibling_hash),
        other => panic!("expected a missing sibling, got {other:?}"),
    }
    assert_eq!(partial.root_hash(), full.root_hash(), "a failed deletion leaves the trie unchanged");
    let mut after = full.clone();
    after.remove(&a).unwrap();
    let candidates = sibling_candidates(&after.proof(&a).unwrap());
    assert!(candidates.iter().any(|c| keccak256(c) == sibling_hash));
    let nodes: Vec<_> = proof_a.iter().chain(&candidates).cloned().collect();
    let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|n| n.as_ref())).unwrap();
    partial.remove(&a).unwrap();
    assert_eq!(partial.root_hash(), after.root_hash());

    // The sibling under nibble 2 is a branch (two keys diverging at the second nibble).
    let (c, d) = ([0x21u8; 32], [0x22u8; 32]);
    let mut full = Trie::new();
    for (k, v) in [(&a, 1u8), (&c, 3), (&d, 4)] {
        full.insert(k, vec![v; 40]).unwrap();
    }
    let proof_a = full.proof(&a).unwrap();
    let mut after = full.clone();
    after.remove(&a).unwrap();
    let nodes: Vec<_> = proof_a.iter().chain(&sibling_candidates(&after.proof(&a).unwrap())).cloned().collect();
    let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|n| n.as_ref())).unwrap();
    let sibling = partial.collapse_sibling(&a).unwrap().expect("deleting a collapses the root branch");
    assert_eq!(sibling.position, vec![2]);
    let Node::Hash(branch_hash) = *sibling.node else { panic!("the sibling is unrevealed: {:?}", sibling.node) };
    assert!(matches!(partial.remove(&a), Err(TrieError::MissingNode { hash, .. }) if hash == branch_hash));
    // The key's proof under the new root ends in the extension the collapse left: nibble 2 over
    // the sibling's hash.
    let (value, children) = extension_children(after.root_hash(), &a, &after.proof(&a).unwrap()).unwrap();
    assert_eq!(value, None);
    assert_eq!(children, vec![ExtensionChild { position: vec![2], hash: branch_hash }]);
    let is_branch = |p: &[u8], h: B256| children.iter().any(|c| c.position == p && c.hash == h);
    // A fact about another position or another hash does not do.
    assert!(partial.clone().remove_with(&a, &|_, h| h != branch_hash).is_err());
    assert!(partial.clone().remove_with(&a, &|p, _| p != [2]).is_err());
    partial.remove_with(&a, &is_branch).unwrap();
    assert_eq!(partial.root_hash(), after.root_hash());
    // With a proof of a key under the branch, it works without the fact.
    let nodes: Vec<_> = nodes.into_iter().chain(full.proof(&c).unwrap()).collect();
    let mut partial = Trie::from_nodes(full.root_hash(), nodes.iter().map(|n| n.as_ref())).unwrap();
    assert!(matches!(partial.collapse_sibling(&a).unwrap().unwrap().node, Node::Branch { .. }));
    partial.remove(&a).unwrap();
    assert_eq!(partial.root_hash(), after.root_hash());

    // Under a parent extension: keys 0x55.. share nibbles 5, 5 with the deleted 0x553.. and the
    // sibling branch (0x556..), so the collapse merges into the extension 0x55 + 6.
    let keys = [[0x55u8, 0x30].as_slice(), &[0x55, 0x61], &[0x55, 0x62], &[0x70, 0x00]];
    let mut full = Trie::new();
    for (i, k) in keys.iter().enumerate() {
        full.insert(&[*k, &[0u8; 30]].concat(), vec![i as u8 + 1; 40]).unwrap();
    }
    let a = [keys[0], &[0u8; 30]].concat();
    let mut after = full.clone();
    after.remove(&a).unwrap();
    let mut partial = Trie::from_nodes(full.root_hash(), full.proof(&a).unwrap().iter().map(|n| n.as_ref())).unwrap();
    assert_eq!(partial.collapse_sibling(&a).unwrap().unwrap().position, vec![5, 5, 6]);
    let (_, children) = extension_children(after.root_hash(), &a, &after.proof(&a).unwrap()).unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].position, vec![5, 5, 6]);
    partial.remove_with(&a, &|p, h| p == children[0].position && h == children[0].hash).unwrap();
    assert_eq!(partial.root_hash(), after.root_hash());
}
