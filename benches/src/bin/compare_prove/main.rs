//! Proves one synthetic PLONKish circuit with rebuttal or with halo2-axiom 0.5.3 and prints the
//! times, the proof size and the process's peak memory on one line:
//!
//! ```text
//! compare_prove --prover rebuttal|halo2-axiom --k K
//! prover=rebuttal k=16 keygen_s=.. prove_s=.. verify_s=.. proof_bytes=.. peak_rss_mib=..
//! ```
//!
//! The circuit (see `witness.rs`): `2^k` rows (all usable rows) of a vanilla PLONK gate over
//! advice `a, b, c, d, e` with fixed `q_l, q_r, q_m, q_o, q_c`, `d = a + e`, an 8-bit range
//! lookup of `e`, and a copy `c[i] = a[i + 1]` every 64 rows. SRS generation is not timed. Run
//! each (prover, k) in its own process so that the peak-memory figures stay separate
//! (`benches/compare_prove.sh` does).

mod halo2_side;
mod rebuttal_side;
mod witness;

use std::process::ExitCode;

const SRS_SEED: u64 = 42;
const WITNESS_SEED: u64 = 7;
const K_RANGE: std::ops::RangeInclusive<u32> = 9..=24;

struct Measurement {
    keygen_s: f64,
    prove_s: f64,
    verify_s: f64,
    proof_bytes: usize,
}

#[derive(Clone, Copy)]
enum Prover {
    Rebuttal,
    Halo2Axiom,
}

impl Prover {
    fn name(self) -> &'static str {
        match self {
            Prover::Rebuttal => "rebuttal",
            Prover::Halo2Axiom => "halo2-axiom",
        }
    }
}

const USAGE: &str = "usage: compare_prove --prover rebuttal|halo2-axiom --k K";

fn parse_args(args: impl Iterator<Item = String>) -> Result<(Prover, u32), String> {
    let (mut prover, mut k) = (None, None);
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--prover" => {
                prover = Some(match value.as_str() {
                    "rebuttal" => Prover::Rebuttal,
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
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok((prover.ok_or(USAGE)?, k.ok_or(USAGE)?))
}

/// The process's peak resident set size in MiB (`ru_maxrss` is in KiB on Linux).
fn peak_rss_mib() -> Result<f64, String> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is a valid `who`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return Err(format!("getrusage failed: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: getrusage returned 0, so the struct is initialised.
    let usage = unsafe { usage.assume_init() };
    Ok(usage.ru_maxrss as f64 / 1024.0)
}

fn run() -> Result<(), String> {
    let (prover, k) = parse_args(std::env::args().skip(1))?;
    let m = match prover {
        Prover::Rebuttal => rebuttal_side::run(k)?,
        Prover::Halo2Axiom => halo2_side::run(k)?,
    };
    println!(
        "prover={} k={k} keygen_s={:.3} prove_s={:.3} verify_s={:.4} proof_bytes={} peak_rss_mib={:.1}",
        prover.name(),
        m.keygen_s,
        m.prove_s,
        m.verify_s,
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
