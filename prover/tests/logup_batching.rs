//! logUp batching: lookups of one table share helper columns. Groups of one, two and three
//! lookups (and lookups in the running-sum step itself) prove and verify; an input missing from
//! the table in any position of any group is rejected by the MockProver and by the verifier.
//! (Forged helper, running-sum and multiplicity columns: `plonk::logup`'s unit tests, which
//! reach the prover's internal forging hook.)

use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{Circuit, ConstraintSystem, LogUpPlan};
use rebuttal_prover::mock::MockProver;
use rebuttal_prover::plonk::{ProvingKey, VerifyError, keygen, prove, verify};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::LookupBatches;

const K: u32 = 9;

fn constraint_system<C: Circuit>(circuit: &C) -> ConstraintSystem {
    let mut cs = ConstraintSystem::new();
    circuit.configure(&mut cs);
    cs
}

fn setup<C: Circuit>(circuit: &C) -> ProvingKey {
    let srs = Srs::unsafe_setup(K, 7).unwrap();
    keygen(&srs, circuit, K, &CpuBackend).unwrap()
}

/// Degrees 1, 1 | 3 | 1, 2 | 1, 1, 1 under the bound 5 (table fraction of degree 1): the step
/// holds two lookups, then helpers of one, two and three lookups.
fn mixed() -> LookupBatches {
    LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1])
}

#[test]
fn the_plan_fills_groups_in_lookup_order_within_the_degree() {
    let cs = constraint_system(&mixed());
    assert_eq!(cs.degree(), 5);
    let plan = cs.logup_plan();
    // Bound 5 costs 3 helpers + m + φ + 4 quotient pieces = 9 columns; 6, 7 and 8 cost 10.
    assert_eq!((plan.bound, plan.degree), (5, 5));
    assert_eq!(plan.tables.len(), 1, "the table no lookup reads gets no columns");
    let t = &plan.tables[0];
    assert_eq!(t.table, 0);
    assert_eq!(t.in_running_sum, vec![0, 1]);
    assert_eq!(t.helpers, vec![vec![2], vec![3, 4], vec![5, 6, 7]]);
    for bound in 6..=8 {
        let other = LogUpPlan::with_bound(&cs, bound);
        assert!(other.committed_columns() + other.degree > plan.committed_columns() + plan.degree, "bound {bound}");
    }
    let committed = cs.committed_columns();
    assert_eq!((committed.lookup, committed.quotient), (5, 4));

    // Every constraint of the proof stays within the plan's degree.
    let pk = setup(&mixed());
    let ext = pk.vk().extended();
    for (name, e) in &ext.constraints {
        assert!(e.degree() <= plan.degree, "{name} has degree {}", e.degree());
    }
    let names: Vec<&str> = pk.vk().constraint_names().collect();
    assert!(names.contains(&"table `bytes` running sum step"));
    assert!(names.iter().any(|n| n.starts_with("table `bytes` helper 2 = Σ 1/(β+f) over `v[5] is a byte`")));
}

#[test]
fn groups_of_one_two_and_three_prove_and_verify() {
    let circuit = mixed();
    MockProver::run(K, &circuit).unwrap().assert_satisfied();
    let pk = setup(&circuit);
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &[], &proof).unwrap();
}

#[test]
fn an_input_missing_from_the_table_in_each_position_of_each_group_is_rejected() {
    let honest = mixed();
    let pk = setup(&honest);
    // (lookup, where it sits): every position of the step and of each helper.
    for lookup in 0..honest.degrees.len() {
        let row = 3 + 2 * lookup;
        let mut bad = honest.clone();
        bad.overrides.push((lookup, row, 256 + lookup as u64));
        let failures = MockProver::run(K, &bad).unwrap().verify().unwrap_err();
        assert!(
            failures.iter().any(|f| f.is_lookup(&LookupBatches::lookup_name(lookup), row)),
            "lookup {lookup}: {failures:?}"
        );
        let proof = prove(&pk, &bad, &CpuBackend).unwrap();
        assert_eq!(verify(pk.vk(), &[], &proof), Err(VerifyError::ConstraintsNotSatisfied), "lookup {lookup}");
    }
}

