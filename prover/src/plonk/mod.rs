//! The PLONKish proof system over KZG: keygen, prover and verifier.
//!
//! The circuit's gates, the permutation argument (copy constraints) and the logUp lookup
//! argument are combined into one list of constraints over an extended column set
//! ([`argument`]). Every committed polynomial is opened at `x` (and its rotations) and all
//! openings are checked together with SHPLONK, so verification costs two pairings.
//!
//! Packed commitments are optional and off by default ([`KeygenConfig::packing`], math in
//! [`proof`]): several polynomials per commitment, so that a verifier, above all an on-chain
//! one, does one elliptic-curve multiplication per pack instead of per polynomial.
//!
//! Zero-knowledge blinding is optional and off by default ([`KeygenConfig`], reasons in [`zk`]):
//! rebuttal's use — proving a public block's state transition — needs succinctness, not
//! secrecy, and deterministic proofs are reproducible.

pub mod argument;
mod diagnose;
mod keygen;
mod lagrange;
mod logup;
mod pk_bytes;
mod poly;
pub mod proof;
mod prove;
mod quotient;
mod shape;
mod verify;
mod vk_bytes;
pub mod zk;

pub use keygen::{KeygenConfig, KeygenError, PROTOCOL_VERSION, ProvingKey, VerifyingKey, keygen, keygen_with_config};
pub use pk_bytes::PkError;
pub(crate) use prove::prove_core;
pub use prove::{ProveError, ProveOptions, QuotientMemory, prove, prove_with_options, prove_with_rng};
pub use verify::{VerifyError, verify};
pub use vk_bytes::VkError;
