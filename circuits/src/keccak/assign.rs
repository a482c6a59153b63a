//! Filling the fixed columns (selectors, shifts, round constants, the lookup table) and the
//! advice columns, region by region in parallel.

use ff::Field;
use rayon::prelude::*;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, FixedAssignment, Phase};

use super::config::{DATA_ROWS, KeccakConfig, LAST_ROW, REGION_ROWS, SPARE_ROW};
use super::layout::{bits_of, sparse};
use super::reference::{RATE_LANES, ROUND_CONSTANTS};
use super::table::{CHI, PARITY, assign_table};
use super::witness::{Permutation, permutations, region_cells, rlc_cells};

/// The permutations to prove, in region order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeccakWitness {
    permutations: Vec<Permutation>,
}

impl KeccakWitness {
    /// The permutations hashing each of `inputs`, in order.
    pub fn new(inputs: &[Vec<u8>]) -> Self {
        Self { permutations: inputs.par_iter().flat_map_iter(|input| permutations(input)).collect() }
    }

    /// A witness from explicit permutations, in region order. The circuit checks every one of
    /// them; tests use this to build witnesses that must be rejected.
    pub fn from_permutations(permutations: Vec<Permutation>) -> Self {
        Self { permutations }
    }

    /// Number of keccak-f.
    pub fn num_permutations(&self) -> usize {
        self.permutations.len()
    }

    /// The permutations, in region order.
    pub fn permutations(&self) -> &[Permutation] {
        &self.permutations
    }
}

/// Regions (keccak-f) that fit in `usable_rows`.
pub fn regions_in(usable_rows: usize) -> usize {
    usable_rows / REGION_ROWS
}

impl KeccakConfig {
    /// Fills the fixed columns for as many regions as the usable rows hold.
    pub fn assign_fixed(&self, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        assign_table(fixed, self.layout.chunk_bits(), self.table_columns)?;
        let regions = regions_in(fixed.usable_rows());
        let q = self.q;
        let mut fill = |column, rows: &dyn Fn(usize) -> Option<Fr>| -> Result<(), AssignError> {
            let values = fixed.column_mut(column)?;
            for (row, v) in values.iter_mut().take(regions * REGION_ROWS).enumerate() {
                if let Some(x) = rows(row) {
                    *v = x;
                }
            }
            Ok(())
        };
        let one = |cond: bool| cond.then_some(Fr::ONE);
        fill(q.absorb, &|r| one(r % REGION_ROWS == 0))?;
        fill(q.first_absorb, &|r| one(r == 0))?;
        fill(q.later_absorb, &|r| one(r % REGION_ROWS == 0 && r > 0))?;
        fill(q.round, &|r| one(r % REGION_ROWS != 0))?;
        fill(q.last, &|r| one(r % REGION_ROWS == LAST_ROW))?;
        fill(q.not_last, &|r| one(r % REGION_ROWS != LAST_ROW))?;
        fill(q.data, &|r| one(r % REGION_ROWS < DATA_ROWS))?;
        fill(q.later_data, &|r| one((1..DATA_ROWS).contains(&(r % REGION_ROWS))))?;
        fill(q.last_data, &|r| one(r % REGION_ROWS == DATA_ROWS - 1))?;
        fill(q.no_data, &|r| one(r % REGION_ROWS >= DATA_ROWS))?;
        fill(q.spare, &|r| one(r % REGION_ROWS >= SPARE_ROW))?;
        fill(self.chi_tag, &|r| Some(Fr::from(if r % REGION_ROWS == 0 { PARITY } else { CHI })))?;

        let layout = &self.layout;
        let chunks = layout.chunks();
        for (k, ch) in chunks.iter().enumerate() {
            let constants: Vec<Fr> = ROUND_CONSTANTS
                .iter()
                .map(|&rc| Fr::from(sparse(bits_of(rc, ch.start, ch.len), ch.len) * layout.shift(ch.len)))
                .collect();
            fill(self.rc[k], &|r| (r % REGION_ROWS).checked_sub(1).map(|round| constants[round]))?;
        }
        Ok(())
    }

    /// The advice columns of phase 1, in the order region cells are computed in.
    pub(crate) fn phase_one_columns(&self) -> Vec<AdviceColumn> {
        let mut columns: Vec<AdviceColumn> = Vec::new();
        for group in [&self.chi, &self.c_out, &self.theta_in, &self.theta_out] {
            columns.extend(group.iter().flatten());
        }
        columns.extend(&self.iota);
        columns.extend(&self.c_top);
        for group in [&self.byte, &self.sparse, &self.is_data] {
            columns.extend(group);
        }
        columns.extend([self.is_first, self.is_final, self.len, self.hi, self.lo]);
        columns
    }

    /// Fills the advice columns of `phase` with `witness`'s permutations, then empty-input
    /// hashes in every remaining region.
    pub fn assign_advice(
        &self,
        witness: &KeccakWitness,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        let regions = regions_in(advice.usable_rows());
        let used = witness.permutations.len();
        if used > regions {
            return Err(AssignError::Circuit(format!(
                "{used} keccak-f do not fit in {regions} regions of {REGION_ROWS} rows"
            )));
        }
        let padding = &permutations(&[])[0];
        match phase {
            Phase::First => {
                let columns = self.phase_one_columns();
                let mut slot = vec![usize::MAX; columns.iter().map(|c| c.index() + 1).max().unwrap_or(0)];
                for (i, c) in columns.iter().enumerate() {
                    slot[c.index()] = i;
                }
                let width = columns.len();
                let padding_cells = region_cells(self, padding, &slot, width);
                advice.par_row_chunks(&columns, REGION_ROWS, |first_row, cols| {
                    let region = first_row / REGION_ROWS;
                    if region >= regions {
                        return Ok(());
                    }
                    let own;
                    let cells = match witness.permutations.get(region) {
                        Some(perm) => {
                            own = region_cells(self, perm, &slot, width);
                            &own
                        }
                        None => &padding_cells,
                    };
                    for (dst, src) in cols.iter_mut().zip(cells) {
                        dst.copy_from_slice(src);
                    }
                    Ok(())
                })
            }
            Phase::Second => {
                let r = challenges.get(self.challenge)?;
                // Each region's starting RLC: the previous region's final one within an input.
                let mut starts = Vec::with_capacity(used);
                let mut carried = Fr::ZERO;
                for perm in &witness.permutations {
                    let start = if perm.is_first { Fr::ZERO } else { carried };
                    starts.push(start);
                    carried = rlc_cells(perm, start, r).1;
                }
                let mut columns = self.acc.clone();
                columns.push(self.rlc);
                advice.par_row_chunks(&columns, REGION_ROWS, |first_row, cols| {
                    let region = first_row / REGION_ROWS;
                    let Some(perm) = witness.permutations.get(region) else {
                        // Empty inputs and spare rows: every accumulator is zero.
                        return Ok(());
                    };
                    let (slots, last) = rlc_cells(perm, starts[region], r);
                    let width = self.acc.len();
                    for row in 0..DATA_ROWS {
                        for j in 0..width {
                            cols[j][row] = slots[row * width + j];
                        }
                    }
                    cols[width][LAST_ROW] = last;
                    Ok(())
                })
            }
            Phase::Third => Ok(()),
        }
    }
}

// The block's lanes beyond the rate are zero: the absorb gate relies on it.
const _: () = assert!(RATE_LANES == DATA_ROWS);
