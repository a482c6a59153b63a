//! The MockProver rejects tampered keccak witnesses, each by the gate or lookup that guards the
//! tampered value; the mutation sweep finds no unconstrained cell in the region of a first and a
//! continuing block nor in the keccak table rows.

mod common;

use common::{CHUNK_BITS, K, circuit, column, mock};
use ff::{Field, PrimeField};
use rebuttal_circuits::keccak::witness::permutations;
use rebuttal_circuits::keccak::{KeccakConfig, KeccakWitness};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment, Phase,
};
use rebuttal_prover::mock::{MockProver, SweepOptions, VerifyFailure};

/// The last row of region `p`: the keccak table row.
fn table_row(p: usize) -> usize {
    25 * p + 24
}

fn failures(prover: &MockProver) -> Vec<VerifyFailure> {
    prover.verify().expect_err("the tampered witness must be rejected")
}

fn assert_gate(failures: &[VerifyFailure], gate: &str, constraint: &str, row: usize) {
    let found = failures.iter().any(|f| {
        matches!(f, VerifyFailure::Gate { gate: g, constraint: c, row: r, .. } if g == gate && c == constraint && *r == row)
    });
    let all: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(found, "expected gate `{gate}/{constraint}` at row {row}, got:\n{}", all.join("\n"));
}

fn assert_lookup(failures: &[VerifyFailure], prefix: &str, row: usize) {
    let found = failures
        .iter()
        .any(|f| matches!(f, VerifyFailure::Lookup { lookup, row: r, .. } if lookup.starts_with(prefix) && *r == row));
    let all: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(found, "expected lookup `{prefix}…` at row {row}, got:\n{}", all.join("\n"));
}

fn set(prover: &mut MockProver, name: &str, row: usize, value: Fr) -> Fr {
    let cell = column(prover, name).cell(row);
    prover.set_cell(cell, value).expect("cell exists")
}

fn get(prover: &MockProver, name: &str, row: usize) -> Fr {
    prover.cell(column(prover, name).cell(row)).expect("cell exists")
}

/// The keccak circuit over an explicit (possibly dishonest) witness.
struct Explicit(KeccakWitness);

