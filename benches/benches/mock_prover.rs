//! MockProver throughput: a synthetic circuit of ~100 advice columns, one degree-3 gate per
//! column pair, a rotation gate and a byte-range lookup, checked at 2^14, 2^16 and 2^18 rows.
//! Reports rows·columns checked per second (criterion's element throughput).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, Expression,
    FixedAssignment, FixedColumn, Phase,
};
use rebuttal_prover::mock::MockProver;
use rebuttal_prover::testing::{assign_byte_table, byte_table};

const WIDTH: usize = 100;

#[derive(Clone)]
struct Wide;

#[derive(Clone)]
struct WideConfig {
    q: FixedColumn,
    bytes: FixedColumn,
    a: Vec<AdviceColumn>,
}

impl Circuit for Wide {
    type Config = WideConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> WideConfig {
        let q = cs.fixed_column();
        let a: Vec<AdviceColumn> = (0..WIDTH).map(|_| cs.advice_column(Phase::First)).collect();
        let (bytes, table) = byte_table(cs);
        for i in 0..WIDTH - 2 {
            let c = Expression::constant(i as u64);
            cs.create_gate(
                format!("square {i}"),
                [("next = cur² + i", q.cur() * (a[i + 1].cur() - a[i].cur() * a[i].cur() - c))],
            );
        }
        // The last column holds the row index mod 256: a rotation gate and a range lookup.
        let last = a[WIDTH - 1];
        cs.lookup("byte", vec![q.cur() * last.cur()], table);
        cs.create_gate(
            "counter",
            [("a0 steps by one", q.cur() * q.next() * (a[0].next() - a[0].cur() - Expression::one()))],
        );
        WideConfig { q, bytes, a }
    }

    fn assign_fixed(&self, c: &WideConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        assign_byte_table(fixed, c.bytes)?;
        fixed.column_mut(c.q)?.iter_mut().for_each(|v| *v = Fr::ONE);
        Ok(())
    }

    fn assign_advice(
        &self,
        c: &WideConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        if phase != Phase::First {
            return Ok(());
        }
        advice.par_row_chunks(&c.a, 1 << 12, |first, cols| {
            for r in 0..cols[0].len() {
                let row = first + r;
                let mut v = Fr::from(row as u64);
                cols[0][r] = v;
                for (i, col) in cols.iter_mut().enumerate().take(WIDTH - 1).skip(1) {
                    v = v.square() + Fr::from(i as u64 - 1);
                    col[r] = v;
                }
                cols[WIDTH - 1][r] = Fr::from((row % 256) as u64);
            }
            Ok(())
        })
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

fn mock_prover(c: &mut Criterion) {
    let mut group = c.benchmark_group("mock_prover_verify");
    group.sample_size(10);
    for k in [14u32, 16, 18] {
        let prover = MockProver::run(k, &Wide).expect("synthetic circuit assigns");
        prover.assert_satisfied();
        let cells = (1u64 << k) * (WIDTH as u64 + 2);
        group.throughput(Throughput::Elements(cells));
        group.bench_with_input(BenchmarkId::from_parameter(k), &prover, |b, p| b.iter(|| p.verify().is_ok()));
    }
    group.finish();
}

criterion_group!(benches, mock_prover);
criterion_main!(benches);
