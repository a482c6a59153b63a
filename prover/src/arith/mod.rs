//! Field and group arithmetic shared by the proof system: evaluation domains and re-exports of
//! the BN254 types from halo2curves.

mod domain;

pub use domain::{Domain, DomainError, MAX_K};
pub use halo2curves::bn256::{Fq, Fr, G1, G1Affine, G2, G2Affine};
