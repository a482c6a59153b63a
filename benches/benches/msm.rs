//! MSM over BN254 G1: rebuttal's CPU backend beside halo2curves' `msm_best` and arkworks'
//! `VariableBaseMSM::msm`, on the same inputs, at 2^12 … 2^20 points.
//!
//! `REBUTTAL_MSM_MIN_LOG` / `REBUTTAL_MSM_MAX_LOG` narrow the sizes.

use ark_ec::VariableBaseMSM;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rebuttal_benches::{env_u32, random_bases, random_scalars, to_ark_bases, to_ark_scalars};
use rebuttal_prover::backend::{Backend, CpuBackend};

fn msm(c: &mut Criterion) {
    let min_log = env_u32("REBUTTAL_MSM_MIN_LOG", 12);
    let max_log = env_u32("REBUTTAL_MSM_MAX_LOG", 20);
    let n_max = 1usize << max_log;
    let scalars = random_scalars(n_max, 1);
    let bases = random_bases(n_max, 2);
    let ark_scalars = to_ark_scalars(&scalars);
    let ark_bases = to_ark_bases(&bases);

    for log_n in min_log..=max_log {
        let n = 1usize << log_n;
        let mut group = c.benchmark_group(format!("msm/2^{log_n}"));
        group.sample_size(if log_n >= 16 { 10 } else { 20 });
        if log_n >= 18 {
            group.warm_up_time(std::time::Duration::from_millis(500));
        }
        let (s, b) = (&scalars[..n], &bases[..n]);
        group.bench_function(BenchmarkId::new("rebuttal", n), |bench| {
            bench.iter(|| CpuBackend.msm(s, b).expect("equal lengths"))
        });
        group.bench_function(BenchmarkId::new("halo2curves", n), |bench| {
            bench.iter(|| halo2curves::msm::msm_best(s, b))
        });
        let (as_, ab) = (&ark_scalars[..n], &ark_bases[..n]);
        group.bench_function(BenchmarkId::new("arkworks", n), |bench| {
            bench.iter(|| ark_bn254::G1Projective::msm(ab, as_).expect("equal lengths"))
        });
        group.finish();
    }
}

criterion_group!(benches, msm);
criterion_main!(benches);
