//! rebuttal's PLONKish proof system over BN254.
//!
//! - [`arith`]: field, curve and evaluation-domain types;
//! - [`backend`]: the MSM/NTT [`backend::Backend`] trait and its CPU implementation;
//! - [`circuit`]: the constraint system circuits are written against, and witness assignment;
//! - [`mock`]: the MockProver, which checks an assignment without cryptography, and the
//!   mutation sweep that finds unconstrained cells.

pub mod arith;
pub mod backend;
pub mod circuit;
pub mod mock;
pub mod testing;
