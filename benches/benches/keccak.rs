//! The keccak circuit on the CPU backend: witness generation, proof and verification of a full
//! circuit (every region a keccak-f of a random input shorter than the rate, the same inputs as
//! `compare_keccak`), reported as keccak-f per second (criterion's element throughput), plus the
//! cells each keccak-f costs.
//!
//! Shapes are `chunk_bits:k` pairs from `KECCAK_BENCH_SHAPES` (default `3:10`; e.g.
//! `KECCAK_BENCH_SHAPES=4:12,6:16`). A proof takes minutes from k = 12 on a 2-core machine and
//! 6-bit chunks at k = 16 need ≈ 6 GiB, so criterion's 10 samples only suit small shapes: the
//! single-shot side-by-side run with zkevm-hashes at k = 14–16 is `benches/compare_keccak.sh`.
//!
//! `KECCAK_BENCH_SHAPES=3:10 cargo bench -p rebuttal-benches --bench keccak`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rebuttal_circuits::keccak::{KeccakCircuit, capacity, keccak_stats};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{Circuit, Layout, Phase, assign_advice_phase};
use rebuttal_prover::plonk::{keygen, prove, verify};
use rebuttal_prover::srs::Srs;

fn shapes() -> Vec<(usize, u32)> {
    let spec = std::env::var("KECCAK_BENCH_SHAPES").unwrap_or_else(|_| "3:10".into());
    spec.split(',')
        .map(|s| {
            let (c, k) = s.split_once(':').expect("shape is chunk_bits:k");
            (c.trim().parse().expect("chunk_bits"), k.trim().parse().expect("k"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("keccak");
    group.sample_size(10);
    for (chunk_bits, k) in shapes() {
        let stats = keccak_stats(chunk_bits, k).expect("shape fits");
        eprintln!("== {chunk_bits}-bit chunks, k = {k}\n{stats}");
        let permutations = capacity(chunk_bits, k).expect("shape fits");
        let inputs = rebuttal_benches::random_keccak_inputs(permutations, 7);
        let circuit = KeccakCircuit::with_shape(inputs, chunk_bits, k).expect("inputs fit");
        let id = format!("{chunk_bits}-bit chunks, k={k}");
        group.throughput(Throughput::Elements(permutations as u64));

        group.bench_function(BenchmarkId::new("witness", &id), |b| {
            b.iter(|| {
                let layout = Layout::new(&circuit, k).expect("layout");
                let challenges = vec![Fr::from(7u64); layout.cs.num_challenges()];
                let mut advice = layout.empty_advice();
                for phase in Phase::ALL {
                    assign_advice_phase(&circuit, &layout, phase, &challenges, &mut advice).expect("witness");
                }
                advice
            })
        });

        let srs = Srs::unsafe_setup(k, 1).expect("srs");
        let pk = keygen(&srs, &circuit, k, &CpuBackend).expect("keygen");
        group.bench_function(BenchmarkId::new("prove", &id), |b| {
            b.iter(|| prove(&pk, &circuit, &CpuBackend).expect("prove"))
        });
        let proof = prove(&pk, &circuit, &CpuBackend).expect("prove");
        group.bench_function(BenchmarkId::new("verify", &id), |b| {
            b.iter(|| verify(pk.vk(), &circuit.instances(), &proof).expect("verify"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
