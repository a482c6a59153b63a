//! An invalid threshold variable is an error for every GPU choice, never a silent fallback.
//! Alone in its binary: it sets a process environment variable.

use rebuttal_gpu::{BackendChoice, GpuError, MSM_MIN_ENV, select_backend};

#[test]
fn invalid_threshold_variable_is_an_error() {
    // SAFETY: the only test in this binary, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var(MSM_MIN_ENV, "many") };
    for choice in [BackendChoice::Cuda, BackendChoice::Auto] {
        let err = select_backend(choice).unwrap_err();
        assert!(matches!(&err, GpuError::InvalidEnv { var, .. } if *var == MSM_MIN_ENV), "{choice}: {err}");
    }
    assert_eq!(select_backend(BackendChoice::Cpu).unwrap().name(), "cpu");
    // SAFETY: as above.
    unsafe { std::env::remove_var(MSM_MIN_ENV) };
}
