//! The selection API and the fallback path; runs on every machine (no GPU needed).
//!
//! Where no usable device exists (CI), `Auto` must fall back to the CPU with one log line giving
//! the reason and `Cuda` must fail with that reason. Where one exists, both give the GPU.

mod common;

use group::Curve;
use rebuttal_gpu::{
    BUILD_NOTE, BackendChoice, GpuError, MSM_MIN_ENV, NTT_MIN_LOG_ENV, Thresholds, choose_backend, kernels_built,
    probe, select_backend,
};
use rebuttal_prover::arith::Domain;
use rebuttal_prover::backend::{Backend, CpuBackend};

use common::{random_bases, random_scalars};

#[test]
fn choice_names_round_trip() {
    for c in BackendChoice::ALL {
        assert_eq!(c.to_string().parse::<BackendChoice>(), Ok(c));
    }
    assert_eq!(" CUDA ".parse::<BackendChoice>(), Ok(BackendChoice::Cuda));
    assert_eq!("Auto".parse::<BackendChoice>(), Ok(BackendChoice::Auto));
    assert_eq!(BackendChoice::default(), BackendChoice::Auto);
}

#[test]
fn unknown_choice_is_an_error_naming_the_input() {
    let err = "gpu".parse::<BackendChoice>().unwrap_err();
    assert_eq!(err, GpuError::UnknownBackend("gpu".into()));
    assert_eq!(err.to_string(), "unknown backend \"gpu\": expected cpu, cuda or auto");
    assert!("".parse::<BackendChoice>().is_err());
}

#[test]
fn cpu_choice_is_the_cpu_backend() {
    let selection = choose_backend(BackendChoice::Cpu).unwrap();
    assert_eq!(selection.backend.name(), "cpu");
    assert!(selection.note.is_none(), "choosing the CPU needs no word");
}

#[test]
fn build_note_matches_the_build() {
    assert_eq!(kernels_built(), BUILD_NOTE.starts_with("built with CUDA kernels"), "{BUILD_NOTE}");
    if !kernels_built() {
        assert!(BUILD_NOTE.starts_with("built without CUDA kernels: "), "{BUILD_NOTE}");
    }
}

/// Builds with kernels are covered by `cuda_choice_and_auto_agree_with_probe`.
#[cfg(not(rebuttal_cuda_kernels))]
#[test]
fn without_kernels_every_gpu_request_says_so() {
    assert!(!kernels_built());
    let expected = GpuError::NotBuilt(BUILD_NOTE);
    assert_eq!(probe(), Err(expected.clone()));
    assert_eq!(rebuttal_gpu::CudaBackend::with_thresholds(Thresholds::NOT_YET_MEASURED).unwrap_err(), expected);
    let message = select_backend(BackendChoice::Cuda).unwrap_err().to_string();
    assert!(message.starts_with("no GPU backend: rebuttal-gpu was built without CUDA kernels: "), "{message}");
}

#[test]
fn cuda_choice_and_auto_agree_with_probe() {
    let auto = choose_backend(BackendChoice::Auto).expect("auto never fails with valid thresholds");
    let (level, line) = auto.note.expect("auto always says what it chose");
    match probe() {
        Ok(info) => {
            assert_eq!(auto.backend.name(), "cuda");
            assert_eq!(level, tracing::Level::INFO);
            assert!(line.starts_with("using the CUDA backend on ") && line.contains(&info.name), "{line}");
            assert_eq!(select_backend(BackendChoice::Cuda).unwrap().name(), "cuda");
        }
        Err(reason) => {
            assert_eq!(auto.backend.name(), "cpu");
            assert_eq!(line, format!("using the CPU backend: {reason}"));
            let expected =
                if matches!(reason, GpuError::NotBuilt(_)) { tracing::Level::INFO } else { tracing::Level::WARN };
            assert_eq!(level, expected);
            assert_eq!(select_backend(BackendChoice::Cuda).unwrap_err(), reason);
        }
    }
}

#[test]
fn selected_backend_computes_what_the_cpu_does() {
    // Sizes above the default thresholds, so that a GPU, where present, does the work.
    let backend = select_backend(BackendChoice::Auto).unwrap();
    let n = 1 << 15;
    let (scalars, bases) = (random_scalars(n, 1), random_bases(n, 1));
    assert_eq!(
        backend.msm(&scalars, &bases).unwrap().to_affine(),
        CpuBackend.msm(&scalars, &bases).unwrap().to_affine()
    );
    let prepared = backend.prepare_bases(&bases).unwrap();
    assert_eq!(
        backend.msm_prepared(&scalars[..n - 5], &prepared).unwrap().to_affine(),
        CpuBackend.msm(&scalars[..n - 5], &bases[..n - 5]).unwrap().to_affine()
    );
    let d = Domain::new(15).unwrap();
    let (mut ours, mut cpu) = (scalars.clone(), scalars);
    backend.coset_ntt(&mut ours, &d, Domain::coset_generator()).unwrap();
    CpuBackend.coset_ntt(&mut cpu, &d, Domain::coset_generator()).unwrap();
    assert_eq!(ours, cpu);
}

#[test]
fn thresholds_from_the_environment() {
    let none = |_: &str| None;
    assert_eq!(Thresholds::from_lookup(none), Ok(Thresholds::NOT_YET_MEASURED));
    let both = |v: &str| match v {
        MSM_MIN_ENV => Some("4096".to_string()),
        NTT_MIN_LOG_ENV => Some(" 12 ".to_string()),
        _ => None,
    };
    assert_eq!(Thresholds::from_lookup(both), Ok(Thresholds { msm_min_points: 4096, ntt_min_log_n: 12 }));
    for (var, bad) in [(MSM_MIN_ENV, "-1"), (MSM_MIN_ENV, "lots"), (NTT_MIN_LOG_ENV, "30"), (NTT_MIN_LOG_ENV, "")] {
        let err = Thresholds::from_lookup(|v| (v == var).then(|| bad.to_string())).unwrap_err();
        assert!(matches!(&err, GpuError::InvalidEnv { var: v, value, .. } if *v == var && value == bad), "{err}");
        assert!(err.to_string().starts_with(&format!("environment variable {var}=")), "{err}");
    }
}

#[test]
fn threshold_decisions() {
    let t = Thresholds { msm_min_points: 100, ntt_min_log_n: 10 };
    assert!(!t.msm_on_device(99) && t.msm_on_device(100));
    assert!(!t.ntt_on_device(9) && t.ntt_on_device(10));
    // Even "everything on the device" leaves the empty MSM and the 1-point NTT to the CPU.
    let all = Thresholds::ALL_ON_DEVICE;
    assert!(!all.msm_on_device(0) && all.msm_on_device(1));
    assert!(!all.ntt_on_device(0) && all.ntt_on_device(1));
}
