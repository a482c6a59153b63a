//! The direct-assignment paths (single cells, column slices, several columns, row-major regions,
//! parallel row chunks) write exactly the same values.

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment, Phase,
};
use rebuttal_prover::mock::MockProver;

const ROWS: usize = 1000;

fn value(column: usize, row: usize) -> Fr {
    Fr::from((row * 31 + column * 7 + 1) as u64).square()
}

#[derive(Clone)]
struct FivePaths;

impl Circuit for FivePaths {
    type Config = [AdviceColumn; 10];

    fn configure(&self, cs: &mut ConstraintSystem) -> [AdviceColumn; 10] {
        std::array::from_fn(|_| cs.advice_column(Phase::First))
    }

    fn assign_fixed(&self, _: &[AdviceColumn; 10], _: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &[AdviceColumn; 10],
        phase: Phase,
        _: &ChallengeValues<'_>,
        a: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase != Phase::First {
            return Ok(());
        }
        // Columns (0,1): set(); (2,3): column_mut / columns_mut; (4,5): assign_rows in two blocks;
        // (6,7): par_row_chunks with an odd chunk size; (8,9) stay zero.
        for row in 0..ROWS {
            a.set(c[0], row, value(0, row))?;
            a.set(c[1], row, value(1, row))?;
        }
        for (row, slot) in a.column_mut(c[2])?.iter_mut().take(ROWS).enumerate() {
            *slot = value(0, row);
        }
        let mut both = a.columns_mut(&[c[3]])?;
        for (row, slot) in both[0].iter_mut().take(ROWS).enumerate() {
            *slot = value(1, row);
        }
        let block = |rows: std::ops::Range<usize>| rows.flat_map(|r| [value(0, r), value(1, r)]).collect::<Vec<_>>();
        a.assign_rows(0, &[c[4], c[5]], &block(0..400))?;
        a.assign_rows(400, &[c[4], c[5]], &block(400..ROWS))?;
        a.par_row_chunks(&[c[6], c[7]], 77, |first, cols| {
            for r in 0..cols[0].len() {
                let row = first + r;
                if row < ROWS {
                    cols[0][r] = value(0, row);
                    cols[1][r] = value(1, row);
                }
            }
            Ok(())
        })
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn every_path_writes_the_same_values() {
    let prover = MockProver::run(11, &FivePaths).unwrap();
    let advice = prover.advice();
    let usable = prover.usable_rows();
    for pair in [[0, 1], [2, 3], [4, 5], [6, 7]] {
        for (i, &col) in pair.iter().enumerate() {
            for (row, v) in advice[col][..ROWS].iter().enumerate() {
                assert_eq!(*v, value(i, row), "column {col} row {row}");
            }
            assert!(advice[col][ROWS..usable].iter().all(|v| v.is_zero_vartime()), "column {col} past the data");
        }
    }
    assert!(advice[8][..usable].iter().all(|v| v.is_zero_vartime()));
}

#[test]
fn parallel_chunks_cover_every_usable_row_once() {
    #[derive(Clone)]
    struct Count;
    impl Circuit for Count {
        type Config = AdviceColumn;
        fn configure(&self, cs: &mut ConstraintSystem) -> AdviceColumn {
            cs.advice_column(Phase::First)
        }
        fn assign_fixed(&self, _: &AdviceColumn, _: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
            Ok(())
        }
        fn assign_advice(
            &self,
            c: &AdviceColumn,
            phase: Phase,
            _: &ChallengeValues<'_>,
            a: &mut AdviceAssignment<'_>,
        ) -> Result<(), AssignError> {
            if phase != Phase::First {
                return Ok(());
            }
            a.par_row_chunks(&[*c], 10, |first, cols| {
                for (r, v) in cols[0].iter_mut().enumerate() {
                    *v += Fr::from((first + r) as u64 + 1);
                }
                Ok(())
            })?;
            assert!(matches!(a.par_row_chunks(&[*c], 0, |_, _| Ok(())), Err(AssignError::EmptyChunk)));
            let failed = a.par_row_chunks(&[*c], 13, |first, _| {
                if first == 13 * 3 { Err(AssignError::Circuit("chunk 3 failed".into())) } else { Ok(()) }
            });
            assert_eq!(failed, Err(AssignError::Circuit("chunk 3 failed".into())));
            Ok(())
        }
        fn instances(&self) -> Vec<Vec<Fr>> {
            Vec::new()
        }
    }
    let prover = MockProver::run(7, &Count).unwrap();
    for row in 0..prover.usable_rows() {
        assert_eq!(prover.advice()[0][row], Fr::from(row as u64 + 1), "row {row}");
    }
}
