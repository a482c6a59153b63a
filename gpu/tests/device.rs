//! The CUDA backend against the CPU backend, on a machine with a CUDA device.
//!
//! Every test here needs a device and is ignored by default, so that it never passes vacuously
//! elsewhere: run them with `gpu/tools/gpu-test.sh` (builds with `--features cuda` and runs with
//! `--include-ignored`). Unless a test says otherwise the backend runs with
//! `Thresholds::ALL_ON_DEVICE`, so that even one-point MSMs exercise the kernels.

mod common;

use std::sync::Arc;

use ff::Field;
use group::{Curve, Group, prime::PrimeCurveAffine};
use rand::Rng;
use rebuttal_gpu::{CudaBackend, Thresholds, kernels_built, probe};
use rebuttal_prover::arith::{Domain, Fr, G1, G1Affine};
use rebuttal_prover::backend::{Backend, BackendError, CpuBackend, PreparedBases};
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::{ProveOptions, QuotientMemory, keygen, prove, prove_with_options, verify};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::Fibonacci;

use common::{random_bases, random_scalars, rng};

const NEEDS: &str = "needs a CUDA device: gpu/tools/gpu-test.sh";

fn gpu() -> CudaBackend {
    assert!(kernels_built(), "built without kernels ({}); {NEEDS}", rebuttal_gpu::BUILD_NOTE);
    CudaBackend::with_thresholds(Thresholds::ALL_ON_DEVICE).unwrap_or_else(|e| panic!("{e}; {NEEDS}"))
}

fn cpu_msm(scalars: &[Fr], bases: &[G1Affine]) -> G1Affine {
    CpuBackend.msm(scalars, bases).unwrap().to_affine()
}

fn gpu_msm(b: &CudaBackend, scalars: &[Fr], bases: &[G1Affine]) -> G1Affine {
    b.msm(scalars, bases).unwrap().to_affine()
}

// ---------------------------------------------------------------------------------------------
// Device.

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn probe_describes_the_device() {
    let info = probe().unwrap_or_else(|e| panic!("{e}; {NEEDS}"));
    eprintln!("device: {info}");
    assert!(!info.name.is_empty());
    assert!(info.compute_capability.0 >= 7 && info.sm_count > 0 && info.memory_bytes > 0);
    assert!(info.driver_cuda >= info.runtime_cuda || info.driver_cuda.0 == info.runtime_cuda.0);
    assert_eq!(gpu().device_info(), &info);
}

