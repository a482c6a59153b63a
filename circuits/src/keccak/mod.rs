//! The keccak circuit: keccak256 of many byte strings of any length, and the keccak table that
//! the bytecode, EVM and MPT circuits look up.
//!
//! - [`layout`]: the sparse base-8 encoding and the chunk / piece layouts;
//! - [`table`]: the fixed normalisation table (parity, χ, byte → sparse);
//! - [`config`]: columns, gates and lookups (the region layout is documented there);
//! - [`assign`] and [`witness`]: witness generation, parallel over permutations;
//! - [`circuit`]: [`KeccakCircuit`], a stand-alone circuit over a list of inputs;
//! - [`stats`]: cost figures per keccak-f;
//! - [`reference`]: plain keccak256 on `u64` lanes.
//!
//! To use the keccak table from another circuit, call [`KeccakConfig::configure`] inside its
//! `configure` with the challenge it builds input RLCs under, [`KeccakConfig::assign_fixed`] and
//! [`KeccakConfig::assign_advice`] from its assignment, and look up
//! `(1, rlc(input), len(input), hi, lo)` in [`KeccakConfig::keccak_table`], each entry multiplied
//! by the looking-up row's selector (the all-zero tuple is always in the table).

pub mod assign;
pub mod circuit;
pub mod config;
pub mod layout;
pub mod reference;
pub mod stats;
pub mod table;
pub mod witness;

pub use assign::{KeccakWitness, regions_in};
pub use circuit::{
    KeccakCircuit, KeccakError, MAX_CHUNK_BITS, MIN_CHUNK_BITS, ROWS_PER_PERMUTATION, capacity, choose_shape,
    keccak_constraint_system,
};
pub use config::KeccakConfig;
pub use stats::{KeccakStats, keccak_stats};

use ff::PrimeField;
use rebuttal_prover::arith::Fr;

/// The keccak table's `(hi, lo)` for a digest: its big-endian 128-bit halves.
pub fn digest_words(digest: &[u8; 32]) -> (Fr, Fr) {
    let half = |h: &[u8]| Fr::from_u128(u128::from_be_bytes(h.try_into().expect("16 bytes")));
    (half(&digest[..16]), half(&digest[16..]))
}

/// The keccak table's input commitment: `Σ bytes[i] · r^(len − 1 − i)` (0 for the empty input).
pub fn input_rlc(input: &[u8], r: Fr) -> Fr {
    input.iter().fold(Fr::from(0u64), |acc, &b| acc * r + Fr::from(b as u64))
}
