//! Proves the same keccak-f with rebuttal's keccak circuit or with axiom's `zkevm-hashes` 0.3.0
//! keccak circuit (halo2-base / halo2-axiom 0.5.3, KZG + SHPLONK) at the same `2^k` rows, and
//! prints the shape, the cell counts, the times and the process's peak memory on one line:
//!
//! ```text
//! compare_keccak --prover rebuttal|rebuttal-zk|zkevm-hashes --k K [--keccak-f N]
//!                [--chunk-bits B] [--rows-per-round R] [--repeat N] [--stats-only]
//! prover=rebuttal k=16 shape=6-bit-chunks keccak_f=.. capacity=.. advice_columns=.. \
//!   committed_columns=.. advice_cells_per_f=.. committed_cells_per_f=.. committed_cells_amortised=.. \
//!   witness_s=.. witness_cpu_s=.. keygen_s=.. keygen_cpu_s=.. prove_s=.. prove_cpu_s=.. \
//!   prove_median_s=.. proves=.. keccak_f_per_s=.. keccak_f_per_cpu_s=.. verify_s=.. \
//!   verify_cpu_s=.. proof_bytes=.. peak_rss_keygen_mib=.. peak_rss_mib=..
//! ```
//!
//! **Inputs.** `N` byte strings of random lengths `0..136` and random contents from a fixed seed
//! ([`rebuttal_benches::random_keccak_inputs`]): each costs exactly one keccak-f, and both provers
//! hash the same strings. By default `N` is the smaller of the two circuits' capacities at `k`
//! (rebuttal with the widest chunks that fit, zkevm-hashes with one row per round), so both
//! processes of one `k` prove the same `N`; both circuits fill their unused capacity with
//! keccak-f of the empty string, so a proof costs the same as a full circuit.
//!
//! **Shapes.** rebuttal: `--chunk-bits` (default: the largest whose lookup table fits at `k`,
//! i.e. the fewest columns). zkevm-hashes: `--rows-per-round` (default: the largest that still
//! holds `N` keccak-f, i.e. the fewest columns; its keccak-f takes `25 · R` rows).
//!
//! **Stages.** `witness`: computing the advice values alone (rebuttal: every advice phase with a
//! fixed challenge; zkevm-hashes: `multi_keccak`, its row witness), outside proving. `keygen`:
//! verifying and proving key (reported, not part of proving). `prove`: one full proof from the
//! inputs, which computes the witness again (on both sides). `verify`: one verification.
//! `*_s` is wall-clock time, `*_cpu_s` the process's CPU time over the same interval.
//! `keccak_f_per_s` is `N / prove_s` (and `keccak_f_per_cpu_s` is `N / prove_cpu_s`).
//!
//! **Cells.** "committed" columns are every column the prover commits to at `2^k` rows: for
//! rebuttal the constraint system's count (advice + logUp multiplicities, helpers and running
//! sums + permutation products + quotient pieces, as `rebuttal stats keccak` prints it; a
//! zero-knowledge key adds one quotient piece, not counted); for halo2 advice + 3 per lookup
//! (permuted input, permuted table, product) + permutation products + quotient pieces + the
//! vanishing argument's random polynomial. Per keccak-f = columns × rows per keccak-f; amortised
//! = columns × 2^k / N.
//!
//! `rebuttal-zk` is rebuttal with a zero-knowledge key (halo2 always blinds: the like-for-like
//! peer). SRS generation is not timed. Run each (prover, k) in its own process so that the
//! peak-memory figures stay separate (`benches/compare_keccak.sh` does).

mod halo2_side;
mod rebuttal_side;

use std::process::ExitCode;

use rebuttal_benches::measure::{Timing, peak_rss_mib, repeat_proving, timed};

const SRS_SEED: u64 = 42;
const INPUT_SEED: u64 = 7;
const K_RANGE: std::ops::RangeInclusive<u32> = 10..=22;
/// At most this many proving runs per process.
const MAX_REPEAT: usize = 20;

