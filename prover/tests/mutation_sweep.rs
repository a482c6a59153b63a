//! The mutation sweep finds planted unconstrained cells, finds none in correct circuits, and its
//! incremental check agrees with a full re-verification.

use ff::Field;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, Cell, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment,
    FixedColumn, Phase,
};
use rebuttal_prover::mock::{MockProver, SweepError, SweepOptions};
use rebuttal_prover::testing::{Fibonacci, Memory, Product, RangeCheck, Rlc};

fn rows(r: std::ops::Range<usize>) -> SweepOptions {
    SweepOptions { rows: Some(r), ..Default::default() }
}

#[test]
fn finds_the_planted_free_cells() {
    let pairs: Vec<(u64, u64)> = (1..=10).map(|i| (i, 2 * i + 1)).collect();
    let prover = MockProver::run(5, &Product { pairs, forget_row: Some(4) }).unwrap();
    let report = prover.mutation_sweep(&rows(0..10)).unwrap();
    assert_eq!(report.cells_checked, 30);
    let free: Vec<(String, usize)> = report.unconstrained.iter().map(|u| (u.name.clone(), u.cell.row)).collect();
    assert_eq!(free, vec![("a".into(), 4), ("b".into(), 4), ("c".into(), 4)], "{report}");
    // The accepted value really passes a full check.
    let mut mutated = prover.clone();
    let u = &report.unconstrained[0];
    mutated.set_cell(u.cell, u.accepted);
    mutated.assert_satisfied();
}

#[test]
fn a_zero_factor_leaves_the_other_factor_free() {
    // c = a · b with b = 0 does not determine a: the sweep says so.
    let prover = MockProver::run(5, &Product { pairs: vec![(3, 4), (5, 0), (6, 7)], forget_row: None }).unwrap();
    let report = prover.mutation_sweep(&rows(0..3)).unwrap();
    let free: Vec<(String, usize)> = report.unconstrained.iter().map(|u| (u.name.clone(), u.cell.row)).collect();
    assert_eq!(free, vec![("a".into(), 1)], "{report}");
}

#[test]
fn correct_circuits_have_no_free_cell() {
    let fib = MockProver::run(5, &Fibonacci { start: (3, 5), steps: 12, claim: None }).unwrap();
    let report = fib.mutation_sweep(&rows(0..14)).unwrap();
    assert_eq!(report.cells_checked, 14);
    assert!(report.all_constrained(), "{report}");

    let memory: Vec<(u64, u64)> = (0..16).map(|i| (1000 + 3 * i, 17 * i + 5)).collect();
    let reads: Vec<(u64, u64)> = [3, 0, 15, 7, 7, 9].iter().map(|&i| memory[i]).collect();
    let mem = MockProver::run(6, &Memory { memory, reads }).unwrap();
    let report = mem.mutation_sweep(&rows(0..16)).unwrap();
    // Read rows past the sixth are unselected; restrict those columns to the read rows.
    let reads_ok = report.unconstrained.iter().all(|u| {
        let name = u.name.as_str();
        (name == "read_addr" || name == "read_value") && u.cell.row >= 6
    });
    assert!(reads_ok, "{report}");
    assert_eq!(report.unconstrained.len(), 2 * 10, "{report}");

    let bytes: Vec<u8> = (0..50u32).map(|i| (i * 97 % 256) as u8).collect();
    let rlc = MockProver::run(9, &Rlc { bytes }).unwrap();
    let report = rlc.mutation_sweep(&rows(0..50)).unwrap();
    assert_eq!(report.cells_checked, 150);
    assert!(report.all_constrained(), "{report}");
}

#[test]
fn a_range_check_alone_leaves_values_free_within_the_range() {
    let values: Vec<u64> = vec![0, 17, 255, 128, 255];
    let prover = MockProver::run(9, &RangeCheck { values }).unwrap();
    let report = prover.mutation_sweep(&rows(0..5)).unwrap();
    // v + 1 is still a byte except for 255.
    let free: Vec<usize> = report.unconstrained.iter().map(|u| u.cell.row).collect();
    assert_eq!(free, vec![0, 1, 3], "{report}");
}

#[test]
fn sampling_is_seeded_and_bounded() {
    let pairs: Vec<(u64, u64)> = (1..=20).map(|i| (i, i + 1)).collect();
    let prover = MockProver::run(6, &Product { pairs, forget_row: Some(3) }).unwrap();
    let opts = SweepOptions { rows: Some(0..20), sample: Some(12), seed: 42, ..Default::default() };
    let a = prover.mutation_sweep(&opts).unwrap();
    let b = prover.mutation_sweep(&opts).unwrap();
    assert_eq!(a.cells_checked, 12);
    assert_eq!(a, b);
    assert!(a.unconstrained.iter().all(|u| u.cell.row == 3));
}

