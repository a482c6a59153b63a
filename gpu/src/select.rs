//! Choosing a backend at run time (the CLI's `--backend cpu|cuda|auto`).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rebuttal_prover::backend::{Backend, CpuBackend};

use crate::{CudaBackend, GpuError};

/// Which backend to prove with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// The CPU backend.
    Cpu,
    /// The CUDA backend; an error when it cannot be had.
    Cuda,
    /// The CUDA backend when a usable device exists, else the CPU backend (logged once).
    #[default]
    Auto,
}

impl BackendChoice {
    /// Every choice, in the order of its names in help texts.
    pub const ALL: [Self; 3] = [Self::Cpu, Self::Cuda, Self::Auto];

    /// The name accepted by [`FromStr`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
            Self::Auto => "auto",
        }
    }
}

impl fmt::Display for BackendChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BackendChoice {
    type Err = GpuError;

    /// `cpu`, `cuda` or `auto`, in any case, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, GpuError> {
        let name = s.trim();
        Self::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(name)).ok_or(GpuError::UnknownBackend(s.into()))
    }
}

/// The backend for `choice`.
///
/// - `Cpu`: the CPU backend.
/// - `Cuda`: the CUDA backend, or the error saying why it cannot be had (built without kernels,
///   no driver, driver too old, no device).
/// - `Auto`: the CUDA backend if it can be had, else the CPU backend with one log line giving
///   the reason (`info` when the build has no kernels, `warn` when it has kernels but no usable
///   device). An invalid threshold variable is an error in every case, never a silent fallback.
///
/// Both GPU choices read the thresholds from the environment ([`crate::Thresholds::from_env`]).
pub fn select_backend(choice: BackendChoice) -> Result<Arc<dyn Backend>, GpuError> {
    match choice {
        BackendChoice::Cpu => Ok(Arc::new(CpuBackend)),
        BackendChoice::Cuda => {
            let backend = CudaBackend::new()?;
            tracing::info!(device = %backend.device_info(), "using the CUDA backend");
            Ok(Arc::new(backend))
        }
        BackendChoice::Auto => match CudaBackend::new() {
            Ok(backend) => {
                tracing::info!(device = %backend.device_info(), "using the CUDA backend");
                Ok(Arc::new(backend))
            }
            Err(e @ GpuError::InvalidEnv { .. }) => Err(e),
            Err(e @ GpuError::NotBuilt(_)) => {
                tracing::info!("using the CPU backend: {e}");
                Ok(Arc::new(CpuBackend))
            }
            Err(e) => {
                tracing::warn!("using the CPU backend: {e}");
                Ok(Arc::new(CpuBackend))
            }
        },
    }
}
