//! Our Merkle Patricia Trie: root computation, lookups, proofs and updates, on full tries and on
//! partial tries rebuilt from proofs. The MPT circuit mirrors this code.
//!
//! A deletion from a partial trie may collapse a branch onto a child that the trie knows only by
//! its hash: [`Trie::collapse_sibling`] names it, [`sibling_candidates`] and
//! [`extension_children`] read what a proof under the new root tells of it, and
//! [`Trie::remove_with`] deletes given the fact that it is a branch.

mod node;
mod state;

use std::collections::HashMap;

use alloy_primitives::{B256, Bytes, keccak256};

pub use node::{Nibbles, Node, decode_hex_prefix, hex_prefix, to_nibbles};
pub use state::{AccountLeaf, EMPTY_ROOT, StateTries, decode_storage_value, storage_value_rlp};

/// Trie failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    /// A node is not valid RLP or not a valid trie node.
    #[error("bad trie node: {0}")]
    BadNode(String),
    /// The walk reached a subtree known only by its hash.
    #[error("node {hash} on the path of key 0x{path} is not known (partial trie)")]
    MissingNode {
        /// The unresolved node's hash.
        hash: B256,
        /// The key path, in hex nibbles.
        path: String,
    },
    /// A proof's nodes do not lead from the root to the key.
    #[error("proof does not match: {0}")]
    BadProof(String),
}

fn path_hex(path: &[u8]) -> String {
    path.iter().map(|n| format!("{n:x}")).collect()
}

/// A Merkle Patricia Trie keyed by byte strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trie {
    root: Node,
}

impl Trie {
    /// The empty trie.
    pub fn new() -> Self {
        Self::default()
    }

    /// A partial trie with root `root` whose nodes are those of `nodes` (RLP encodings, e.g. from
    /// proofs) reachable from the root; subtrees whose nodes are not given stay as hashes.
    pub fn from_nodes<'a>(root: B256, nodes: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, TrieError> {
        if root == EMPTY_ROOT {
            return Ok(Self::new());
        }
        let map: HashMap<B256, &[u8]> = nodes.into_iter().map(|n| (keccak256(n), n)).collect();
        let root = resolve(Node::Hash(root), &map)?;
        Ok(Self { root })
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The root hash.
    pub fn root_hash(&self) -> B256 {
        self.root.hash()
    }

    /// The value at `key`, None if absent.
    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>, TrieError> {
        let path = to_nibbles(key);
        let mut node = &self.root;
        let mut rest: &[u8] = &path;
        loop {
            match node {
                Node::Empty => return Ok(None),
                Node::Leaf { path: p, value } => return Ok((p.as_slice() == rest).then_some(value.as_slice())),
                Node::Extension { path: p, child } => {
                    if !rest.starts_with(p) {
                        return Ok(None);
                    }
                    rest = &rest[p.len()..];
                    node = child;
                }
                Node::Branch { children, value } => match rest.split_first() {
                    None => return Ok(value.as_deref()),
                    Some((n, tail)) => {
                        node = &children[*n as usize];
                        rest = tail;
                    }
                },
                Node::Hash(h) => return Err(TrieError::MissingNode { hash: *h, path: path_hex(&path) }),
            }
        }
    }

    /// Sets `key` to `value`; an empty value deletes the key.
    pub fn insert(&mut self, key: &[u8], value: Vec<u8>) -> Result<(), TrieError> {
        if value.is_empty() {
            return self.remove(key);
        }
        let path = to_nibbles(key);
        let root = std::mem::take(&mut self.root);
        self.settle(insert(root, &path, value, &path))
    }

    /// Deletes `key` (no-op if absent). Fails with [`TrieError::MissingNode`], leaving the trie
    /// as it was, where the deletion would collapse a branch onto a sibling known only by its
    /// hash (see [`Trie::remove_with`]).
    pub fn remove(&mut self, key: &[u8]) -> Result<(), TrieError> {
        self.remove_with(key, &|_, _| false)
    }

    /// Deletes `key`, where a branch left with one child known only by its hash may collapse
    /// onto it if `is_branch(position, hash)` says that child is a branch: the branch then
    /// becomes a one-nibble extension over the hash (merged with a parent extension), which
    /// needs nothing of the child's content. `position` is the child's nibble path from the
    /// root. Any other unrevealed sibling fails as [`Trie::remove`] does. The caller answers for
    /// `is_branch`: a wrong `true` gives a wrong root.
    pub fn remove_with(&mut self, key: &[u8], is_branch: &dyn Fn(&[u8], B256) -> bool) -> Result<(), TrieError> {
        let path = to_nibbles(key);
        let root = std::mem::take(&mut self.root);
        let res = delete(root, &path, &Del { full: &path, is_branch });
        self.settle(res)
    }