impl Circuit for Explicit {
    type Config = KeccakConfig;
    fn configure(&self, cs: &mut ConstraintSystem) -> KeccakConfig {
        let challenge = cs.challenge_usable_after(Phase::First);
        KeccakConfig::configure(cs, CHUNK_BITS, challenge)
    }
    fn assign_fixed(&self, config: &KeccakConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        config.assign_fixed(fixed)
    }
    fn assign_advice(
        &self,
        config: &KeccakConfig,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        config.assign_advice(&self.0, phase, challenges, advice)
    }
    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn a_wrong_output_bit_is_rejected() {
    let prover0 = mock(&circuit(vec![b"abc".to_vec()]));
    // Flip bit 0 of output byte 0 consistently in the byte and its sparse form (so the byte
    // lookup still holds): the squeeze gate sees a lane that is not the state.
    let mut prover = prover0.clone();
    let byte = get(&prover, "byte[0]", 17);
    let sparse = get(&prover, "sparse[0]", 17);
    let one = Fr::ONE;
    let flipped = if byte.is_odd().into() { (byte - one, sparse - one) } else { (byte + one, sparse + one) };
    set(&mut prover, "byte[0]", 17, flipped.0);
    set(&mut prover, "sparse[0]", 17, flipped.1);
    assert_gate(&failures(&prover), "squeeze", "lane 0 = output bytes", table_row(0));

    // A wrong bit in the exposed half.
    let mut prover = prover0.clone();
    let lo = get(&prover, "lo", table_row(0));
    set(&mut prover, "lo", table_row(0), lo + one);
    assert_gate(&failures(&prover), "squeeze", "lo = big-endian output bytes", table_row(0));

    // A wrong bit in the final state itself (the last χ output) breaks the χ lookup.
    let mut prover = prover0;
    let chi = get(&prover, "chi[1][0]", table_row(0));
    set(&mut prover, "chi[1][0]", table_row(0), chi + Fr::from(8u64.pow(CHUNK_BITS as u32 - 1)));
    assert_lookup(&failures(&prover), "χ [1][0]", table_row(0));
}

#[test]
fn wrong_padding_is_rejected() {
    // "abc" padded with 0x02 instead of 0x01, the permutation computed honestly over that block.
    let mut perm = permutations(b"abc")[0].clone();
    perm.block[3] = 0x02;
    let prover = MockProver::run(K, &Explicit(KeccakWitness::from_permutations(vec![perm.clone()]))).unwrap();
    assert_gate(&failures(&prover), "bytes", "padding [3]", 0);

    // Missing final 0x80.
    let mut perm = permutations(b"abc")[0].clone();
    perm.block[135] = 0x00;
    let prover = MockProver::run(K, &Explicit(KeccakWitness::from_permutations(vec![perm]))).unwrap();
    assert_gate(&failures(&prover), "bytes", "padding [7]", 16);

    // A block that claims to be final but is all data (no padding at all).
    let mut perm = permutations(&[7u8; 200])[0].clone();
    perm.is_final = true;
    let prover = MockProver::run(K, &Explicit(KeccakWitness::from_permutations(vec![perm]))).unwrap();
    assert_gate(&failures(&prover), "bytes", "the last block ends in padding", 16);
}

#[test]
fn a_wrong_length_in_the_table_is_rejected() {
    let mut prover = mock(&circuit(vec![vec![1, 2, 3, 4, 5], vec![9; 150]]));
    // Region 0 holds the 5-byte input; regions 1 and 2 the 150-byte one.
    let len = get(&prover, "len", table_row(0));
    assert_eq!(len, Fr::from(5u64));
    set(&mut prover, "len", table_row(0), len + Fr::ONE);
    let f = failures(&prover);
    assert_gate(&f, "keccak table", "len = carried + data bytes", table_row(0));

    // The length of a continued input counts both blocks.
    let mut prover = mock(&circuit(vec![vec![1, 2, 3, 4, 5], vec![9; 150]]));
    assert_eq!(get(&prover, "len", table_row(2)), Fr::from(150u64));
    set(&mut prover, "len", table_row(2), Fr::from(14u64));
    assert_gate(&failures(&prover), "keccak table", "len = carried + data bytes", table_row(2));

    // Claiming a data byte is padding changes the count as well as the padding rule.
    let mut prover = mock(&circuit(vec![vec![1, 2, 3, 4, 5]]));
    set(&mut prover, "is_data[4]", 0, Fr::ZERO);
    let f = failures(&prover);
    assert_gate(&f, "keccak table", "len = carried + data bytes", table_row(0));
}

#[test]
fn a_skipped_round_is_rejected() {
    let prover0 = mock(&circuit(vec![b"skip".to_vec()]));
    // Round 5 (row 6) claims the state of round 4 (row 5) unchanged: every χ/ι output of row 6
    // replaced by row 5's.
    let mut prover = prover0.clone();
    let names: Vec<String> = prover
        .cs()
        .advice_columns()
        .map(|c| prover.cs().column_name(c.into()).to_string())
        .filter(|n| n.starts_with("chi[") || n.starts_with("iota["))
        .collect();
    for name in &names {
        let v = get(&prover, name, 5);
        set(&mut prover, name, 6, v);
    }
    let f = failures(&prover);
    assert_lookup(&f, "χ [", 6);

    // Skipping a round by dropping its round constant: ι of row 6 computed without it.
    let mut prover = prover0;
    for k in 0..22 {
        let chi = get(&prover, &format!("chi[0][{k}]"), 6);
        set(&mut prover, &format!("iota[{k}]"), 6, chi);
    }
    assert_lookup(&failures(&prover), "ι [", 6);
}

#[test]
fn a_table_row_whose_commitment_does_not_match_its_bytes_is_rejected() {
    let mut prover = mock(&circuit(vec![b"commit to me".to_vec()]));
    let rlc = get(&prover, "rlc", table_row(0));
    set(&mut prover, "rlc", table_row(0), rlc + Fr::ONE);
    assert_gate(&failures(&prover), "keccak table", "rlc = last acc", table_row(0));

    // Changing a data byte (with its sparse form) breaks the absorbed block.
    let mut prover = mock(&circuit(vec![b"commit to me".to_vec()]));
    set(&mut prover, "byte[2]", 0, Fr::from(b'n' as u64));
    set(&mut prover, "sparse[2]", 0, Fr::from(rebuttal_circuits::keccak::layout::sparse(b'n' as u64, 8)));
    let f = failures(&prover);
    assert_gate(&f, "input rlc", "acc[2]", 0);
    assert_gate(&f, "absorb", "lane 0 = block bytes", 0);
}

#[test]
fn mutation_sweep_finds_no_free_cell() {
    // Region 0: a first block; region 1: a continuing, final block; then the empty-input
    // regions. Every advice cell of region 1 (whose absorb and table rows carry state, length and
    // RLC over from region 0), a seeded sample of region 0, and the table rows of all regions.
    let prover = mock(&circuit(vec![vec![0xab; 140]]));
    let report = prover.mutation_sweep(&SweepOptions { rows: Some(25..50), ..Default::default() }).unwrap();
    assert!(report.cells_checked > 25 * 1800, "{report}");
    assert!(report.all_constrained(), "{report}");
    let sample = SweepOptions { rows: Some(0..25), sample: Some(2000), seed: 7, ..Default::default() };
    let report = prover.mutation_sweep(&sample).unwrap();
    assert!(report.all_constrained(), "{report}");

    let table_columns: Vec<_> = ["is_final", "is_first", "len", "rlc", "hi", "lo"]
        .iter()
        .map(|n| match column(&prover, n) {
            rebuttal_prover::circuit::Column::Advice(a) => a,
            _ => unreachable!("advice"),
        })
        .collect();
    let regions = prover.usable_rows() / 25;
    for p in 0..regions {
        let rows = table_row(p)..table_row(p) + 1;
        let report = prover
            .mutation_sweep(&SweepOptions {
                columns: Some(table_columns.clone()),
                rows: Some(rows),
                ..Default::default()
            })
            .unwrap();
        assert!(report.all_constrained(), "region {p}: {report}");
    }
}