#[test]
fn an_invalid_baseline_or_bad_range_is_an_error() {
    let mut prover = MockProver::run(5, &Product { pairs: vec![(2, 3)], forget_row: None }).unwrap();
    assert!(matches!(prover.mutation_sweep(&rows(0..100)), Err(SweepError::RowsOutOfRange { .. })));
    let c = prover.cs().column_by_name("c").unwrap();
    prover.set_cell(Cell { column: c, row: 0 }, Fr::from(7u64));
    let err = prover.mutation_sweep(&SweepOptions::default()).unwrap_err();
    assert!(err.to_string().contains("gate `mul`"), "{err}");
}

/// A dynamic table with no constraints of its own (duplicates allowed) and reads into it: the
/// awkward cases for the incremental lookup check.
#[derive(Debug, Clone)]
struct LooseTable {
    table: Vec<(u64, u64)>,
    reads: Vec<(u64, u64)>,
}

#[derive(Debug, Clone)]
struct LooseCfg {
    q: FixedColumn,
    t: [AdviceColumn; 2],
    r: [AdviceColumn; 2],
}

impl Circuit for LooseTable {
    type Config = LooseCfg;

    fn configure(&self, cs: &mut ConstraintSystem) -> LooseCfg {
        let q = cs.fixed_column();
        let t = [cs.named_advice("t0", Phase::First), cs.named_advice("t1", Phase::First)];
        let r = [cs.named_advice("r0", Phase::First), cs.named_advice("r1", Phase::First)];
        let table = cs.lookup_table("loose", vec![t[0].cur(), t[1].cur()]);
        cs.lookup("read", vec![q.cur() * r[0].cur(), q.cur() * r[1].cur()], table);
        // A second lookup into the same table, reading the next row's read.
        cs.lookup("read next", vec![q.cur() * r[0].next(), q.cur() * r[1].next()], table);
        LooseCfg { q, t, r }
    }

    fn assign_fixed(&self, c: &LooseCfg, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for row in 0..self.reads.len() {
            fixed.set(c.q, row, Fr::ONE)?;
        }
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &LooseCfg,
        phase: Phase,
        _: &ChallengeValues<'_>,
        a: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase == Phase::First {
            let flat = |v: &[(u64, u64)]| v.iter().flat_map(|&(x, y)| [Fr::from(x), Fr::from(y)]).collect::<Vec<_>>();
            a.assign_rows(0, &c.t, &flat(&self.table))?;
            a.assign_rows(0, &c.r, &flat(&self.reads))?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn incremental_check_agrees_with_full_verification() {
    let table = vec![(1, 10), (2, 20), (3, 30), (2, 20), (4, 40), (5, 50)];
    // (2, 20) is duplicated; (4, 40) is never read; the last read is followed by a zero row.
    let reads = vec![(1, 10), (2, 20), (3, 30), (2, 20), (5, 50)];
    let prover = MockProver::run(5, &LooseTable { table: table.clone(), reads: reads.clone() }).unwrap();
    prover.assert_satisfied();
    let cs = prover.cs();
    let column = |name: &str| match cs.column_by_name(name).unwrap() {
        rebuttal_prover::circuit::Column::Advice(a) => a,
        other => panic!("{other:?}"),
    };
    let cols = ["t0", "t1", "r0", "r1"].map(column);

    let mut rng = StdRng::seed_from_u64(9);
    let mut compared = 0;
    let mut noticed = 0;
    for &col in &cols {
        for row in 0..8 {
            let original = prover.advice()[col.index()][row];
            // Candidate values: neighbours in the table, small changes, zero, random.
            let mut candidates = vec![Fr::ZERO, original + Fr::ONE, Fr::random(&mut rng)];
            for &(x, y) in &table {
                candidates.push(Fr::from(x));
                candidates.push(Fr::from(y));
            }
            candidates.push(Fr::from(rng.gen_range(0..60u64)));
            for value in candidates {
                if value == original {
                    continue;
                }
                let fast = prover.mutation_noticed(col, row, value).unwrap();
                let mut slow = prover.clone();
                slow.set_cell(col.cell(row), value);
                let full = slow.verify().is_err();
                assert_eq!(fast, full, "{} row {row} := {value:?}", cs.column_name(col.into()));
                compared += 1;
                noticed += full as usize;
            }
        }
    }
    // Both outcomes occur, so the comparison means something.
    assert!(noticed > 20 && compared - noticed > 20, "{noticed} of {compared}");

    // The specific cases: a read table row that is unique breaks; its duplicate does not; an
    // unread row does not.
    assert!(prover.mutation_noticed(cols[1], 0, Fr::from(11u64)).unwrap());
    assert!(!prover.mutation_noticed(cols[1], 3, Fr::from(21u64)).unwrap());
    assert!(!prover.mutation_noticed(cols[1], 4, Fr::from(41u64)).unwrap());
}
