//! Cost figures of the keccak circuit, per circuit and per keccak-f.

use std::fmt;

use rebuttal_prover::circuit::CircuitStats;

use super::circuit::{KeccakError, capacity, keccak_constraint_system};
use super::config::REGION_ROWS;

/// The keccak circuit's statistics at one shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeccakStats {
    /// The constraint system's report (from the shape alone: `rows_used` is 0).
    pub circuit: CircuitStats,
    pub chunk_bits: usize,
    /// keccak-f the domain holds.
    pub permutations: usize,
    pub rows_per_permutation: usize,
    /// The circuit's own advice columns × rows per keccak-f.
    pub advice_cells_per_permutation: usize,
    /// Every committed column (advice, logUp helpers, permutation, quotient) × rows per keccak-f.
    pub committed_cells_per_permutation: usize,
    /// Lookup inputs evaluated per keccak-f (lookups × rows).
    pub lookups_per_permutation: usize,
    /// All committed cells of the domain divided by the keccak-f it holds (counts the rows that
    /// only hold the lookup table or are reserved).
    pub committed_cells_per_permutation_amortised: usize,
}

/// Statistics of the keccak circuit with `chunk_bits`-bit chunks at `2^k` rows.
pub fn keccak_stats(chunk_bits: usize, k: u32) -> Result<KeccakStats, KeccakError> {
    let (cs, _) = keccak_constraint_system(chunk_bits)?;
    let permutations = capacity(chunk_bits, k)?;
    let circuit = CircuitStats::new(&cs, k, &[], &[], 0);
    let advice: usize = circuit.advice_columns.iter().sum();
    Ok(KeccakStats {
        chunk_bits,
        permutations,
        rows_per_permutation: REGION_ROWS,
        advice_cells_per_permutation: advice * REGION_ROWS,
        committed_cells_per_permutation: circuit.committed.total() * REGION_ROWS,
        lookups_per_permutation: circuit.lookups * REGION_ROWS,
        committed_cells_per_permutation_amortised: circuit.committed_cells() / permutations.max(1),
        circuit,
    })
}

impl fmt::Display for KeccakStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.circuit)?;
        writeln!(f, "chunk size       {} bits", self.chunk_bits)?;
        writeln!(f, "keccak-f         {} per circuit, {} rows each", self.permutations, self.rows_per_permutation)?;
        writeln!(
            f,
            "per keccak-f     {} advice cells, {} committed cells ({} amortised over the domain), {} lookups",
            self.advice_cells_per_permutation,
            self.committed_cells_per_permutation,
            self.committed_cells_per_permutation_amortised,
            self.lookups_per_permutation
        )
    }
}
