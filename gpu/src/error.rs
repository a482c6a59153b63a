//! Errors of the GPU crate.

/// Why the GPU backend cannot be had, or an input to this crate is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuError {
    /// The crate was built without CUDA kernels.
    #[error("no GPU backend: rebuttal-gpu was {0}")]
    NotBuilt(&'static str),
    /// Kernels are built but no usable device was found (no driver, no device, old driver...).
    #[error("no GPU backend: {0}")]
    Unavailable(String),
    /// The device failed while being set up.
    #[error("GPU backend failed: {0}")]
    Device(String),
    /// An environment variable read by this crate has an invalid value.
    #[error("environment variable {var}={value:?} is invalid: {problem}")]
    InvalidEnv { var: &'static str, value: String, problem: String },
    /// A backend name that is not `cpu`, `cuda` or `auto`.
    #[error("unknown backend {0:?}: expected cpu, cuda or auto")]
    UnknownBackend(String),
}
