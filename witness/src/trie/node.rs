//! Trie nodes and their RLP encoding.

use alloy_primitives::{B256, keccak256};
use alloy_rlp::{Header, PayloadView};

use super::TrieError;

/// A path in nibbles (each element 0..=15).
pub type Nibbles = Vec<u8>;

/// Splits bytes into nibbles, high nibble first.
pub fn to_nibbles(key: &[u8]) -> Nibbles {
    key.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// Hex-prefix encoding of a nibble path (Yellow Paper appendix C).
pub fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2 } else { 0 };
    let mut out = Vec::with_capacity(path.len() / 2 + 1);
    let rest = if path.len() % 2 == 1 {
        out.push(((flag + 1) << 4) | path[0]);
        &path[1..]
    } else {
        out.push(flag << 4);
        path
    };
    for pair in rest.chunks(2) {
        out.push((pair[0] << 4) | pair[1]);
    }
    out
}

/// Decodes hex-prefix bytes into (path, is_leaf).
pub fn decode_hex_prefix(bytes: &[u8]) -> Result<(Nibbles, bool), TrieError> {
    let first = *bytes.first().ok_or_else(|| TrieError::BadNode("empty hex-prefix path".into()))?;
    let flag = first >> 4;
    if flag > 3 {
        return Err(TrieError::BadNode(format!("hex-prefix flag {flag}")));
    }
    let leaf = flag & 2 != 0;
    let mut path = Vec::with_capacity(bytes.len() * 2);
    if flag & 1 == 1 {
        path.push(first & 0x0f);
    } else if first & 0x0f != 0 {
        return Err(TrieError::BadNode("non-zero padding nibble in hex-prefix path".into()));
    }
    path.extend(to_nibbles(&bytes[1..]));
    Ok((path, leaf))
}

/// A trie node. `Hash` stands for a subtree that is known only by its hash (partial tries built
/// from proofs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Node {
    /// The empty trie.
    #[default]
    Empty,
    /// A leaf with the rest of the key path and the value.
    Leaf {
        /// Remaining key nibbles.
        path: Nibbles,
        /// Value bytes.
        value: Vec<u8>,
    },
    /// An extension: a shared path segment leading to a branch.
    Extension {
        /// Shared nibbles (at least one).
        path: Nibbles,
        /// The child (a branch, or a hash of one).
        child: Box<Node>,
    },
    /// A branch with sixteen children and an optional value.
    Branch {
        /// Children by nibble.
        children: Box<[Node; 16]>,
        /// Value of a key that ends here (never used by the state tries).
        value: Option<Vec<u8>>,
    },
    /// An unresolved subtree, known by its hash.
    Hash(B256),
}

fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    alloy_rlp::Encodable::encode(&bytes, out);
}

fn list(payload: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 4);
    Header { list: true, payload_length: payload.len() }.encode(&mut out);
    out.extend_from_slice(&payload);
    out
}

impl Node {
    /// The node's RLP encoding. `Hash` nodes cannot be encoded (their content is unknown); their
    /// reference is written by [`Node::encode_ref`].
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Node::Empty => vec![0x80],
            Node::Leaf { path, value } => {
                let mut p = Vec::new();
                encode_bytes(&mut p, &hex_prefix(path, true));
                encode_bytes(&mut p, value);
                list(p)
            }
            Node::Extension { path, child } => {
                let mut p = Vec::new();
                encode_bytes(&mut p, &hex_prefix(path, false));
                child.encode_ref(&mut p);
                list(p)
            }
            Node::Branch { children, value } => {
                let mut p = Vec::new();
                for c in children.iter() {
                    c.encode_ref(&mut p);
                }
                encode_bytes(&mut p, value.as_deref().unwrap_or(&[]));
                list(p)
            }
            Node::Hash(h) => {
                let mut p = Vec::new();
                encode_bytes(&mut p, h.as_slice());
                p
            }
        }
    }

    /// Appends the reference to this node as its parent holds it: the encoding itself when
    /// shorter than 32 bytes, else the keccak of the encoding.
    pub fn encode_ref(&self, out: &mut Vec<u8>) {
        match self {
            Node::Empty => out.push(0x80),
            Node::Hash(h) => encode_bytes(out, h.as_slice()),
            _ => {
                let enc = self.encode();
                if enc.len() < 32 {
                    out.extend_from_slice(&enc);
                } else {
                    encode_bytes(out, keccak256(&enc).as_slice());
                }
            }
        }
    }

    /// The hash of this node as a root: keccak of its encoding.
    pub fn hash(&self) -> B256 {
        match self {
            Node::Hash(h) => *h,
            _ => keccak256(self.encode()),
        }
    }

    /// Decodes one node from its RLP encoding. Children referenced by hash become
    /// [`Node::Hash`]; inline children are decoded in place.
    pub fn decode(bytes: &[u8]) -> Result<Node, TrieError> {
        let mut buf = bytes;
        let node = Self::decode_item(&mut buf)?;
        if !buf.is_empty() {
            return Err(TrieError::BadNode(format!("{} trailing bytes after node", buf.len())));
        }
        Ok(node)
    }

    fn decode_item(buf: &mut &[u8]) -> Result<Node, TrieError> {
        let bad = |e: alloy_rlp::Error| TrieError::BadNode(e.to_string());
        let view = Header::decode_raw(buf).map_err(bad)?;
        let items = match view {
            PayloadView::String([]) => return Ok(Node::Empty),
            PayloadView::String(s) => {
                return Err(TrieError::BadNode(format!("expected a node list, got a {}-byte string", s.len())));
            }
            PayloadView::List(items) => items,
        };
        match items.len() {
            2 => {
                let path = string_item(items[0])?;
                let (path, leaf) = decode_hex_prefix(path)?;
                if leaf {
                    Ok(Node::Leaf { path, value: string_item(items[1])?.to_vec() })
                } else {
                    if path.is_empty() {
                        return Err(TrieError::BadNode("extension with an empty path".into()));
                    }
                    let child = Self::decode_ref(items[1])?;
                    Ok(Node::Extension { path, child: Box::new(child) })
                }
            }
            17 => {
                let mut children: [Node; 16] = Default::default();
                for (i, item) in items[..16].iter().enumerate() {
                    children[i] = Self::decode_ref(item)?;
                }
                let v = string_item(items[16])?;
                let value = if v.is_empty() { None } else { Some(v.to_vec()) };
                Ok(Node::Branch { children: Box::new(children), value })
            }
            n => Err(TrieError::BadNode(format!("node list of {n} items"))),
        }
    }

    fn decode_ref(item: &[u8]) -> Result<Node, TrieError> {
        let mut buf = item;
        let header = Header::decode(&mut buf).map_err(|e| TrieError::BadNode(e.to_string()))?;
        if header.list {
            let mut b = item;
            return Self::decode_item(&mut b);
        }
        match header.payload_length {
            0 => Ok(Node::Empty),
            32 => Ok(Node::Hash(B256::from_slice(&buf[..32]))),
            n => Err(TrieError::BadNode(format!("child reference of {n} bytes"))),
        }
    }
}

fn string_item(item: &[u8]) -> Result<&[u8], TrieError> {
    let mut buf = item;
    let header = Header::decode(&mut buf).map_err(|e| TrieError::BadNode(e.to_string()))?;
    if header.list {
        return Err(TrieError::BadNode("expected a string, got a list".into()));
    }
    Ok(&buf[..header.payload_length])
}