#[test]
fn a_table_split_over_many_groups_under_a_raised_degree_proves_and_verifies() {
    // Eight degree-3 lookups: alone under the bound 5 (8 helpers + 2 + 4 quotient pieces = 14
    // columns); under 8 (same extended domain) one sits in the step and the rest go in pairs
    // (4 helpers + 2 + 7 = 13), so the plan raises the degree.
    let circuit = LookupBatches::new(vec![3; 8]);
    let cs = constraint_system(&circuit);
    assert_eq!(cs.degree(), 5);
    let plan = cs.logup_plan();
    assert_eq!((plan.bound, plan.degree), (8, 8));
    assert_eq!(plan.tables[0].in_running_sum, vec![0]);
    assert_eq!(plan.tables[0].helpers, vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7]]);
    let alone = LogUpPlan::with_bound(&cs, 5);
    assert_eq!(alone.tables[0].helpers, (0..8).map(|l| vec![l]).collect::<Vec<_>>());

    MockProver::run(K, &circuit).unwrap().assert_satisfied();
    let pk = setup(&circuit);
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    verify(pk.vk(), &[], &proof).unwrap();
    for lookup in [0, 1, 2, 7] {
        let mut bad = circuit.clone();
        bad.overrides.push((lookup, 10, 1000));
        assert!(MockProver::run(K, &bad).unwrap().verify().is_err());
        let proof = prove(&pk, &bad, &CpuBackend).unwrap();
        assert_eq!(verify(pk.vk(), &[], &proof), Err(VerifyError::ConstraintsNotSatisfied), "lookup {lookup}");
    }
}

#[test]
fn a_lookup_too_wide_for_the_bound_keeps_a_helper_of_its_own() {
    // Under a bound below a single helper's degree (never chosen by LogUpPlan::new, but
    // with_bound allows it) each lookup is alone, as before batching.
    let cs = constraint_system(&LookupBatches::new(vec![3, 3, 1]));
    let plan = LogUpPlan::with_bound(&cs, 4);
    assert_eq!(plan.tables[0].in_running_sum, Vec::<usize>::new());
    assert_eq!(plan.tables[0].helpers, vec![vec![0], vec![1], vec![2]]);
    assert_eq!(plan.degree, 5);
}

#[test]
fn groups_and_raised_degrees_are_capped() {
    use rebuttal_prover::circuit::logup::{MAX_GROUP, MAX_RAISED_DEGREE};
    use rebuttal_prover::circuit::{Expression, Phase};
    // A degree-40 gate would let 38 degree-1 lookups share one constraint: groups stop at
    // MAX_GROUP fractions, and the degree is not raised beyond 40 (above MAX_RAISED_DEGREE).
    let mut cs = ConstraintSystem::new();
    let q = cs.named_fixed("q");
    let a = cs.named_advice("a", Phase::First);
    let high = (0..39).fold(q.cur(), |e, _| e * a.cur());
    cs.create_gate("high", [("q · a^39", high)]);
    let t = cs.lookup_table("t", vec![q.cur()]);
    for l in 0..40 {
        cs.lookup(format!("l{l}"), vec![a.cur() + Expression::constant(l as u64)], t);
    }
    assert_eq!(cs.degree(), 40);
    let plan = cs.logup_plan();
    assert_eq!((plan.bound, plan.degree), (40, 40));
    let groups = &plan.tables[0];
    assert_eq!(groups.in_running_sum.len(), MAX_GROUP - 1);
    assert!(groups.helpers.iter().all(|g| g.len() <= MAX_GROUP));
    assert_eq!(groups.helpers.iter().map(Vec::len).sum::<usize>() + groups.in_running_sum.len(), 40);
    const { assert!(MAX_RAISED_DEGREE < 40) };
}