    fn settle(&mut self, res: Res) -> Result<(), TrieError> {
        match res {
            Ok(n) => {
                self.root = n;
                Ok(())
            }
            Err((n, e)) => {
                self.root = n;
                Err(e)
            }
        }
    }

    /// The sibling that deleting `key` would collapse its branch onto: where the key's leaf (or
    /// the branch's own value) is one of exactly two entries of a branch, the other one, a
    /// child, with its nibble path from the root. None where the key is absent or its deletion
    /// collapses nothing. The child may be a [`Node::Hash`] (unrevealed) or embedded in the
    /// branch (encoding under 32 bytes). Fails where the walk meets an unrevealed node.
    pub fn collapse_sibling(&self, key: &[u8]) -> Result<Option<Sibling<'_>>, TrieError> {
        let path = to_nibbles(key);
        let mut node = &self.root;
        let mut depth = 0;
        loop {
            match node {
                Node::Empty | Node::Leaf { .. } => return Ok(None),
                Node::Hash(h) => return Err(missing(*h, &path)),
                Node::Extension { path: p, child } => {
                    if !path[depth..].starts_with(p) {
                        return Ok(None);
                    }
                    depth += p.len();
                    node = child;
                }
                Node::Branch { children, value } => {
                    let empties = match path.get(depth) {
                        None => value.is_some().then_some(None),
                        Some(n) => match &children[*n as usize] {
                            Node::Leaf { path: lp, .. } if lp.as_slice() == &path[depth + 1..] => {
                                value.is_none().then_some(Some(*n as usize))
                            }
                            Node::Leaf { .. } | Node::Empty => return Ok(None),
                            Node::Hash(h) => return Err(missing(*h, &path)),
                            child => {
                                node = child;
                                depth += 1;
                                continue;
                            }
                        },
                    };
                    let Some(slot) = empties else { return Ok(None) };
                    let rest: Vec<usize> =
                        (0..16).filter(|j| Some(*j) != slot && !matches!(children[*j], Node::Empty)).collect();
                    return Ok(match rest.as_slice() {
                        [j] => {
                            let position = [&path[..depth], &[*j as u8]].concat();
                            Some(Sibling { position, node: &children[*j] })
                        }
                        _ => None,
                    });
                }
            }
        }
    }

    /// The proof of `key`: the RLP of every node on its path that its parent references by hash,
    /// root first (the format of `eth_getProof`). Proves presence or absence.
    pub fn proof(&self, key: &[u8]) -> Result<Vec<Bytes>, TrieError> {
        let path = to_nibbles(key);
        let mut out = Vec::new();
        let mut node = &self.root;
        let mut rest: &[u8] = &path;
        let mut is_root = true;
        loop {
            if let Node::Hash(h) = node {
                return Err(TrieError::MissingNode { hash: *h, path: path_hex(&path) });
            }
            let enc = node.encode();
            if is_root || enc.len() >= 32 {
                out.push(Bytes::from(enc));
            }
            is_root = false;
            match node {
                Node::Empty | Node::Leaf { .. } | Node::Hash(_) => return Ok(out),
                Node::Extension { path: p, child } => {
                    if !rest.starts_with(p) {
                        return Ok(out);
                    }
                    rest = &rest[p.len()..];
                    node = child;
                }
                Node::Branch { children, .. } => match rest.split_first() {
                    None => return Ok(out),
                    Some((n, tail)) => {
                        node = &children[*n as usize];
                        rest = tail;
                    }
                },
            }
        }
    }

    /// Every node of the trie that is referenced by hash (and the root), as RLP.
    pub fn hashed_nodes(&self) -> Vec<Bytes> {
        let mut out = vec![Bytes::from(self.root.encode())];
        collect_hashed(&self.root, &mut out);
        out
    }
}

