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

/// A chosen backend and the one line [`select_backend`] logs about the choice.
pub struct Selection {
    /// The backend to prove with.
    pub backend: Arc<dyn Backend>,
    /// What to log, and at which level; `None` when the choice needs no word (`Cpu`).
    pub note: Option<(tracing::Level, String)>,
}

/// The backend for `choice` and the line to log about it, without logging (see [`select_backend`]).
pub fn choose_backend(choice: BackendChoice) -> Result<Selection, GpuError> {
    let on_gpu = |backend: CudaBackend| {
        let line = format!("using the CUDA backend on {}", backend.device_info());
        Selection { backend: Arc::new(backend), note: Some((tracing::Level::INFO, line)) }
    };
    let on_cpu = |level, e: GpuError| Selection {
        backend: Arc::new(CpuBackend),
        note: Some((level, format!("using the CPU backend: {e}"))),
    };
    match choice {
        BackendChoice::Cpu => Ok(Selection { backend: Arc::new(CpuBackend), note: None }),
        BackendChoice::Cuda => CudaBackend::new().map(on_gpu),
        BackendChoice::Auto => match CudaBackend::new() {
            Ok(backend) => Ok(on_gpu(backend)),
            Err(e @ GpuError::InvalidEnv { .. }) => Err(e),
            // A build without kernels is a deliberate configuration, not a fault.
            Err(e @ GpuError::NotBuilt(_)) => Ok(on_cpu(tracing::Level::INFO, e)),
            Err(e) => Ok(on_cpu(tracing::Level::WARN, e)),
        },
    }
}

/// The backend for `choice`, logging the choice in one line.
///
/// - `Cpu`: the CPU backend; logs nothing.
/// - `Cuda`: the CUDA backend, or the error saying why it cannot be had (built without kernels,
///   no driver, driver too old, no device).
/// - `Auto`: the CUDA backend if it can be had, else the CPU backend with one log line giving
///   the reason (`info` when the build has no kernels, `warn` when it has kernels but no usable
///   device). An invalid threshold variable is an error in every case, never a silent fallback.
///
/// Both GPU choices read the thresholds from the environment ([`crate::Thresholds::from_env`]).
pub fn select_backend(choice: BackendChoice) -> Result<Arc<dyn Backend>, GpuError> {
    let Selection { backend, note } = choose_backend(choice)?;
    if let Some((level, line)) = note {
        if level == tracing::Level::WARN {
            tracing::warn!("{line}");
        } else {
            tracing::info!("{line}");
        }
    }
    Ok(backend)
}
