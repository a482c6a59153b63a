//! Witness generation throughput on the embedded block and on the heaviest copied state test
//! (the case with the most execution steps whose witness fits the state-test limits), beside
//! plain revm execution of the same block.
//!
//! `trace` is the full witness (re-execution with the recording inspector, MPT proofs and
//! updates, self-checks); `execute` is the inspected re-execution alone; `revm_plain` is revm
//! without an inspector. Criterion's throughput is in gas (elements = gas); the gas and step
//! counts printed at start-up turn its times into steps per second and overhead ratios.
//!
//! Run: `cargo bench -p rebuttal-benches --bench witness`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rebuttal_witness::execute::{self, Limits};
use rebuttal_witness::source::{embedded, state_test};
use rebuttal_witness::{BlockInput, trace};

/// The limits of the state-test suite (`witness/tests/state_tests.rs`): the vmPerformance loops
/// beyond them get no witness, so they are not candidates.
const STATE_TEST_LIMITS: Limits = Limits { max_steps: 200_000, max_rws: 4_000_000 };

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for p in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// The copied state-test case with the most execution steps (recorded by the inspector) among
/// the valid ones whose witness fits [`STATE_TEST_LIMITS`]; ties go to the first by name.
fn heaviest_state_test() -> (String, BlockInput, usize) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../witness/test-data/ethereum-tests/GeneralStateTests");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    let cases: Vec<(String, BlockInput)> = files
        .iter()
        .filter_map(|p| state_test::load_cases(p, "Cancun").ok())
        .flatten()
        .filter(|c| !c.input.expected.invalid_tx)
        .map(|c| (c.name(), c.input))
        .collect();
    let steps = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some((_, input)) = cases.get(i) else { break };
                    if let Ok(e) = execute::execute_with(input, STATE_TEST_LIMITS) {
                        let n: usize = e.txs.iter().map(|t| t.steps.len()).sum();
                        steps.lock().unwrap().push((n, i));
                    }
                }
            });
        }
    });
    let mut steps = steps.into_inner().unwrap();
    steps.sort_by(|a, b| b.0.cmp(&a.0).then(cases[a.1].0.cmp(&cases[b.1].0)));
    let (n, i) = steps
        .into_iter()
        .find(|(_, i)| trace(&cases[*i].1).is_ok_and(|w| w.checks.all_pass()))
        .expect("state tests present");
    let (name, input) = cases[i].clone();
    (name, input, n)
}

fn bench_block(c: &mut Criterion, label: &str, input: &BlockInput) {
    let w = trace(input).expect("trace");
    assert!(w.checks.all_pass(), "{label}: self-checks fail");
    let gas: u64 = w.txs.iter().map(|t| t.gas_used).sum();
    let steps: usize = w.txs.iter().map(|t| t.steps.len()).sum::<usize>()
        + w.system_calls.iter().map(|s| s.steps.len()).sum::<usize>();
    eprintln!(
        "{label}: {} txs, {gas} gas, {steps} steps (system calls included), {} read/writes",
        w.txs.len(),
        w.rws.len()
    );
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
    let (name, heavy, steps) = heaviest_state_test();
    eprintln!("heaviest state test by steps: {name} ({steps} steps)");
    bench_block(c, "heaviest_state_test", &heavy);
}

criterion_group!(witness_benches, benches);
criterion_main!(witness_benches);
