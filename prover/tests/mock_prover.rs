//! The MockProver on the feature circuits: valid witnesses pass; targeted invalid ones are
//! reported with the right check name and row.

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{Cell, Column};
use rebuttal_prover::mock::{MockOptions, MockProver, VerifyFailure};
use rebuttal_prover::testing::{Fibonacci, Memory, Product, RangeCheck, Rlc};

fn failures(prover: &MockProver) -> Vec<VerifyFailure> {
    prover.verify().expect_err("the tampered assignment must fail")
}

fn advice(prover: &MockProver, name: &str) -> Column {
    prover.cs().column_by_name(name).expect("column exists")
}

#[test]
fn fibonacci_valid_witness_passes() {
    let circuit = Fibonacci { start: (1, 1), steps: 10, claim: None };
    let prover = MockProver::run(5, &circuit).unwrap();
    prover.assert_satisfied();
    assert_eq!(circuit.terms()[11], Fr::from(144u64));
}

#[test]
fn fibonacci_tampered_term_fails_the_gate_at_each_row_that_reads_it() {
    let circuit = Fibonacci { start: (1, 1), steps: 10, claim: None };
    let mut prover = MockProver::run(5, &circuit).unwrap();
    let a = advice(&prover, "a");
    let old = prover.set_cell(Cell { column: a, row: 5 }, Fr::from(1000u64)).unwrap();
    assert_eq!(old, Fr::from(8u64));
    let f = failures(&prover);
    // Row 5 is read at rotation +1 by row 4, 0 by row 5 and −1 by row 6.
    for row in [4, 5, 6] {
        assert!(f.iter().any(|x| x.is_gate("fibonacci", row)), "row {row} missing in {f:?}");
    }
    assert_eq!(f.len(), 3, "{f:?}");
    let text = f[0].to_string();
    assert!(text.contains("gate `fibonacci`") && text.contains("a[5]") && text.contains("1000"), "{text}");
}

#[test]
fn fibonacci_wrong_public_claim_breaks_the_copy() {
    let circuit = Fibonacci { start: (1, 1), steps: 10, claim: Some([Fr::ONE, Fr::ONE, Fr::from(143u64)]) };
    let prover = MockProver::run(5, &circuit).unwrap();
    let f = failures(&prover);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].is_copy("a", 11) && f[0].is_copy("public", 2), "{}", f[0]);
}

#[test]
fn gate_without_selector_is_caught_on_random_reserved_rows() {
    // The Fibonacci selector is off on reserved rows, so it passes with random blinding rows...
    let circuit = Fibonacci { start: (2, 3), steps: 4, claim: None };
    MockProver::run(5, &circuit).unwrap().assert_satisfied();
    // ...whereas a selector that is on at the last usable row reads the first reserved row.
    let mut prover = MockProver::run(5, &circuit).unwrap();
    let q = prover.cs().column_by_name("q_fib").unwrap();
    let last = prover.usable_rows() - 1;
    prover.set_cell(Cell { column: q, row: last }, Fr::ONE);
    assert!(failures(&prover).iter().any(|x| x.is_gate("fibonacci", last)));
    // Without random reserved rows, zero advice there would hide nothing at this row either:
    // a[last] = a[last+1] = a[last-1] = 0 satisfies the gate.
    let mut zeroed =
        MockProver::run_with(5, &circuit, MockOptions { random_reserved_rows: false, ..Default::default() }).unwrap();
    zeroed.set_cell(Cell { column: q, row: last }, Fr::ONE);
    zeroed.assert_satisfied();
}

#[test]
fn range_lookup_accepts_bytes_and_names_the_row_of_a_non_byte() {
    let mut values: Vec<u64> = (0..300).map(|i| (i * 37) % 256).collect();
    let prover = MockProver::run(9, &RangeCheck { values: values.clone() }).unwrap();
    prover.assert_satisfied();

    values[123] = 256;
    values[200] = 1 << 40;
    let prover = MockProver::run(9, &RangeCheck { values }).unwrap();
    let f = failures(&prover);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f[0].is_lookup("v is a byte", 123), "{}", f[0]);
    assert!(f[1].is_lookup("v is a byte", 200), "{}", f[1]);
    assert!(f[0].to_string().contains("v[123] = 256"), "{}", f[0]);
}

#[test]
fn range_lookup_needs_enough_rows_for_its_table() {
    let err = MockProver::run(8, &RangeCheck { values: vec![1] }).expect_err("too few rows");
    assert!(err.to_string().contains("byte table needs 256 rows"), "{err}");
}

#[test]
fn dynamic_table_lookup_and_its_failures() {
    let memory: Vec<(u64, u64)> = (0..20).map(|i| (100 + i, 7 * i + 3)).collect();
    let reads = vec![(105, 38), (100, 3), (119, 136), (105, 38)];
    MockProver::run(6, &Memory { memory: memory.clone(), reads: reads.clone() }).unwrap().assert_satisfied();

    // A read of a value that is not at that address.
    let mut bad = reads.clone();
    bad[2] = (119, 137);
    let f = failures(&MockProver::run(6, &Memory { memory: memory.clone(), reads: bad }).unwrap());
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].is_lookup("memory read", 2));

    // Changing the table (advice) breaks the reads of the changed row and its public copy.
    let mut prover = MockProver::run(6, &Memory { memory, reads }).unwrap();
    let mem_value = advice(&prover, "mem_value");
    prover.set_cell(Cell { column: mem_value, row: 5 }, Fr::from(999u64));
    let f = failures(&prover);
    assert!(f.iter().any(|x| x.is_lookup("memory read", 0)), "{f:?}");
    assert!(f.iter().any(|x| x.is_lookup("memory read", 3)), "{f:?}");
    assert!(f.iter().any(|x| x.is_copy("mem_value", 5)), "{f:?}");
    assert_eq!(f.len(), 3, "{f:?}");
}