/// Candidate nodes for the siblings that branches collapse onto when keys are deleted from a
/// partial trie, derived from a proof of a deleted key under the trie's *new* root.
///
/// When deleting a key leaves a branch with one child, the branch merges with that child: a
/// leaf or extension child `S` becomes one node whose path is the branch's nibble (and any
/// parent extension's path) followed by `S`'s path. A proof of the deleted key under the new
/// root ends at that merged node. Removing 1, 2, ... leading nibbles from the path of every
/// leaf and extension in the proof therefore yields `S` among the candidates; the trie uses a
/// candidate only where a node it already trusts references the candidate's hash. A branch
/// child cannot be recovered this way (the merged extension holds only its hash; see
/// [`extension_children`] for what such a proof does tell). Nodes under 32 bytes are left
/// out: their parents embed them, so they are never missing.
pub fn sibling_candidates(proof: &[Bytes]) -> Vec<Bytes> {
    let mut out = Vec::new();
    for bytes in proof {
        let Ok(node) = Node::decode(bytes) else { continue };
        let variants: Vec<Node> = match &node {
            Node::Leaf { path, value } => {
                (1..=path.len()).map(|k| Node::Leaf { path: path[k..].to_vec(), value: value.clone() }).collect()
            }
            Node::Extension { path, child } => {
                (1..path.len()).map(|k| Node::Extension { path: path[k..].to_vec(), child: child.clone() }).collect()
            }
            _ => Vec::new(),
        };
        for v in variants {
            let enc = v.encode();
            if enc.len() >= 32 {
                out.push(Bytes::from(enc));
            }
        }
    }
    out
}

/// The child a deletion collapses its branch onto ([`Trie::collapse_sibling`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sibling<'a> {
    /// The child's nibble path from the root: the branch's path and the child's nibble.
    pub position: Nibbles,
    /// The child as the trie holds it: a [`Node::Hash`] where it is not revealed.
    pub node: &'a Node,
}

impl Sibling<'_> {
    /// Whether the branch references the child by hash (its encoding is 32 bytes or more, or it
    /// is unrevealed) rather than embedding it.
    pub fn is_hashed(&self) -> bool {
        matches!(self.node, Node::Hash(_)) || self.node.encode().len() >= 32
    }

    /// The child's hash (keccak of its encoding).
    pub fn hash(&self) -> B256 {
        self.node.hash()
    }
}

/// A subtree that a proof shows an extension pointing to without revealing it: its nibble
/// path from the root and its hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExtensionChild {
    /// Nibble path of the child from the root (the extension's position and path).
    pub position: Nibbles,
    /// The child's hash.
    pub hash: B256,
}

/// Verifies `proof` of `key` under `root` and returns the proven value (None: proven absent)
/// and every extension on the key's path whose child the proof does not reveal.
///
/// An exclusion proof under a trie's new root, of a key whose deletion collapsed a branch onto
/// a sibling *branch*, ends in the extension that the collapse left (a one-nibble extension
/// over the sibling, merged with any parent extension), so the sibling shows up here. In a
/// well-formed trie an extension's child is a branch: each entry says the subtree at that
/// position with that hash is a branch, as far as `root` itself can be trusted. That is a
/// fact about `root`, not a preimage of the hash: it fixes the collapse, but the MPT circuit
/// cannot check it.
pub fn extension_children(
    root: B256,
    key: &[u8],
    proof: &[Bytes],
) -> Result<(Option<Vec<u8>>, Vec<ExtensionChild>), TrieError> {
    let value = verify_proof(root, key, proof)?;
    let trie = Trie::from_nodes(root, proof.iter().map(|b| b.as_ref()))?;
    let path = to_nibbles(key);
    let mut out = Vec::new();
    let mut node = &trie.root;
    let mut depth = 0;
    loop {
        match node {
            Node::Extension { path: p, child } => {
                if let Node::Hash(h) = child.as_ref() {
                    out.push(ExtensionChild { position: [&path[..depth], p.as_slice()].concat(), hash: *h });
                }
                if !path[depth..].starts_with(p) {
                    break;
                }
                depth += p.len();
                node = child;
            }
            Node::Branch { children, .. } => match path.get(depth) {
                Some(n) => {
                    node = &children[*n as usize];
                    depth += 1;
                }
                None => break,
            },
            _ => break,
        }
    }
    Ok((value, out))
}

fn collect_hashed(node: &Node, out: &mut Vec<Bytes>) {
    let mut visit = |c: &Node| {
        if !matches!(c, Node::Empty | Node::Hash(_)) {
            let enc = c.encode();
            if enc.len() >= 32 {
                out.push(Bytes::from(enc));
            }
            collect_hashed(c, out);
        }
    };
    match node {
        Node::Extension { child, .. } => visit(child),
        Node::Branch { children, .. } => children.iter().for_each(visit),
        _ => {}
    }
}

