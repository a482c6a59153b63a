//! The selection API and the fallback path; runs on every machine (no GPU needed).
//!
//! Where no usable device exists (CI), `Auto` must fall back to the CPU with one log line giving
//! the reason and `Cuda` must fail with that reason. Where one exists, both give the GPU.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use group::Curve;
use rebuttal_gpu::{
    BUILD_NOTE, BackendChoice, GpuError, MSM_MIN_ENV, NTT_MIN_LOG_ENV, Thresholds, kernels_built, probe, select_backend,
};
use rebuttal_prover::arith::Domain;
use rebuttal_prover::backend::{Backend, CpuBackend};

use common::{random_bases, random_scalars};

/// Log output captured from a closure run under its own subscriber.
fn captured_logs<T>(f: impl FnOnce() -> T) -> (T, String) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buf.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    (out, text)
}

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
    let (backend, logs) = captured_logs(|| select_backend(BackendChoice::Cpu));
    assert_eq!(backend.unwrap().name(), "cpu");
    assert_eq!(logs, "", "choosing the CPU logs nothing");
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
    let (auto, logs) = captured_logs(|| select_backend(BackendChoice::Auto));
    let auto = auto.expect("auto never fails with valid thresholds");
    let lines: Vec<&str> = logs.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one log line: {logs:?}");
    match probe() {
        Ok(info) => {
            assert_eq!(auto.name(), "cuda");
            assert!(lines[0].contains("using the CUDA backend") && lines[0].contains(&info.name), "{logs}");
            assert_eq!(select_backend(BackendChoice::Cuda).unwrap().name(), "cuda");
        }
        Err(reason) => {
            assert_eq!(auto.name(), "cpu");
            assert!(lines[0].contains("using the CPU backend") && lines[0].contains(&reason.to_string()), "{logs}");
            let level = if matches!(reason, GpuError::NotBuilt(_)) { "INFO" } else { "WARN" };
            assert!(lines[0].contains(level), "{logs}");
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
