//! Proves one synthetic PLONKish circuit with rebuttal or with halo2-axiom 0.5.3 and prints the
//! times, the proof size and the process's peak memory on one line:
//!
//! ```text
//! compare_prove --prover rebuttal|rebuttal-zk|rebuttal-packed|halo2-axiom --k K [--repeat N]
//! prover=rebuttal k=16 keygen_s=.. keygen_cpu_s=.. prove_s=.. prove_cpu_s=.. prove_median_s=.. \
//!   proves=N verify_s=.. verify_cpu_s=.. proof_bytes=.. peak_rss_mib=..
//! ```
//!
//! `*_s` is wall-clock time, `*_cpu_s` the process's CPU time (user + system, all threads) over
//! the same interval: on a shared machine CPU time is the less load-sensitive of the two. With
//! `--repeat N` the proof is made `N` times with the same keys; `prove_s` and `prove_cpu_s` are the
//! minimum over the runs, `prove_median_s` the median wall-clock time, and every run must give
//! the same proof bytes.
//!
//! The circuit (see `witness.rs`): `2^k` rows (all usable rows) of a vanilla PLONK gate over
//! advice `a, b, c, d, e` with fixed `q_l, q_r, q_m, q_o, q_c`, `d = a + e`, an 8-bit range
//! lookup of `e`, and a copy `c[i] = a[i + 1]` every 64 rows. SRS generation is not timed. Run
//! each (prover, k) in its own process so that the peak-memory figures stay separate
//! (`benches/compare_prove.sh` does).

mod halo2_side;
mod rebuttal_side;
mod witness;

use rebuttal_benches::measure::{Timing, peak_rss_mib, repeat_proving, timed};
use std::process::ExitCode;

const SRS_SEED: u64 = 42;
const WITNESS_SEED: u64 = 7;
const K_RANGE: std::ops::RangeInclusive<u32> = 9..=24;

struct Measurement {
    keygen: Timing,
    /// One timing per proving run.
    proves: Vec<Timing>,
    verify: Timing,
    proof_bytes: usize,
}

#[derive(Clone, Copy)]
enum Prover {
    Rebuttal,
    /// rebuttal with a zero-knowledge key (halo2-axiom always blinds: the like-for-like peer).
    RebuttalZk,
    /// rebuttal with packed commitments (up to [`PACKING`] polynomials per commitment): what
    /// the cheaper on-chain verifier costs the prover.
    RebuttalPacked,
    Halo2Axiom,
}

impl Prover {
    fn name(self) -> &'static str {
        match self {
            Prover::Rebuttal => "rebuttal",
            Prover::RebuttalZk => "rebuttal-zk",
            Prover::RebuttalPacked => "rebuttal-packed",
            Prover::Halo2Axiom => "halo2-axiom",
        }
    }
}

const USAGE: &str = "usage: compare_prove --prover rebuttal|rebuttal-zk|rebuttal-packed|halo2-axiom --k K [--repeat N]";

/// Polynomials per commitment for `rebuttal-packed`: more than this circuit's widest round, so
/// every round's columns opened at the same rotations share one commitment.
const PACKING: usize = 8;

/// At most this many proving runs per process.
const MAX_REPEAT: usize = 100;

fn parse_args(args: impl Iterator<Item = String>) -> Result<(Prover, u32, usize), String> {
    let (mut prover, mut k, mut repeat) = (None, None, 1);
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--prover" => {
                prover = Some(match value.as_str() {
                    "rebuttal" => Prover::Rebuttal,
                    "rebuttal-zk" => Prover::RebuttalZk,
                    "rebuttal-packed" => Prover::RebuttalPacked,
                    "halo2-axiom" => Prover::Halo2Axiom,
                    other => return Err(format!("unknown prover {other:?}\n{USAGE}")),
                })
            }
            "--k" => {
                let parsed: u32 = value.parse().map_err(|_| format!("--k wants an integer, got {value:?}"))?;
                if !K_RANGE.contains(&parsed) {
                    return Err(format!("--k must be in {}..={}, got {parsed}", K_RANGE.start(), K_RANGE.end()));
                }
                k = Some(parsed);
            }
            "--repeat" => {
                repeat = value.parse().map_err(|_| format!("--repeat wants an integer, got {value:?}"))?;
                if !(1..=MAX_REPEAT).contains(&repeat) {
                    return Err(format!("--repeat must be in 1..={MAX_REPEAT}, got {repeat}"));
                }
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok((prover.ok_or(USAGE)?, k.ok_or(USAGE)?, repeat))
}

fn run() -> Result<(), String> {
    let (prover, k, repeat) = parse_args(std::env::args().skip(1))?;
    let m = match prover {
        Prover::Rebuttal => rebuttal_side::run(k, repeat, false, 1)?,
        Prover::RebuttalZk => rebuttal_side::run(k, repeat, true, 1)?,
        Prover::RebuttalPacked => rebuttal_side::run(k, repeat, false, PACKING)?,
        Prover::Halo2Axiom => halo2_side::run(k, repeat)?,
    };
    let min = |f: fn(&Timing) -> f64| m.proves.iter().map(f).fold(f64::INFINITY, f64::min);
    let mut walls: Vec<f64> = m.proves.iter().map(|t| t.wall_s).collect();
    walls.sort_by(f64::total_cmp);
    let median = walls[walls.len() / 2];
    println!(
        "prover={} k={k} keygen_s={:.3} keygen_cpu_s={:.3} prove_s={:.3} prove_cpu_s={:.3} prove_median_s={median:.3} \
         proves={} verify_s={:.4} verify_cpu_s={:.4} proof_bytes={} peak_rss_mib={:.1}",
        prover.name(),
        m.keygen.wall_s,
        m.keygen.cpu_s,
        min(|t| t.wall_s),
        min(|t| t.cpu_s),
        m.proves.len(),
        m.verify.wall_s,
        m.verify.cpu_s,
        m.proof_bytes,
        peak_rss_mib()?
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare_prove: {e}");
            ExitCode::from(2)
        }
    }
}
