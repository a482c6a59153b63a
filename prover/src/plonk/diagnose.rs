//! Which of the proof's constraints fail, and where: for the prover's warning on a witness the
//! verifier will reject, and for soundness tests that must see the intended constraint fail.

use ff::Field;
use rayon::prelude::*;

use super::argument::Extended;
use crate::arith::Fr;
use crate::circuit::Program;
use crate::mock::{Columns, eval_block};

/// Rows per block when evaluating the constraints.
const BLOCK: usize = 32;

/// `(constraint index in ext.constraints, row)` pairs.
pub(crate) type Failing = Vec<(usize, usize)>;

/// Every `(constraint index in ext.constraints, row)` where the constraint is non-zero on the
/// domain of `n` rows, from the columns' `values` there; sorted by row, then constraint.
pub(crate) fn failing_constraints(
    ext: &Extended,
    values: Columns<'_>,
    n: usize,
    challenges: &[Fr],
) -> Vec<(usize, usize)> {
    let program = Program::compile(ext.constraints.iter().map(|(_, e)| e));
    let program = &program;
    let bound = values.bind(program);
    let mut failing: Failing = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .flat_map_iter(|b| {
            let mut scratch = Vec::new();
            let start = b * BLOCK;
            let len = BLOCK.min(n - start);
            eval_block(program, &bound, start, len, n, challenges, &mut scratch);
            let mut found = Vec::new();
            for c in 0..program.num_outputs() {
                for (i, v) in program.block_output(&scratch, c, len).iter().enumerate() {
                    if !bool::from(v.is_zero()) {
                        found.push((c, start + i));
                    }
                }
            }
            found
        })
        .collect();
    failing.sort_by_key(|&(c, row)| (row, c));
    failing
}
