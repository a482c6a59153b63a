//! Misused assignment and configuration give errors naming the column, row or check — never a
//! panic.

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AssignError, ChallengeValues, Circuit, ConfigError, ConstraintSystem, Expression,
    FixedAssignment, Layout, Phase, SynthesisError,
};
use rebuttal_prover::mock::MockProver;
use rebuttal_prover::testing::Fibonacci;

/// A circuit whose assignment does one configurable wrong thing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Misuse {
    None,
    RowPastUsable,
    WrongPhase,
    DuplicateColumns,
    RaggedRegion,
    EarlyChallenge,
    ReadLaterPhase,
    CopyWithoutEquality,
    CopyIntoReservedRow,
    TooManyInstances,
    InstanceTooLong,
    ForeignColumn,
}

#[derive(Clone, Debug)]
struct Misbehaving(Misuse);

#[derive(Clone, Debug)]
struct Cfg {
    q: rebuttal_prover::circuit::FixedColumn,
    a: rebuttal_prover::circuit::AdviceColumn,
    b: rebuttal_prover::circuit::AdviceColumn,
    late: rebuttal_prover::circuit::AdviceColumn,
    r: rebuttal_prover::circuit::Challenge,
    public: rebuttal_prover::circuit::InstanceColumn,
}

impl Circuit for Misbehaving {
    type Config = Cfg;

    fn configure(&self, cs: &mut ConstraintSystem) -> Cfg {
        let q = cs.named_fixed("q");
        let a = cs.named_advice("a", Phase::First);
        let b = cs.named_advice("b", Phase::First);
        let r = cs.challenge_usable_after(Phase::First);
        let late = cs.named_advice("late", Phase::Second);
        let public = cs.named_instance("public");
        cs.enable_equality(a);
        cs.enable_equality(public);
        cs.create_gate(
            "g",
            [("a = b", q.cur() * (a.cur() - b.cur())), ("late = a·r", q.cur() * (late.cur() - a.cur() * r.expr()))],
        );
        Cfg { q, a, b, late, r, public }
    }

    fn assign_fixed(&self, c: &Cfg, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        fixed.set(c.q, 0, Fr::ONE)?;
        match self.0 {
            Misuse::CopyWithoutEquality => fixed.copy(c.b.cell(0), c.public.cell(0)),
            Misuse::CopyIntoReservedRow => fixed.copy(c.a.cell(fixed.usable_rows()), c.public.cell(0)),
            _ => fixed.copy(c.a.cell(0), c.public.cell(0)),
        }
    }

    fn assign_advice(
        &self,
        c: &Cfg,
        phase: Phase,
        ch: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        let usable = advice.usable_rows();
        match (phase, self.0) {
            (Phase::First, Misuse::RowPastUsable) => advice.set(c.a, usable, Fr::ONE),
            (Phase::First, Misuse::WrongPhase) => advice.set(c.late, 0, Fr::ONE),
            (Phase::First, Misuse::DuplicateColumns) => advice.columns_mut(&[c.a, c.b, c.a]).map(|_| ()),
            (Phase::First, Misuse::RaggedRegion) => advice.assign_rows(0, &[c.a, c.b], &[Fr::ONE; 3]),
            (Phase::First, Misuse::EarlyChallenge) => ch.get(c.r).map(|_| ()),
            (Phase::First, Misuse::ReadLaterPhase) => advice.value(c.late, 0).map(|_| ()),
            (Phase::First, Misuse::ForeignColumn) => {
                let mut other = ConstraintSystem::new();
                for _ in 0..5 {
                    other.advice_column(Phase::First);
                }
                let foreign = other.advice_column(Phase::First);
                advice.set(foreign, 0, Fr::ONE)
            }
            (Phase::First, _) => {
                advice.set(c.a, 0, Fr::from(2u64))?;
                advice.set(c.b, 0, Fr::from(2u64))
            }
            (Phase::Second, _) => {
                let r = ch.get(c.r)?;
                let a = advice.value(c.a, 0)?;
                advice.set(c.late, 0, a * r)
            }
            (Phase::Third, _) => Ok(()),
        }
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        match self.0 {
            Misuse::TooManyInstances => vec![vec![Fr::from(2u64)], vec![]],
            Misuse::InstanceTooLong => vec![vec![Fr::from(2u64); 1 << 10]],
            _ => vec![vec![Fr::from(2u64)]],
        }
    }
}