// ---------------------------------------------------------------------------------------------
// MSM: differential on random inputs.

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_matches_cpu_on_random_inputs_2_10_to_2_22() {
    let b = gpu();
    let bases = random_bases(1 << 22, 1);
    let scalars = random_scalars(1 << 22, 1);
    for log in (10..=22).step_by(2) {
        let n = 1usize << log;
        assert_eq!(gpu_msm(&b, &scalars[..n], &bases[..n]), cpu_msm(&scalars[..n], &bases[..n]), "n = 2^{log}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_matches_cpu_when_n_is_not_a_power_of_two() {
    let b = gpu();
    for (i, n) in [3usize, 31, 33, 1000, 4097, (1 << 16) + 3, 100_003, (1 << 20) - 1].into_iter().enumerate() {
        let (scalars, bases) = (random_scalars(n, 10 + i as u64), random_bases(n, 10 + i as u64));
        assert_eq!(gpu_msm(&b, &scalars, &bases), cpu_msm(&scalars, &bases), "n = {n}");
    }
}

// ---------------------------------------------------------------------------------------------
// MSM: edge cases, at sizes from one point to past sppark's batching.

const EDGE_SIZES: [usize; 7] = [1, 2, 9, 100, 3000, 20_000, 1 << 17];

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_of_nothing_is_the_identity() {
    assert_eq!(gpu().msm(&[], &[]), Ok(G1::identity()));
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_single_point() {
    let b = gpu();
    let g = G1Affine::generator();
    for s in [Fr::ZERO, Fr::ONE, -Fr::ONE, Fr::from(2u64), Fr::random(rng(1))] {
        assert_eq!(gpu_msm(&b, &[s], &[g]), (g * s).to_affine());
    }
    assert_eq!(gpu_msm(&b, &[Fr::from(5u64)], &[G1Affine::identity()]), G1Affine::identity());
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_zero_scalars() {
    let b = gpu();
    for n in EDGE_SIZES {
        let bases = random_bases(n, 3);
        assert_eq!(gpu_msm(&b, &vec![Fr::ZERO; n], &bases), G1Affine::identity(), "all zero, n = {n}");
        let mut scalars = random_scalars(n, 4);
        scalars.iter_mut().step_by(3).for_each(|s| *s = Fr::ZERO);
        assert_eq!(gpu_msm(&b, &scalars, &bases), cpu_msm(&scalars, &bases), "some zero, n = {n}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_extreme_and_small_scalars() {
    let b = gpu();
    for n in EDGE_SIZES {
        let bases = random_bases(n, 5);
        let minus_one = vec![-Fr::ONE; n];
        assert_eq!(gpu_msm(&b, &minus_one, &bases), cpu_msm(&minus_one, &bases), "r − 1, n = {n}");
        let mut r = rng(12);
        let small: Vec<Fr> = (0..n).map(|_| Fr::from(r.gen_range(0..1000u64))).collect();
        assert_eq!(gpu_msm(&b, &small, &bases), cpu_msm(&small, &bases), "small, n = {n}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_identity_bases() {
    let b = gpu();
    for n in EDGE_SIZES {
        let scalars = random_scalars(n, 11);
        assert_eq!(gpu_msm(&b, &scalars, &vec![G1Affine::identity(); n]), G1Affine::identity(), "n = {n}");
        let mut bases = random_bases(n, 11);
        bases.iter_mut().step_by(2).for_each(|p| *p = G1Affine::identity());
        assert_eq!(gpu_msm(&b, &scalars, &bases), cpu_msm(&scalars, &bases), "n = {n}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_repeated_and_cancelling_bases() {
    let b = gpu();
    let g = (G1::generator() * Fr::from(77u64)).to_affine();
    for n in EDGE_SIZES {
        // One base and one scalar: every point lands in the same bucket.
        let s = Fr::random(rng(6));
        assert_eq!(gpu_msm(&b, &vec![s; n], &vec![g; n]), (g * (s * Fr::from(n as u64))).to_affine(), "n = {n}");
        // A few bases in a cycle, random scalars.
        let scalars = random_scalars(n, 7);
        let few = random_bases(3, 8);
        let cycle: Vec<_> = (0..n).map(|i| few[i % 3]).collect();
        assert_eq!(gpu_msm(&b, &scalars, &cycle), cpu_msm(&scalars, &cycle), "cycle, n = {n}");
        // P, −P, ... with equal scalars: bucket sums hit P + (−P) = O.
        let half = random_bases(n.div_ceil(2), 9);
        let mut pm: Vec<_> = half.iter().flat_map(|p| [*p, -*p]).collect();
        pm.truncate(n);
        let same = vec![s; n];
        assert_eq!(gpu_msm(&b, &same, &pm), cpu_msm(&same, &pm), "cancelling, n = {n}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn msm_length_mismatch_is_an_error() {
    let b = gpu();
    let (bases, scalars) = (random_bases(3, 13), random_scalars(2, 13));
    assert_eq!(b.msm(&scalars, &bases), Err(BackendError::LengthMismatch { scalars: 2, bases: 3 }));
    assert_eq!(b.msm(&scalars, &[]), Err(BackendError::LengthMismatch { scalars: 2, bases: 0 }));
}

// ---------------------------------------------------------------------------------------------
// MSM with bases resident on the device.

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn prepared_bases_are_reused_across_msms_and_prefixes() {
    let b = gpu();
    let n = 1 << 20;
    let bases = random_bases(n, 14);
    let prepared = b.prepare_bases(&bases).unwrap();
    assert_eq!((prepared.len(), prepared.owner()), (n, "cuda"));
    // Many MSMs over one upload, with prefixes of every kind, and the same one twice.
    for (i, m) in [n, 0, 1, 31, 32, 33, 1000, 1 << 16, (1 << 18) + 7, n].into_iter().enumerate() {
        let scalars = random_scalars(m, 15 + i as u64);
        let got = b.msm_prepared(&scalars, &prepared).unwrap().to_affine();
        assert_eq!(got, cpu_msm(&scalars, &bases[..m]), "prefix {m}");
    }
    // A clone shares the upload; a second set lives beside the first; dropping one keeps the other.
    let clone = prepared.clone();
    let other_bases = random_bases(5000, 16);
    let other = b.prepare_bases(&other_bases).unwrap();
    drop(prepared);
    let s = random_scalars(5000, 17);
    assert_eq!(b.msm_prepared(&s, &clone).unwrap().to_affine(), cpu_msm(&s, &bases[..5000]));
    assert_eq!(b.msm_prepared(&s, &other).unwrap().to_affine(), cpu_msm(&s, &other_bases));
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn prepared_bases_survive_the_backend_and_serve_a_new_one() {
    let bases = random_bases(4096, 18);
    let prepared = gpu().prepare_bases(&bases).unwrap();
    let s = random_scalars(4096, 19);
    assert_eq!(gpu().msm_prepared(&s, &prepared).unwrap().to_affine(), cpu_msm(&s, &bases));
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn prepared_bases_below_the_threshold_stay_on_the_host() {
    let b = CudaBackend::with_thresholds(Thresholds { msm_min_points: 1000, ntt_min_log_n: 0 }).unwrap();
    let bases = random_bases(3000, 20);
    let prepared = b.prepare_bases(&bases).unwrap();
    for m in [0usize, 10, 999, 1000, 3000] {
        let s = random_scalars(m, 21 + m as u64);
        assert_eq!(b.msm_prepared(&s, &prepared).unwrap().to_affine(), cpu_msm(&s, &bases[..m]), "prefix {m}");
    }
    let small = b.prepare_bases(&bases[..10]).unwrap();
    let s = random_scalars(10, 22);
    assert_eq!(b.msm_prepared(&s, &small).unwrap().to_affine(), cpu_msm(&s, &bases[..10]));
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn prepared_bases_errors() {
    let b = gpu();
    let prepared = b.prepare_bases(&random_bases(10, 23)).unwrap();
    assert_eq!(
        b.msm_prepared(&random_scalars(11, 23), &prepared),
        Err(BackendError::TooManyScalars { scalars: 11, bases: 10 })
    );
    let empty = b.prepare_bases(&[]).unwrap();
    assert_eq!(b.msm_prepared(&[], &empty), Ok(G1::identity()));
    assert_eq!(b.msm_prepared(&[Fr::ONE], &empty), Err(BackendError::TooManyScalars { scalars: 1, bases: 0 }));
    let cpu_prepared = CpuBackend.prepare_bases(&random_bases(4, 24)).unwrap();
    assert_eq!(
        b.msm_prepared(&random_scalars(2, 24), &cpu_prepared),
        Err(BackendError::ForeignBases { owner: "cpu", used_by: "cuda" })
    );
    let impostor = PreparedBases::new("cuda", 4, Arc::new(0u8));
    assert_eq!(
        b.msm_prepared(&random_scalars(2, 24), &impostor),
        Err(BackendError::ForeignBases { owner: "cuda", used_by: "cuda" })
    );
}

// ---------------------------------------------------------------------------------------------
// NTT.

fn domain(k: u32) -> Domain {
    Domain::new(k).unwrap()
}

/// Runs one transform on both backends and compares.
fn same_transform(b: &CudaBackend, k: u32, what: &str, f: impl Fn(&dyn Backend, &mut Vec<Fr>)) {
    let input = random_scalars(1 << k, 1000 + k as u64);
    let (mut ours, mut cpu) = (input.clone(), input);
    f(b, &mut ours);
    f(&CpuBackend, &mut cpu);
    assert!(ours == cpu, "{what} differs from the CPU backend at k = {k}");
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn ntt_and_intt_match_cpu_2_1_to_2_22() {
    let b = gpu();
    for k in 1..=22 {
        let d = domain(k);
        same_transform(&b, k, "ntt", |be, v| be.ntt(v, &d).unwrap());
        same_transform(&b, k, "intt", |be, v| be.intt(v, &d).unwrap());
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn coset_transforms_match_cpu_with_any_shift() {
    let b = gpu();
    let shifts = [Domain::coset_generator(), Fr::from(3u64), -Fr::ONE, Fr::random(rng(99))];
    for k in [1u32, 2, 5, 10, 11, 16, 19, 22] {
        let d = domain(k);
        for (i, &s) in shifts.iter().enumerate() {
            same_transform(&b, k, &format!("coset_ntt (shift {i})"), |be, v| be.coset_ntt(v, &d, s).unwrap());
            same_transform(&b, k, &format!("coset_intt (shift {i})"), |be, v| be.coset_intt(v, &d, s).unwrap());
        }
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn ntt_round_trips_on_the_device() {
    let b = gpu();
    for k in [12u32, 20] {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 77);
        let mut v = coeffs.clone();
        b.coset_ntt(&mut v, &d, Domain::coset_generator()).unwrap();
        assert_ne!(v, coeffs);
        b.coset_intt(&mut v, &d, Domain::coset_generator()).unwrap();
        assert_eq!(v, coeffs, "k = {k}");
    }
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn ntt_input_errors_leave_the_input_untouched() {
    let b = gpu();
    let d = domain(4);
    for len in [0usize, 1, 15, 17, 32] {
        let mut values = vec![Fr::ONE; len];
        let err = Err(BackendError::DomainSizeMismatch { len, n: 16 });
        assert_eq!(b.ntt(&mut values, &d), err);
        assert_eq!(b.intt(&mut values, &d), err);
        assert_eq!(b.coset_ntt(&mut values, &d, Fr::from(7u64)), err);
        assert_eq!(b.coset_intt(&mut values, &d, Fr::from(7u64)), err);
        assert_eq!(values, vec![Fr::ONE; len]);
    }
    let mut values = random_scalars(16, 8000);
    let before = values.clone();
    assert_eq!(b.coset_ntt(&mut values, &d, Fr::ZERO), Err(BackendError::ZeroCosetShift));
    assert_eq!(b.coset_intt(&mut values, &d, Fr::ZERO), Err(BackendError::ZeroCosetShift));
    assert_eq!(values, before);
}

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn single_point_domain() {
    let b = gpu();
    let d = domain(0);
    let mut v = vec![Fr::from(42u64)];
    b.ntt(&mut v, &d).unwrap();
    b.coset_ntt(&mut v, &d, Fr::from(9u64)).unwrap();
    b.coset_intt(&mut v, &d, Fr::from(9u64)).unwrap();
    assert_eq!(v, vec![Fr::from(42u64)]);
}

// ---------------------------------------------------------------------------------------------
// Default thresholds: both sides of each threshold give the CPU's results.

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn default_thresholds_give_cpu_results_on_both_sides() {
    let b = CudaBackend::with_thresholds(Thresholds::NOT_YET_MEASURED).unwrap();
    let t = b.thresholds();
    for n in [t.msm_min_points - 1, t.msm_min_points] {
        let (s, p) = (random_scalars(n, 30), random_bases(n, 30));
        assert_eq!(gpu_msm(&b, &s, &p), cpu_msm(&s, &p), "n = {n}");
    }
    for k in [t.ntt_min_log_n - 1, t.ntt_min_log_n] {
        let d = domain(k);
        same_transform(&b, k, "coset_ntt", |be, v| be.coset_ntt(v, &d, Domain::coset_generator()).unwrap());
    }
}

// ---------------------------------------------------------------------------------------------
// End to end: keygen, prove and verify with the CUDA backend.

#[test]
#[ignore = "needs a CUDA device: gpu/tools/gpu-test.sh"]
fn fibonacci_proof_with_the_cuda_backend_equals_the_cpu_proof() {
    let k = 12;
    let circuit = Fibonacci { start: (1, 1), steps: 3000, claim: None };
    let srs = Srs::unsafe_setup(k, 1).unwrap();
    let b = gpu();
    let pk = keygen(&srs, &circuit, k, &b).unwrap();
    let proof = prove(&pk, &circuit, &b).unwrap();
    verify(pk.vk(), &circuit.instances(), &proof).unwrap();
    // The prover is deterministic: the same proof as with the CPU backend, byte for byte.
    let cpu_pk = keygen(&srs, &circuit, k, &CpuBackend).unwrap();
    assert_eq!(prove(&cpu_pk, &circuit, &CpuBackend).unwrap(), proof);
    // Also with the quotient moving every column to its sub-cosets and back on the device.
    let in_place = ProveOptions { quotient_memory: QuotientMemory::Bytes(0) };
    assert_eq!(prove_with_options(&pk, &circuit, &b, &mut rand::rngs::OsRng, &in_place).unwrap(), proof);
    // And a false claim still fails.
    let wrong = Fibonacci { claim: Some([Fr::ONE, Fr::ONE, Fr::from(5u64)]), ..circuit };
    let bad = prove(&pk, &wrong, &b).map(|p| verify(pk.vk(), &wrong.instances(), &p));
    assert!(!matches!(bad, Ok(Ok(()))), "a false claim must not verify");
}
