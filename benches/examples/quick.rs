//! One-shot timings (best of a few runs) of MSM and NTT: a quick check while tuning, not a
//! substitute for the criterion benches.
//!
//! `cargo run --release -p rebuttal-benches --example quick -- msm 16 20` (or `ntt 12 22`, or
//! `mul` for the cost of one field multiplication and inversion). `CPU_TIME=1` reports process
//! CPU time instead of wall time (steadier on a shared machine), `SKIP_ARK=1` skips arkworks.

use std::time::{Duration, Instant};

use ark_ec::VariableBaseMSM;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rebuttal_benches::{random_bases, random_scalars, to_ark_bases, to_ark_scalars};
use rebuttal_prover::arith::Domain;
use rebuttal_prover::backend::{Backend, CpuBackend};

/// CPU time of this process (all threads), from /proc (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10)
}

fn time<T>(f: &mut impl FnMut() -> T) -> Duration {
    let t = Instant::now();
    let c = cpu_time();
    std::hint::black_box(f());
    if std::env::var("CPU_TIME").is_ok() { cpu_time() - c } else { t.elapsed() }
}

/// Best of `runs` for each of three functions, interleaved so that a change in machine load
/// hits all three alike.
fn best_of3<A, B, C>(
    runs: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
    mut c: impl FnMut() -> C,
) -> [Duration; 3] {
    let mut best = [Duration::MAX; 3];
    for _ in 0..runs {
        best[0] = best[0].min(time(&mut a));
        best[1] = best[1].min(time(&mut b));
        best[2] = best[2].min(time(&mut c));
    }
    best
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("msm");
    let lo: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(12);
    let hi: u32 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(lo);
    let skip_ark = std::env::var("SKIP_ARK").is_ok();
    match what {
        "msm" => {
            let scalars = random_scalars(1 << hi, 1);
            let bases = random_bases(1 << hi, 2);
            let (ark_s, ark_b) = (to_ark_scalars(&scalars), to_ark_bases(&bases));
            for k in lo..=hi {
                let n = 1 << k;
                let runs = if k >= 18 { 2 } else { 5 };
                let [ours, h2, ark] = best_of3(
                    runs,
                    || CpuBackend.msm(&scalars[..n], &bases[..n]),
                    || halo2curves::msm::msm_best(&scalars[..n], &bases[..n]),
                    || (!skip_ark).then(|| ark_bn254::G1Projective::msm(&ark_b[..n], &ark_s[..n])),
                );
                println!(
                    "msm 2^{k}: ours {ours:?} msm_best {h2:?} ark {ark:?}  best/ours {:.2} ark/ours {:.2}",
                    h2.as_secs_f64() / ours.as_secs_f64(),
                    ark.as_secs_f64() / ours.as_secs_f64()
                );
            }
        }
        "mul" => {
            use ff::Field;
            let mut x = rebuttal_prover::arith::Fr::from(3u64);
            let y = x.square();
            let t = Instant::now();
            for _ in 0..10_000_000 {
                x *= y;
            }
            println!("Fr mul: {:?} per op ({x:?})", t.elapsed() / 10_000_000);
            let mut a = rebuttal_prover::arith::Fq::from(3u64);
            let t = Instant::now();
            for _ in 0..10_000 {
                a = a.invert().unwrap() + a;
            }
            println!("Fq invert: {:?} per op", t.elapsed() / 10_000);
        }
        _ => {
            for k in lo..=hi {
                let n = 1 << k;
                let input = random_scalars(n, 3);
                let ark_input = to_ark_scalars(&input);
                let d = Domain::new(k).expect("k ≤ 28");
                let ad = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("power of two");
                let runs = if k >= 20 { 3 } else { 10 };
                let (mut v, mut w, mut av) = (input.clone(), input.clone(), ark_input.clone());
                let [ours, h2, ark] = best_of3(
                    runs,
                    || {
                        v.copy_from_slice(&input);
                        CpuBackend.ntt(&mut v, &d)
                    },
                    || {
                        w.copy_from_slice(&input);
                        halo2curves::fft::best_fft(&mut w, d.omega(), k)
                    },
                    || {
                        av.copy_from_slice(&ark_input);
                        ad.fft_in_place(&mut av)
                    },
                );
                println!(
                    "ntt 2^{k}: ours {ours:?} best_fft {h2:?} ark {ark:?}  best/ours {:.2} ark/ours {:.2}",
                    h2.as_secs_f64() / ours.as_secs_f64(),
                    ark.as_secs_f64() / ours.as_secs_f64()
                );
            }
        }
    }
}