fn error_of(m: Misuse) -> String {
    match MockProver::run(5, &Misbehaving(m)) {
        Ok(_) => panic!("{m:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_well_behaved_variant_passes() {
    MockProver::run(5, &Misbehaving(Misuse::None)).unwrap().assert_satisfied();
}

#[test]
fn each_misuse_is_a_named_error() {
    let usable = ConstraintSystem::new().usable_rows(5);
    assert!(usable > 0);
    let cases = [
        (Misuse::RowPastUsable, "row"),
        (Misuse::WrongPhase, "advice column `late` is committed in phase 1 and cannot be assigned in phase 0"),
        (Misuse::DuplicateColumns, "column `a` given twice"),
        (Misuse::RaggedRegion, "3 values is not a whole number of rows of 2 columns"),
        (Misuse::EarlyChallenge, "challenge #0 is drawn after phase 0 and cannot be used in phase 0"),
        (Misuse::ReadLaterPhase, "advice column `late` of phase 1 is not known yet in phase 0"),
        (Misuse::CopyWithoutEquality, "column `b`, which does not have equality enabled"),
        (Misuse::CopyIntoReservedRow, "of column `a` is outside the"),
        (Misuse::TooManyInstances, "has 1 instance columns but supplied 2"),
        (Misuse::InstanceTooLong, "instance column `public` has 1024 values"),
        (Misuse::ForeignColumn, "Advice column #5 does not belong"),
    ];
    for (misuse, expected) in cases {
        let message = error_of(misuse);
        assert!(message.contains(expected), "{misuse:?}: {message}");
    }
}

#[test]
fn a_domain_too_small_for_the_reserved_rows_is_an_error() {
    let err = Layout::new(&Fibonacci { start: (1, 1), steps: 1, claim: None }, 2).err().unwrap();
    assert!(matches!(err, SynthesisError::Assign(AssignError::DomainTooSmall { k: 2, .. })), "{err}");
    let err = Layout::new(&Fibonacci { start: (1, 1), steps: 1, claim: None }, 29).err().unwrap();
    assert!(matches!(err, SynthesisError::DomainTooLarge { k: 29 }), "{err}");
}

/// A circuit whose configuration has one configurable mistake.
#[derive(Debug, Clone, Copy)]
enum BadConfig {
    LookupArity,
    EmptyGate,
    ConstantConstraint,
    ForeignColumn,
    ChallengeAfterLastPhase,
    HugeRotation,
    /// `i32::MIN`, whose absolute value does not fit an `i32` (a decoded key can carry it).
    MostNegativeRotation,
}

impl Circuit for BadConfig {
    type Config = ();

    fn configure(&self, cs: &mut ConstraintSystem) {
        let a = cs.advice_column(Phase::First);
        let f = cs.fixed_column();
        match self {
            BadConfig::LookupArity => {
                let t = cs.lookup_table("t", vec![f.cur(), f.next()]);
                cs.lookup("l", vec![a.cur()], t);
            }
            BadConfig::EmptyGate => cs.create_gate::<&str>("empty", []),
            BadConfig::ConstantConstraint => cs.create_gate("const", [("one", Expression::one())]),
            BadConfig::ForeignColumn => {
                let mut other = ConstraintSystem::new();
                other.fixed_column();
                other.fixed_column();
                let foreign = other.fixed_column();
                cs.create_gate("g", [("x", foreign.cur() * a.cur())]);
            }
            BadConfig::ChallengeAfterLastPhase => {
                cs.challenge_usable_after(Phase::Third);
            }
            BadConfig::HugeRotation => cs.create_gate("g", [("x", a.rot(1 << 20))]),
            BadConfig::MostNegativeRotation => cs.create_gate("g", [("x", a.rot(i32::MIN))]),
        }
    }

    fn assign_fixed(&self, _: &(), _: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        Ok(())
    }

    fn assign_advice(
        &self,
        _: &(),
        _: Phase,
        _: &ChallengeValues<'_>,
        _: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn configuration_mistakes_are_named() {
    let config_error = |c: BadConfig| match Layout::new(&c, 5) {
        Err(SynthesisError::Config(e)) => e,
        Err(other) => panic!("{c:?}: unexpected error {other}"),
        Ok(_) => panic!("{c:?} was accepted"),
    };
    assert!(matches!(config_error(BadConfig::LookupArity), ConfigError::LookupArity { inputs: 1, columns: 2, .. }));
    assert!(matches!(config_error(BadConfig::EmptyGate), ConfigError::EmptyGate { .. }));
    assert!(matches!(config_error(BadConfig::ConstantConstraint), ConfigError::ConstantConstraint { .. }));
    assert!(matches!(config_error(BadConfig::ForeignColumn), ConfigError::UnknownColumn { index: 2, .. }));
    assert!(matches!(config_error(BadConfig::ChallengeAfterLastPhase), ConfigError::ChallengeAfterLastPhase));
    assert!(matches!(config_error(BadConfig::HugeRotation), ConfigError::RotationTooLarge { rotation: 1048576, .. }));
    assert!(matches!(
        config_error(BadConfig::MostNegativeRotation),
        ConfigError::RotationTooLarge { rotation: i32::MIN, .. }
    ));
}

#[test]
fn degree_blinding_and_committed_columns() {
    let mut cs = ConstraintSystem::new();
    let q = cs.fixed_column();
    let a = cs.advice_column(Phase::First);
    let b = cs.advice_column(Phase::Second);
    cs.enable_equality(a);
    cs.enable_equality(b);
    cs.create_gate("deg4", [("x", q.cur() * a.cur() * a.next() * b.cur())]);
    let t = cs.lookup_table("t", vec![q.cur()]);
    cs.lookup("l", vec![q.cur() * a.prev()], t);
    assert_eq!(cs.max_gate_degree(), 4);
    assert_eq!(cs.max_lookup_degree(), 4);
    assert_eq!(cs.degree(), 4);
    // a is queried at −1, 0, +1: three rotations; blinding is max(3, 3) + 2.
    assert_eq!(cs.max_advice_queries(), 3);
    assert_eq!(cs.blinding_factors(), 5);
    assert_eq!(cs.usable_rows(4), 16 - 6);
    // logUp: m and φ for the table; the lookup (degree 2) does not fit in the running-sum step
    // beside the table's fraction (2 + 1 + 2 > 4), so it has a helper of its own.
    let plan = cs.logup_plan();
    assert_eq!((plan.degree, plan.tables.len(), plan.tables[0].in_running_sum.len()), (4, 1, 0));
    assert_eq!(plan.tables[0].helpers, vec![vec![0]]);
    let committed = cs.committed_columns();
    assert_eq!((committed.advice, committed.lookup, committed.permutation, committed.quotient), (2, 3, 1, 3));
}
