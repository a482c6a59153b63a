//! The contract's ABI: the `verifyProof` selector, the revert errors, the layout of the
//! `instances` argument and ABI-encoded call data.
//!
//! # `instances` layout
//!
//! The Rust verifier takes one vector of public inputs per instance column, each of any length
//! up to the usable rows, and its transcript absorbs, per column, the length and then the
//! values. The contract takes them flattened into one `uint256[]`:
//!
//! - no instance column: `instances` is empty;
//! - one instance column: `instances` is that column's values, as they are;
//! - `m ≥ 2` columns: `instances` starts with the `m` column lengths, followed by the columns'
//!   values, column after column.
//!
//! Every value must be below the scalar field modulus r (the Rust verifier's `Fr` cannot hold
//! anything else); the contract rejects a larger one rather than reducing it.

use rebuttal_prover::arith::Fr;
use rebuttal_prover::encoding::fr_to_bytes;
use sha3::{Digest, Keccak256};

/// The Solidity signature of the verifier's entry point.
pub const VERIFY_SIGNATURE: &str = "verifyProof(bytes,uint256[])";

/// The verifier constructor's error when a helper contract's code hash is not the generated
/// one (only verifiers with helper contracts have it).
pub const HELPER_CODE_MISMATCH: &str = "HelperCodeMismatch(uint256)";

/// First four bytes of `keccak256(signature)`.
pub fn selector(signature: &str) -> [u8; 4] {
    let h = Keccak256::digest(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// Why the contract rejected a call: each failure reverts with one of these custom errors
/// (declared in the generated source). The contract never returns `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevertReason {
    /// The call data is not the canonical ABI encoding of `(bytes, uint256[])` (offsets, total
    /// size).
    CalldataMalformed,
    /// The proof does not have the exact length this verifying key fixes.
    ProofLength,
    /// `instances` does not hold the column lengths and values the layout requires.
    InstanceCount,
    /// An instance column is longer than the usable rows.
    InstanceTooLong,
    /// An instance value is not below r.
    InstanceNotCanonical,
    /// A proof scalar is not below r (argument: its byte offset in the proof).
    ScalarNotCanonical,
    /// A proof point coordinate is not below q (argument: the point's byte offset).
    CoordinateNotCanonical,
    /// A proof point is not on the curve (argument: the point's byte offset).
    PointNotOnCurve,
    /// A challenge made a value the verifier must invert zero (probability ~2⁻²²⁰; the Rust
    /// verifier would carry on with a zero inverse).
    ChallengeDegenerate,
    /// The quotient identity fails at the challenge point.
    ConstraintsNotSatisfied,
    /// The pairing check fails.
    OpeningFailed,
    /// A precompile or helper-contract call failed (out of gas).
    PrecompileFailed,
}

impl RevertReason {
    /// Every reason.
    pub const ALL: [RevertReason; 12] = [
        RevertReason::CalldataMalformed,
        RevertReason::ProofLength,
        RevertReason::InstanceCount,
        RevertReason::InstanceTooLong,
        RevertReason::InstanceNotCanonical,
        RevertReason::ScalarNotCanonical,
        RevertReason::CoordinateNotCanonical,
        RevertReason::PointNotOnCurve,
        RevertReason::ChallengeDegenerate,
        RevertReason::ConstraintsNotSatisfied,
        RevertReason::OpeningFailed,
        RevertReason::PrecompileFailed,
    ];

    /// The Solidity error's name.
    pub fn name(self) -> &'static str {
        match self {
            RevertReason::CalldataMalformed => "CalldataMalformed",
            RevertReason::ProofLength => "ProofLength",
            RevertReason::InstanceCount => "InstanceCount",
            RevertReason::InstanceTooLong => "InstanceTooLong",
            RevertReason::InstanceNotCanonical => "InstanceNotCanonical",
            RevertReason::ScalarNotCanonical => "ScalarNotCanonical",
            RevertReason::CoordinateNotCanonical => "CoordinateNotCanonical",
            RevertReason::PointNotOnCurve => "PointNotOnCurve",
            RevertReason::ChallengeDegenerate => "ChallengeDegenerate",
            RevertReason::ConstraintsNotSatisfied => "ConstraintsNotSatisfied",
            RevertReason::OpeningFailed => "OpeningFailed",
            RevertReason::PrecompileFailed => "PrecompileFailed",
        }
    }

    /// Whether the error carries the proof byte offset of the offending element.
    pub fn has_offset(self) -> bool {
        matches!(
            self,
            RevertReason::ScalarNotCanonical | RevertReason::CoordinateNotCanonical | RevertReason::PointNotOnCurve
        )
    }

    /// The Solidity error signature, e.g. `PointNotOnCurve(uint256)`.
    pub fn signature(self) -> String {
        format!("{}({})", self.name(), if self.has_offset() { "uint256" } else { "" })
    }

    /// The four-byte selector the revert data starts with.
    pub fn selector(self) -> [u8; 4] {
        selector(&self.signature())
    }

    /// The reason whose selector starts `revert_data`, if any.
    pub fn from_revert_data(revert_data: &[u8]) -> Option<RevertReason> {
        let head: [u8; 4] = revert_data.get(..4)?.try_into().ok()?;
        RevertReason::ALL.into_iter().find(|r| r.selector() == head)
    }
}