/// A circuit's shape at one `k` and what it costs in columns and cells.
#[derive(Debug, Clone)]
struct Shape {
    /// `6-bit-chunks` or `R=1-rows-per-round`.
    name: String,
    /// keccak-f the circuit holds at `k`.
    capacity: usize,
    advice_columns: usize,
    committed_columns: usize,
    rows_per_keccak_f: usize,
}

impl Shape {
    fn fields(&self, k: u32, keccak_f: usize) -> String {
        let per_f = |columns: usize| columns * self.rows_per_keccak_f;
        format!(
            "shape={} keccak_f={keccak_f} capacity={} rows_per_f={} advice_columns={} committed_columns={} \
             advice_cells_per_f={} committed_cells_per_f={} committed_cells_amortised={}",
            self.name,
            self.capacity,
            self.rows_per_keccak_f,
            self.advice_columns,
            self.committed_columns,
            per_f(self.advice_columns),
            per_f(self.committed_columns),
            ((self.committed_columns as u128) << k) / keccak_f.max(1) as u128,
        )
    }
}

/// What one process measured.
struct Measurement {
    witness: Timing,
    keygen: Timing,
    /// Peak RSS after key generation, before proving (MiB).
    peak_rss_keygen_mib: f64,
    /// One timing per proving run.
    proves: Vec<Timing>,
    verify: Timing,
    proof_bytes: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prover {
    Rebuttal,
    RebuttalZk,
    ZkevmHashes,
}

impl Prover {
    fn name(self) -> &'static str {
        match self {
            Prover::Rebuttal => "rebuttal",
            Prover::RebuttalZk => "rebuttal-zk",
            Prover::ZkevmHashes => "zkevm-hashes",
        }
    }
}

const USAGE: &str = "usage: compare_keccak --prover rebuttal|rebuttal-zk|zkevm-hashes --k K [--keccak-f N] \
                     [--chunk-bits B] [--rows-per-round R] [--repeat N] [--stats-only]";

/// Parsed command line.
struct Args {
    prover: Prover,
    k: u32,
    keccak_f: Option<usize>,
    chunk_bits: Option<usize>,
    rows_per_round: Option<usize>,
    repeat: usize,
    stats_only: bool,
}

fn parse_int<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag} wants a non-negative integer, got {value:?}"))
}

