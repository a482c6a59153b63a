//! CUDA backend vs CPU backend on the same machine: MSM and NTT at 2^16…2^24, and the sweep that
//! finds the CPU/GPU thresholds.
//!
//! ```sh
//! NVCC=... cargo bench -p rebuttal-gpu --features cuda --bench gpu_vs_cpu            # all
//! NVCC=... cargo bench -p rebuttal-gpu --features cuda --bench gpu_vs_cpu -- threshold
//! REBUTTAL_BENCH_MAX_LOG=20 cargo bench -p rebuttal-gpu --bench gpu_vs_cpu -- msm    # CPU only
//! ```
//!
//! Groups:
//! - `msm/{cpu,cuda,cuda_resident}/2^k`: one-shot MSM (bases copied to the device each call) and
//!   MSM over bases prepared once (resident, as the prover uses the SRS);
//! - `ntt/{cpu,cuda}/2^k` and `coset_ntt/{cpu,cuda}/2^k`: host memory in and out, so the GPU
//!   figures include both copies;
//! - `threshold_msm/{cpu,cuda_resident}/n` and `threshold_ntt/{cpu,cuda}/2^k` at small sizes: the
//!   smallest size where `cuda` wins is the threshold (`REBUTTAL_GPU_MSM_MIN`,
//!   `REBUTTAL_GPU_NTT_MIN_LOG`).
//!
//! Without a usable GPU only the CPU figures are taken (the reason is printed).

use std::sync::OnceLock;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ff::Field;
use group::Curve;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rebuttal_gpu::{CudaBackend, Thresholds};
use rebuttal_prover::arith::{Domain, Fr, G1, G1Affine};
use rebuttal_prover::backend::{Backend, CpuBackend};

fn max_log() -> u32 {
    std::env::var("REBUTTAL_BENCH_MAX_LOG").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

/// The GPU backend with every size on the device, opened once; `None` (reason printed) without one.
fn gpu() -> Option<&'static CudaBackend> {
    static GPU: OnceLock<Option<CudaBackend>> = OnceLock::new();
    GPU.get_or_init(|| match CudaBackend::with_thresholds(Thresholds::ALL_ON_DEVICE) {
        Ok(b) => {
            eprintln!("GPU: {}", b.device_info());
            Some(b)
        }
        Err(e) => {
            eprintln!("CPU figures only: {e}");
            None
        }
    })
    .as_ref()
}

fn scalars(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| Fr::random(&mut rng)).collect()
}

/// `n` distinct points, built in parallel chunks (a random start per chunk, then steps of g).
fn bases(n: usize) -> Vec<G1Affine> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let chunk = n.div_ceil(threads).max(1);
    let mut out = vec![G1Affine::default(); n];
    std::thread::scope(|s| {
        for (i, part) in out.chunks_mut(chunk).enumerate() {
            s.spawn(move || {
                let mut rng = ChaCha20Rng::seed_from_u64(i as u64);
                let g = G1::generator();
                let mut p = g * Fr::random(&mut rng);
                let proj: Vec<G1> = (0..part.len())
                    .map(|_| {
                        p += g;
                        p
                    })
                    .collect();
                G1::batch_normalize(&proj, part);
            });
        }
    });
    out
}

fn msm(c: &mut Criterion) {
    let gpu = gpu();
    let top = max_log();
    let all_bases = bases(1 << top);
    let all_scalars = scalars(1 << top, 1);
    let resident = gpu.as_ref().map(|g| g.prepare_bases(&all_bases).expect("upload the bases"));
    let mut group = c.benchmark_group("msm");
    group.sample_size(10);
    for log in (16..=top).step_by(2) {
        let n = 1usize << log;
        let (s, b) = (&all_scalars[..n], &all_bases[..n]);
        let id = format!("2^{log}");
        group.bench_function(BenchmarkId::new("cpu", &id), |bench| bench.iter(|| CpuBackend.msm(s, b).unwrap()));
        if let (Some(g), Some(r)) = (gpu, &resident) {
            group.bench_function(BenchmarkId::new("cuda", &id), |bench| bench.iter(|| g.msm(s, b).unwrap()));
            group.bench_function(BenchmarkId::new("cuda_resident", &id), |bench| {
                bench.iter(|| g.msm_prepared(s, r).unwrap())
            });
        }
    }
    group.finish();
}

fn ntt(c: &mut Criterion) {
    let gpu = gpu();
    let top = max_log();
    let input = scalars(1 << top, 2);
    for name in ["ntt", "coset_ntt"] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for log in (16..=top).step_by(2) {
            let d = Domain::new(log).unwrap();
            let mut v = input[..d.n()].to_vec();
            let id = format!("2^{log}");
            let run = |b: &dyn Backend, v: &mut [Fr]| match name {
                "ntt" => b.ntt(v, &d).unwrap(),
                _ => b.coset_ntt(v, &d, Domain::coset_generator()).unwrap(),
            };
            group.bench_function(BenchmarkId::new("cpu", &id), |bench| bench.iter(|| run(&CpuBackend, &mut v)));
            if let Some(g) = gpu {
                group.bench_function(BenchmarkId::new("cuda", &id), |bench| bench.iter(|| run(g, &mut v)));
            }
        }
        group.finish();
    }
}

fn threshold(c: &mut Criterion) {
    let Some(gpu) = gpu() else {
        eprintln!("threshold sweep skipped: it compares against a GPU");
        return;
    };
    let all_bases = bases(1 << 17);
    let all_scalars = scalars(1 << 17, 3);
    let resident = gpu.prepare_bases(&all_bases).expect("upload the bases");
    let mut group = c.benchmark_group("threshold_msm");
    for log in 8..=17 {
        let n = 1usize << log;
        let (s, b) = (&all_scalars[..n], &all_bases[..n]);
        group.bench_function(BenchmarkId::new("cpu", n), |bench| bench.iter(|| CpuBackend.msm(s, b).unwrap()));
        group.bench_function(BenchmarkId::new("cuda_resident", n), |bench| {
            bench.iter(|| gpu.msm_prepared(s, &resident).unwrap())
        });
    }
    group.finish();
    let mut group = c.benchmark_group("threshold_ntt");
    for log in 8..=18 {
        let d = Domain::new(log).unwrap();
        let mut v = all_scalars[..d.n()].to_vec();
        let id = format!("2^{log}");
        group.bench_function(BenchmarkId::new("cpu", &id), |bench| bench.iter(|| CpuBackend.ntt(&mut v, &d).unwrap()));
        group.bench_function(BenchmarkId::new("cuda", &id), |bench| bench.iter(|| gpu.ntt(&mut v, &d).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, msm, ntt, threshold);
criterion_main!(benches);
