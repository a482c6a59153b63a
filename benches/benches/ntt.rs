//! NTT over BN254 Fr: rebuttal's CPU backend beside halo2curves' `best_fft` and arkworks'
//! `Radix2EvaluationDomain::fft_in_place`, on the same inputs, at 2^12 … 2^22 points.
//! Each iteration transforms a fresh copy of the input (the copy is not timed).
//!
//! `REBUTTAL_NTT_MIN_LOG` / `REBUTTAL_NTT_MAX_LOG` narrow the sizes.

use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use rebuttal_benches::{env_u32, random_scalars, to_ark_scalars};
use rebuttal_prover::arith::Domain;
use rebuttal_prover::backend::{Backend, CpuBackend};

fn ntt(c: &mut Criterion) {
    let min_log = env_u32("REBUTTAL_NTT_MIN_LOG", 12);
    let max_log = env_u32("REBUTTAL_NTT_MAX_LOG", 22);
    for log_n in min_log..=max_log {
        let n = 1usize << log_n;
        let input = random_scalars(n, 3 + log_n as u64);
        let ark_input = to_ark_scalars(&input);
        let domain = Domain::new(log_n).expect("log_n ≤ 28");
        let ark_domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("power of two");

        let mut group = c.benchmark_group(format!("ntt/2^{log_n}"));
        group.sample_size(if log_n >= 18 { 10 } else { 20 });
        group.bench_function(BenchmarkId::new("rebuttal", n), |bench| {
            bench.iter_batched_ref(
                || input.clone(),
                |v| CpuBackend.ntt(v, &domain).expect("size"),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("halo2curves", n), |bench| {
            bench.iter_batched_ref(
                || input.clone(),
                |v| halo2curves::fft::best_fft(v, domain.omega(), log_n),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("arkworks", n), |bench| {
            bench.iter_batched_ref(|| ark_input.clone(), |v| ark_domain.fft_in_place(v), BatchSize::LargeInput)
        });
        group.finish();
    }
}

criterion_group!(benches, ntt);
criterion_main!(benches);
