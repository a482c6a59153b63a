//! rebuttal's PLONKish proof system over BN254.
//!
//! - [`arith`]: field, curve and evaluation-domain types;
//! - [`backend`]: the MSM/NTT [`backend::Backend`] trait and its CPU implementation;
//! - [`circuit`]: the constraint system circuits are written against, and witness assignment;
//! - [`encoding`]: EVM-friendly byte encodings of scalars and points, checked on decode;
//! - [`plonk`]: keygen, the KZG prover with SHPLONK openings, and the verifier;
//! - [`srs`]: KZG parameters: insecure test setup, `.ptau` and `ParamsKZG` loaders;
//! - [`transcript`]: the Keccak256 Fiat–Shamir transcript;
//! - [`mock`]: the MockProver, which checks an assignment without cryptography, and the
//!   mutation sweep that finds unconstrained cells.

pub mod arith;
pub mod backend;
pub mod circuit;
pub mod encoding;
pub mod mock;
pub mod plonk;
pub mod srs;
pub mod testing;
pub mod transcript;