/// Flattens instance columns into the contract's `instances` argument (see the module docs).
pub fn flatten_instances(instances: &[Vec<Fr>]) -> Vec<Fr> {
    match instances {
        [] => Vec::new(),
        [single] => single.clone(),
        columns => {
            let mut out: Vec<Fr> = columns.iter().map(|c| Fr::from(c.len() as u64)).collect();
            columns.iter().for_each(|c| out.extend_from_slice(c));
            out
        }
    }
}

/// ABI-encoded call data for `verifyProof(proof, flatten_instances(instances))`: what
/// `cast call`/`eth_call` or a transaction sends. Encoding cannot fail; the contract checks
/// lengths and values.
pub fn encode_calldata(proof: &[u8], instances: &[Vec<Fr>]) -> Vec<u8> {
    let flat = flatten_instances(instances);
    let padded = proof.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 32 * 4 + padded + 32 * flat.len());
    out.extend_from_slice(&selector(VERIFY_SIGNATURE));
    out.extend_from_slice(&word(0x40));
    out.extend_from_slice(&word(0x60 + padded as u64));
    out.extend_from_slice(&word(proof.len() as u64));
    out.extend_from_slice(proof);
    out.resize(out.len() + padded - proof.len(), 0);
    out.extend_from_slice(&word(flat.len() as u64));
    for v in &flat {
        out.extend_from_slice(&fr_to_bytes(v));
    }
    out
}

/// A `u64` as a big-endian 32-byte ABI word.
pub fn word(v: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&v.to_be_bytes());
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_matches_the_known_value() {
        // keccak256("transfer(address,uint256)") starts a9059cbb.
        assert_eq!(selector("transfer(address,uint256)"), [0xa9, 0x05, 0x9c, 0xbb]);
        let selectors: std::collections::HashSet<_> = RevertReason::ALL.iter().map(|r| r.selector()).collect();
        assert_eq!(selectors.len(), RevertReason::ALL.len());
        let data = RevertReason::PointNotOnCurve.selector();
        assert_eq!(RevertReason::from_revert_data(&data), Some(RevertReason::PointNotOnCurve));
        assert_eq!(RevertReason::from_revert_data(&[]), None);
    }

    #[test]
    fn instances_flatten_with_lengths_only_for_several_columns() {
        let a = vec![Fr::from(1u64), Fr::from(2u64)];
        let b = vec![Fr::from(3u64)];
        assert_eq!(flatten_instances(&[]), Vec::<Fr>::new());
        assert_eq!(flatten_instances(std::slice::from_ref(&a)), a);
        let flat = flatten_instances(&[a.clone(), b.clone()]);
        assert_eq!(flat, vec![Fr::from(2u64), Fr::from(1u64), Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)]);
    }

    #[test]
    fn calldata_is_the_canonical_abi_encoding() {
        let proof = vec![0xabu8; 64];
        let cd = encode_calldata(&proof, &[vec![Fr::from(7u64)]]);
        assert_eq!(cd.len(), 4 + 32 * 3 + 64 + 32 * 2);
        assert_eq!(cd[4 + 31], 0x40);
        assert_eq!(&cd[4 + 32..4 + 64], &word(0x60 + 64));
        assert_eq!(&cd[4 + 64..4 + 96], &word(64));
        assert_eq!(cd[cd.len() - 1], 7);
    }
}
