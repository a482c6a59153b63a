//! Stable, versioned serialization of witnesses (and block inputs): JSON for inspection, a
//! compact binary form for large blocks.
//!
//! Binary layout: the 4 magic bytes `RBTW`, the format version as a little-endian `u16`, then
//! the [postcard](https://docs.rs/postcard) encoding of the value. JSON layout:
//! `{"format": "rebuttal-witness", "version": N, "witness": {...}}`.

use serde::{Deserialize, Serialize};

use crate::error::WitnessError;
use crate::model::BlockWitness;

/// Current format version. Bump on any change to the model's shape.
///
/// - 3: `TrieUpdate::sibling` (the node a deletion collapses its branch onto) and
///   `SelfChecks::mpt_siblings`.
pub const FORMAT_VERSION: u16 = 3;
const MAGIC: &[u8; 4] = b"RBTW";
const JSON_FORMAT: &str = "rebuttal-witness";

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    format: String,
    version: u16,
    witness: T,
}

/// Encodes a witness as versioned JSON.
pub fn to_json(w: &BlockWitness) -> Result<String, WitnessError> {
    let env = Envelope { format: JSON_FORMAT.into(), version: FORMAT_VERSION, witness: w };
    serde_json::to_string(&env).map_err(|e| WitnessError::Codec { format: "json", reason: e.to_string() })
}

/// Decodes a witness from versioned JSON.
pub fn from_json(s: &str) -> Result<BlockWitness, WitnessError> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        version: u16,
    }
    let err = |reason: String| WitnessError::Codec { format: "json", reason };
    let head: Head = serde_json::from_str(s).map_err(|e| err(e.to_string()))?;
    if head.format != JSON_FORMAT {
        return Err(err(format!("format is `{}`, expected `{JSON_FORMAT}`", head.format)));
    }
    if head.version != FORMAT_VERSION {
        return Err(err(format!("version {} is not the supported version {FORMAT_VERSION}", head.version)));
    }
    let env: Envelope<BlockWitness> = serde_json::from_str(s).map_err(|e| err(e.to_string()))?;
    Ok(env.witness)
}

/// Encodes a witness in the compact binary form.
pub fn to_binary(w: &BlockWitness) -> Result<Vec<u8>, WitnessError> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let body = postcard::to_stdvec(w).map_err(|e| WitnessError::Codec { format: "binary", reason: e.to_string() })?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a witness from the compact binary form.
pub fn from_binary(bytes: &[u8]) -> Result<BlockWitness, WitnessError> {
    let err = |reason: String| WitnessError::Codec { format: "binary", reason };
    if bytes.len() < 6 || &bytes[..4] != MAGIC {
        return Err(err("missing the RBTW magic".into()));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(err(format!("version {version} is not the supported version {FORMAT_VERSION}")));
    }
    let (w, rest) = postcard::take_from_bytes(&bytes[6..]).map_err(|e| err(e.to_string()))?;
    if !rest.is_empty() {
        return Err(err(format!("{} trailing bytes", rest.len())));
    }
    Ok(w)
}