/// Verifies a proof of `key` under `root` and returns the proven value (None: proven absent).
pub fn verify_proof(root: B256, key: &[u8], proof: &[Bytes]) -> Result<Option<Vec<u8>>, TrieError> {
    if root == EMPTY_ROOT && proof.iter().all(|n| n.as_ref() == [0x80]) {
        return Ok(None);
    }
    if proof.is_empty() {
        return Err(TrieError::BadProof(format!("empty proof for non-empty root {root}")));
    }
    if keccak256(&proof[0]) != root {
        return Err(TrieError::BadProof(format!("first node hashes to {}, not the root {root}", keccak256(&proof[0]))));
    }
    let trie = Trie::from_nodes(root, proof.iter().map(|b| b.as_ref()))?;
    match trie.get(key) {
        Ok(v) => Ok(v.map(|v| v.to_vec())),
        Err(TrieError::MissingNode { hash, .. }) => {
            Err(TrieError::BadProof(format!("node {hash} on the key's path is not in the proof")))
        }
        Err(e) => Err(e),
    }
}

fn resolve(node: Node, map: &HashMap<B256, &[u8]>) -> Result<Node, TrieError> {
    match node {
        Node::Hash(h) => match map.get(&h) {
            Some(bytes) => resolve(Node::decode(bytes)?, map),
            None => Ok(Node::Hash(h)),
        },
        Node::Extension { path, child } => Ok(Node::Extension { path, child: Box::new(resolve(*child, map)?) }),
        Node::Branch { children, value } => {
            let mut out: [Node; 16] = Default::default();
            for (i, c) in children.into_iter().enumerate() {
                out[i] = resolve(c, map)?;
            }
            Ok(Node::Branch { children: Box::new(out), value })
        }
        n => Ok(n),
    }
}

type Res = Result<Node, (Node, TrieError)>;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn missing(h: B256, full: &[u8]) -> TrieError {
    TrieError::MissingNode { hash: h, path: path_hex(full) }
}

fn insert(node: Node, path: &[u8], value: Vec<u8>, full: &[u8]) -> Res {
    match node {
        Node::Empty => Ok(Node::Leaf { path: path.to_vec(), value }),
        Node::Hash(h) => Err((Node::Hash(h), missing(h, full))),
        Node::Leaf { path: lp, value: lv } => {
            if lp.as_slice() == path {
                return Ok(Node::Leaf { path: lp, value });
            }
            let common = common_prefix(&lp, path);
            let mut branch = Node::Branch { children: Box::default(), value: None };
            branch = put_in_branch(branch, &lp[common..], lv);
            branch = put_in_branch(branch, &path[common..], value);
            Ok(wrap_ext(&path[..common], branch))
        }
        Node::Extension { path: ep, child } => {
            let common = common_prefix(&ep, path);
            if common == ep.len() {
                return match insert(*child, &path[common..], value, full) {
                    Ok(c) => Ok(Node::Extension { path: ep, child: Box::new(c) }),
                    Err((c, e)) => Err((Node::Extension { path: ep, child: Box::new(c) }, e)),
                };
            }
            // Split the extension at `common`.
            let mut children: [Node; 16] = Default::default();
            let rest = &ep[common + 1..];
            children[ep[common] as usize] =
                if rest.is_empty() { *child } else { Node::Extension { path: rest.to_vec(), child } };
            let branch = Node::Branch { children: Box::new(children), value: None };
            let branch = put_in_branch(branch, &path[common..], value);
            Ok(wrap_ext(&path[..common], branch))
        }
        Node::Branch { mut children, value: bv } => match path.split_first() {
            None => Ok(Node::Branch { children, value: Some(value) }),
            Some((n, tail)) => {
                let i = *n as usize;
                let c = std::mem::take(&mut children[i]);
                match insert(c, tail, value, full) {
                    Ok(c) => {
                        children[i] = c;
                        Ok(Node::Branch { children, value: bv })
                    }
                    Err((c, e)) => {
                        children[i] = c;
                        Err((Node::Branch { children, value: bv }, e))
                    }
                }
            }
        },
    }
}

/// Puts a (path, value) into a fresh branch whose slot for `path[0]` is empty.
fn put_in_branch(branch: Node, path: &[u8], value: Vec<u8>) -> Node {
    let Node::Branch { mut children, value: bv } = branch else { unreachable!("put_in_branch on a branch") };
    match path.split_first() {
        None => Node::Branch { children, value: Some(value) },
        Some((n, tail)) => {
            children[*n as usize] = Node::Leaf { path: tail.to_vec(), value };
            Node::Branch { children, value: bv }
        }
    }
}

fn wrap_ext(path: &[u8], child: Node) -> Node {
    if path.is_empty() { child } else { Node::Extension { path: path.to_vec(), child: Box::new(child) } }
}