fn positive(flag: &str, value: &str) -> Result<usize, String> {
    match parse_int(flag, value)? {
        0 => Err(format!("{flag} must be positive")),
        n => Ok(n),
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        prover: Prover::Rebuttal,
        k: 0,
        keccak_f: None,
        chunk_bits: None,
        rows_per_round: None,
        repeat: 1,
        stats_only: false,
    };
    let (mut prover, mut k) = (None, None);
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        if flag == "--stats-only" {
            parsed.stats_only = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--prover" => {
                prover = Some(match value.as_str() {
                    "rebuttal" => Prover::Rebuttal,
                    "rebuttal-zk" => Prover::RebuttalZk,
                    "zkevm-hashes" => Prover::ZkevmHashes,
                    other => return Err(format!("unknown prover {other:?}\n{USAGE}")),
                })
            }
            "--k" => {
                let v: u32 = parse_int(&flag, &value)?;
                if !K_RANGE.contains(&v) {
                    return Err(format!("--k must be in {}..={}, got {v}", K_RANGE.start(), K_RANGE.end()));
                }
                k = Some(v);
            }
            "--keccak-f" => parsed.keccak_f = Some(positive(&flag, &value)?),
            "--chunk-bits" => parsed.chunk_bits = Some(parse_int(&flag, &value)?),
            "--rows-per-round" => parsed.rows_per_round = Some(positive(&flag, &value)?),
            "--repeat" => {
                parsed.repeat = parse_int(&flag, &value)?;
                if !(1..=MAX_REPEAT).contains(&parsed.repeat) {
                    return Err(format!("--repeat must be in 1..={MAX_REPEAT}, got {}", parsed.repeat));
                }
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    parsed.prover = prover.ok_or(USAGE)?;
    parsed.k = k.ok_or(USAGE)?;
    Ok(parsed)
}

/// The number of keccak-f both circuits prove at `k` unless `--keccak-f` says otherwise: the
/// smaller of the two capacities (rebuttal with the widest chunks that fit, zkevm-hashes with
/// one row per round).
fn default_keccak_f(k: u32) -> Result<usize, String> {
    let ours = rebuttal_side::shape(k, None)?.capacity;
    let theirs = halo2_side::shape(k, 1)?.capacity;
    Ok(ours.min(theirs))
}

/// Fastest, and median wall time of the proving runs.
fn summarise(proves: &[Timing]) -> (Timing, f64) {
    let min = |f: fn(&Timing) -> f64| proves.iter().map(f).fold(f64::INFINITY, f64::min);
    let mut walls: Vec<f64> = proves.iter().map(|t| t.wall_s).collect();
    walls.sort_by(f64::total_cmp);
    (Timing { wall_s: min(|t| t.wall_s), cpu_s: min(|t| t.cpu_s) }, walls[walls.len() / 2])
}

fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let k = args.k;
    let keccak_f = match args.keccak_f {
        Some(n) => n,
        None => default_keccak_f(k)?,
    };
    let shape = match args.prover {
        Prover::Rebuttal | Prover::RebuttalZk => rebuttal_side::shape(k, args.chunk_bits)?,
        Prover::ZkevmHashes => halo2_side::shape(k, halo2_side::rows_per_round(k, keccak_f, args.rows_per_round)?)?,
    };
    if keccak_f > shape.capacity {
        return Err(format!(
            "{} holds {} keccak-f at k = {k} with shape {}, {keccak_f} were asked for",
            args.prover.name(),
            shape.capacity,
            shape.name
        ));
    }
    let head = format!("prover={} k={k} {}", args.prover.name(), shape.fields(k, keccak_f));
    if args.stats_only {
        println!("{head}");
        return Ok(());
    }

    let inputs = rebuttal_benches::random_keccak_inputs(keccak_f, INPUT_SEED);
    let m = match args.prover {
        Prover::Rebuttal => rebuttal_side::run(k, args.chunk_bits, inputs, false, args.repeat)?,
        Prover::RebuttalZk => rebuttal_side::run(k, args.chunk_bits, inputs, true, args.repeat)?,
        Prover::ZkevmHashes => {
            let r = halo2_side::rows_per_round(k, keccak_f, args.rows_per_round)?;
            halo2_side::run(k, r, inputs, args.repeat)?
        }
    };
    let (best, median) = summarise(&m.proves);
    println!(
        "{head} witness_s={:.3} witness_cpu_s={:.3} keygen_s={:.3} keygen_cpu_s={:.3} prove_s={:.3} prove_cpu_s={:.3} \
         prove_median_s={median:.3} proves={} keccak_f_per_s={:.3} keccak_f_per_cpu_s={:.3} verify_s={:.4} \
         verify_cpu_s={:.4} proof_bytes={} peak_rss_keygen_mib={:.1} peak_rss_mib={:.1}",
        m.witness.wall_s,
        m.witness.cpu_s,
        m.keygen.wall_s,
        m.keygen.cpu_s,
        best.wall_s,
        best.cpu_s,
        m.proves.len(),
        keccak_f as f64 / best.wall_s,
        keccak_f as f64 / best.cpu_s,
        m.verify.wall_s,
        m.verify.cpu_s,
        m.proof_bytes,
        m.peak_rss_keygen_mib,
        peak_rss_mib()?
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare_keccak: {e}");
            ExitCode::from(2)
        }
    }
}
