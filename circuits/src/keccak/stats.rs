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

#[cfg(test)]
mod tests {
    use rebuttal_prover::plonk::argument::Extended;

    use super::*;
    use crate::keccak::{MAX_CHUNK_BITS, MIN_CHUNK_BITS};

    #[test]
    fn logup_batching_keeps_the_quotient_domain_and_meets_the_cost_target() {
        for chunk_bits in MIN_CHUNK_BITS..=MAX_CHUNK_BITS {
            let (cs, _) = keccak_constraint_system(chunk_bits).unwrap();
            let plan = cs.logup_plan();
            // A higher degree, but the same extended domain for the quotient.
            assert!(plan.degree >= cs.degree());
            assert_eq!(plan.degree.next_power_of_two(), cs.degree().next_power_of_two(), "{chunk_bits} bits");
            let ext = Extended::new(&cs);
            for (name, e) in &ext.constraints {
                assert!(e.degree() <= plan.degree, "{chunk_bits} bits: {name}");
            }
            // Every lookup is in exactly one group.
            let mut grouped: Vec<usize> = plan
                .tables
                .iter()
                .flat_map(|t| t.in_running_sum.iter().chain(t.helpers.iter().flatten()))
                .copied()
                .collect();
            grouped.sort();
            assert_eq!(grouped, (0..cs.lookups().len()).collect::<Vec<_>>());
        }
        // ≤ 30,000 committed cells per keccak-f (7-bit chunks; 39,475 before batching).
        let stats = keccak_stats(7, 19).unwrap();
        assert!(stats.committed_cells_per_permutation <= 30_000, "{}", stats.committed_cells_per_permutation);
    }
}
