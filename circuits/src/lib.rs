//! rebuttal's hand-written circuits, written against [`rebuttal_prover::circuit`].
//!
//! - [`keccak`]: keccak256 of many byte strings and the keccak table.

pub mod keccak;