#[test]
fn three_phases_with_challenges() {
    let bytes: Vec<u8> = (0..40u32).map(|i| (i * 91 % 251) as u8).collect();
    let prover = MockProver::run(9, &Rlc { bytes: bytes.clone() }).unwrap();
    prover.assert_satisfied();
    assert_eq!(prover.cs().num_challenges(), 2);
    let stats = prover.stats();
    assert_eq!(stats.advice_columns, [1, 1, 1]);

    // The accumulator really is the RLC under the drawn challenge.
    let r = prover.challenges()[0];
    let expected = bytes.iter().fold(Fr::ZERO, |acc, b| acc * r + Fr::from(*b as u64));
    let acc = advice(&prover, "acc");
    assert_eq!(prover.cell(Cell { column: acc, row: bytes.len() - 1 }), Some(expected));

    // A different seed draws different challenges, and the witness follows them.
    let other =
        MockProver::run_with(9, &Rlc { bytes: bytes.clone() }, MockOptions { seed: 7, ..Default::default() }).unwrap();
    other.assert_satisfied();
    assert_ne!(other.challenges()[0], r);

    // Tampering with a phase-0 byte breaks the phase-1 gate at that row and the next.
    let mut tampered = prover.clone();
    let byte = advice(&tampered, "byte");
    tampered.set_cell(
        Cell { column: byte, row: 10 },
        Fr::from(5u64) + tampered.cell(Cell { column: byte, row: 10 }).unwrap(),
    );
    let f = failures(&tampered);
    assert!(f.iter().any(|x| x.is_gate("rlc step", 10)), "{f:?}");
    assert!(!f.iter().any(|x| x.is_gate("rlc step", 11)), "row 11 reads only acc: {f:?}");

    // Tampering with the phase-2 column breaks only the scaling gate.
    let mut tampered = prover.clone();
    let scaled = advice(&tampered, "scaled");
    tampered.set_cell(Cell { column: scaled, row: 0 }, Fr::ONE);
    let f = failures(&tampered);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].is_gate("scale", 0));
}

#[test]
fn product_gate_reports_the_row_and_cells() {
    let pairs: Vec<(u64, u64)> = (1..=12).map(|i| (i, i + 5)).collect();
    let mut prover = MockProver::run(5, &Product { pairs, forget_row: None }).unwrap();
    prover.assert_satisfied();
    let c = advice(&prover, "c");
    prover.set_cell(Cell { column: c, row: 7 }, Fr::from(3u64));
    let f = failures(&prover);
    assert_eq!(f.len(), 1);
    match &f[0] {
        VerifyFailure::Gate { gate, constraint, row, value, cells } => {
            assert_eq!((gate.as_str(), constraint.as_str(), *row), ("mul", "c = a · b", 7));
            // a = 8, b = 13, c = 3: the constraint evaluates to 104 − 3.
            assert_eq!(*value, Fr::from(101u64));
            let names: Vec<_> = cells.iter().map(|c| (c.name.as_str(), c.row, c.value)).collect();
            assert!(
                names.contains(&("a", 7, Fr::from(8u64))) && names.contains(&("c", 7, Fr::from(3u64))),
                "{names:?}"
            );
        }
        other => panic!("expected a gate failure, got {other}"),
    }
}

#[test]
fn many_failures_are_summarised() {
    let pairs: Vec<(u64, u64)> = (1..=200).map(|i| (i, 3)).collect();
    let mut prover = MockProver::run(8, &Product { pairs, forget_row: None }).unwrap();
    let a = advice(&prover, "a");
    for row in 0..100 {
        prover.set_cell(Cell { column: a, row }, Fr::ZERO);
    }
    let f = failures(&prover);
    assert_eq!(f.len(), rebuttal_prover::mock::MAX_REPORTED_PER_CHECK + 1);
    assert!(matches!(f.last(), Some(VerifyFailure::Omitted { count: 68, .. })), "{:?}", f.last());
}

#[test]
fn multiplicities_count_every_lookup_input() {
    let memory: Vec<(u64, u64)> = (0..4).map(|i| (i + 1, i + 10)).collect();
    let reads = vec![(2, 11), (2, 11), (4, 13)];
    let prover = MockProver::run(5, &Memory { memory, reads }).unwrap();
    let m = prover.table_multiplicities();
    assert_eq!(m.len(), 1);
    // Row 1 holds (2, 11), read twice; row 3 holds (4, 13), read once. All other usable rows of
    // the table are (0, 0) — the first of them (row 4) serves the unselected inputs (0, 0).
    assert_eq!(m[0][1], 2);
    assert_eq!(m[0][3], 1);
    assert_eq!(m[0][4] as usize, prover.usable_rows() - 3);
    assert_eq!(m[0].iter().sum::<u64>() as usize, prover.usable_rows());
}