/// What a deletion needs besides the node: the whole key path (for errors and positions) and
/// the caller's word on which unrevealed children are branches.
struct Del<'a> {
    full: &'a [u8],
    is_branch: &'a dyn Fn(&[u8], B256) -> bool,
}

impl Del<'_> {
    /// Whether the unrevealed child `h` at nibble `j` of the branch at `depth` may be collapsed
    /// onto as a branch.
    fn known_branch(&self, depth: usize, j: usize, h: B256) -> bool {
        (self.is_branch)(&[&self.full[..depth], &[j as u8]].concat(), h)
    }
}

fn delete(node: Node, path: &[u8], ctx: &Del) -> Res {
    let full = ctx.full;
    match node {
        Node::Empty => Ok(Node::Empty),
        Node::Hash(h) => Err((Node::Hash(h), missing(h, full))),
        Node::Leaf { path: lp, value } => {
            if lp.as_slice() == path {
                Ok(Node::Empty)
            } else {
                Ok(Node::Leaf { path: lp, value })
            }
        }
        Node::Extension { path: ep, child } => {
            if !path.starts_with(&ep) {
                return Ok(Node::Extension { path: ep, child });
            }
            match delete(*child, &path[ep.len()..], ctx) {
                Ok(c) => join_ext(ep, c),
                Err((c, e)) => Err((Node::Extension { path: ep, child: Box::new(c) }, e)),
            }
        }
        Node::Branch { mut children, value } => {
            let depth = full.len() - path.len();
            // A deletion that would leave this branch with a single child known only by its
            // hash (and not known to be a branch) cannot merge the two: fail before changing
            // anything, so that the trie stays as it was. (The key empties its slot only if
            // that slot holds the key's own leaf.)
            let empties_slot = match path.split_first() {
                None => value.is_some(),
                Some((n, tail)) => {
                    matches!(&children[*n as usize], Node::Leaf { path: lp, .. } if lp.as_slice() == tail)
                }
            };
            if empties_slot {
                let slot = path.first().map(|n| *n as usize);
                let rest: Vec<usize> =
                    (0..16).filter(|j| Some(*j) != slot && !matches!(children[*j], Node::Empty)).collect();
                let keeps_value = slot.is_some() && value.is_some();
                if let ([j], false) = (rest.as_slice(), keeps_value)
                    && let Node::Hash(h) = children[*j]
                    && !ctx.known_branch(depth, *j, h)
                {
                    return Err((Node::Branch { children, value }, missing(h, full)));
                }
            }
            let value = match path.split_first() {
                None => None,
                Some((n, tail)) => {
                    let i = *n as usize;
                    let c = std::mem::take(&mut children[i]);
                    match delete(c, tail, ctx) {
                        Ok(c) => children[i] = c,
                        Err((c, e)) => {
                            children[i] = c;
                            return Err((Node::Branch { children, value }, e));
                        }
                    }
                    value
                }
            };
            normalize_branch(children, value, depth, ctx)
        }
    }
}

/// Re-forms an extension whose child changed: merges with a child extension or leaf.
fn join_ext(path: Nibbles, child: Node) -> Res {
    Ok(match child {
        Node::Empty => Node::Empty,
        Node::Leaf { path: lp, value } => Node::Leaf { path: [path, lp].concat(), value },
        Node::Extension { path: cp, child } => Node::Extension { path: [path, cp].concat(), child },
        other => Node::Extension { path, child: Box::new(other) },
    })
}

/// A branch left with fewer than two entries collapses into a leaf or an extension. A single
/// child known only by its hash can be collapsed onto only if it is known to be a branch: it
/// then sits under a one-nibble extension (`join_ext` keeps a hash as an extension's child).
fn normalize_branch(mut children: Box<[Node; 16]>, value: Option<Vec<u8>>, depth: usize, ctx: &Del) -> Res {
    let used: Vec<usize> = (0..16).filter(|i| !matches!(children[*i], Node::Empty)).collect();
    match (used.len(), value) {
        (0, None) => Ok(Node::Empty),
        (0, Some(v)) => Ok(Node::Leaf { path: Vec::new(), value: v }),
        (1, None) => {
            let i = used[0];
            let child = std::mem::take(&mut children[i]);
            if let Node::Hash(h) = child
                && !ctx.known_branch(depth, i, h)
            {
                children[i] = Node::Hash(h);
                return Err((Node::Branch { children, value: None }, missing(h, ctx.full)));
            }
            join_ext(vec![i as u8], child)
        }
        (_, value) => Ok(Node::Branch { children, value }),
    }
}
