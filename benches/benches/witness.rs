//! Witness generation throughput (gas/s, steps/s) on the embedded block and on the heaviest
//! copied state test, beside plain revm execution of the same transactions.
//!
//! `trace` is the full witness (re-execution with the recording inspector, MPT proofs and
//! updates, self-checks); `execute` is the inspected re-execution alone; `revm_plain` is revm
//! without an inspector. Throughput is reported in gas; steps per second follow from the step
//! count printed at start-up.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rebuttal_witness::source::{embedded, state_test};
use rebuttal_witness::{BlockInput, execute, trace};

/// The copied state-test case with the most gas among those whose witness fits the default
/// limits (the vmPerformance loops, billions of gas, do not).
fn heaviest_state_test() -> (String, BlockInput) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../witness/test-data/ethereum-tests/GeneralStateTests");
    let mut all: Vec<(u64, String, BlockInput)> = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let Ok(cases) = state_test::load_cases(&p, "Cancun") else { continue };
            for c in cases {
                if c.input.expected.invalid_tx {
                    continue;
                }
                if let Ok(gas) = execute::execute_plain(&c.input).map(|o| o.gas_used) {
                    all.push((gas, c.name(), c.input));
                }
            }
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0));
    all.into_iter()
        .find(|(_, _, input)| trace(input).is_ok_and(|w| w.checks.all_pass()))
        .map(|(_, name, input)| (name, input))
        .expect("state tests present")
}

fn bench_block(c: &mut Criterion, label: &str, input: &BlockInput) {
    let w = trace(input).expect("trace");
    assert!(w.checks.all_pass(), "{label}: self-checks fail");
    let gas: u64 = w.txs.iter().map(|t| t.gas_used).sum();
    let steps: usize = w.txs.iter().map(|t| t.steps.len()).sum();
    eprintln!("{label}: {} txs, {gas} gas, {steps} steps, {} read/writes", w.txs.len(), w.rws.len());
    let mut g = c.benchmark_group(format!("witness/{label}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(gas));
    g.bench_function("trace", |b| b.iter(|| trace(input).unwrap()));
    g.bench_function("execute", |b| b.iter(|| execute::execute(input).unwrap()));
    g.bench_function("revm_plain", |b| b.iter(|| execute::execute_plain(input).unwrap()));
    g.finish();
}

fn benches(c: &mut Criterion) {
    let block = embedded::load().unwrap();
    bench_block(c, "embedded", &block);
    let (name, heavy) = heaviest_state_test();
    eprintln!("heaviest state test: {name}");
    bench_block(c, "heaviest_state_test", &heavy);
}

criterion_group!(witness_benches, benches);
criterion_main!(witness_benches);
