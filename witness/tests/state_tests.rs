//! Every Cancun case of the copied GeneralStateTests: re-execution reproduces `hash` and `logs`
//! and the self-checks pass.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rebuttal_witness::execute::Limits;
use rebuttal_witness::source::state_test::{CaseOutcome, StateTestCase, load_cases, run_case_with};

/// Cases where revm 43 itself departs from the fixtures: it does not implement the storage part
/// of EIP-7610 (creating over an address that has storage but no code or nonce must fail), a
/// case that cannot arise on mainnet and that revm's own runner skips.
const KNOWN_REVM_DEVIATIONS: &[&str] = &["InitCollisionParis.json:InitCollisionParis"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn general_state_tests_cancun() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-data/ethereum-tests/GeneralStateTests");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    assert!(!paths.is_empty(), "no fixtures under {}", root.display());
    let mut cases: Vec<StateTestCase> = Vec::new();
    let mut failures = Vec::new();
    for path in &paths {
        match load_cases(path, "Cancun") {
            Ok(c) => cases.extend(c),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    // The vmPerformance loops run billions of gas: far beyond any block we would prove. Their
    // witness is refused (TooLarge) and they are checked by plain re-execution instead.
    let limits = Limits { max_steps: 200_000, max_rws: 4_000_000 };
    let results = Mutex::new(Vec::new());
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
                    let Some(case) = cases.get(i) else { break };
                    let outcome = run_case_with(case, limits);
                    results.lock().unwrap().push((i, case.name(), outcome));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let (mut passed, mut without_witness, mut known) = (0usize, Vec::new(), Vec::new());
    for (_, name, outcome) in results {
        match outcome {
            CaseOutcome::Pass => passed += 1,
            CaseOutcome::PassWithoutWitness(why) => without_witness.push(format!("{name}: {why}")),
            CaseOutcome::Fail(why) if KNOWN_REVM_DEVIATIONS.iter().any(|k| name.contains(k)) => {
                known.push(format!("{name}: {why}"))
            }
            CaseOutcome::Fail(why) => failures.push(format!("{name}: {why}")),
        }
    }
    for w in &without_witness {
        println!("NO WITNESS (root and logs checked by plain revm) {w}");
    }
    for k in &known {
        println!("KNOWN REVM DEVIATION {k}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    println!(
        "state tests (Cancun), {} cases: {passed} passed with witness, {} passed without witness (too large), \
         {} known revm deviations, {} failed",
        cases.len(),
        without_witness.len(),
        known.len(),
        failures.len()
    );
    assert!(passed > 1000, "only {passed} cases passed with a witness");
    assert!(without_witness.len() < 20, "{} cases had no witness", without_witness.len());
    assert!(known.len() <= 4, "more known deviations than expected: {known:?}");
    assert!(failures.is_empty(), "{} state test case(s) failed, first: {}", failures.len(), failures[0]);
}
