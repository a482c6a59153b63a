//! CUDA implementation of rebuttal's arithmetic [`Backend`](rebuttal_prover::backend::Backend):
//! MSM over BN254 G1 and NTTs over `Fr`, on sppark's kernels.
//!
//! - [`CudaBackend`]: the GPU backend. Results equal [`CpuBackend`]'s bit for bit (points after
//!   normalisation to affine). Inputs below the [`Thresholds`] go to the CPU backend.
//! - [`select_backend`] with a [`BackendChoice`] (`cpu`, `cuda`, `auto`): what a CLI flag
//!   `--backend` needs. `auto` falls back to the CPU with one log line saying why.
//! - [`probe`]: whether a usable device exists, and which.
//!
//! The kernels exist only when the crate is built with feature `cuda` on a machine where `nvcc`
//! is found ([`kernels_built`]); otherwise everything compiles, and asking for the GPU backend
//! is an error ([`GpuError::NotBuilt`]).
//!
//! [`CpuBackend`]: rebuttal_prover::backend::CpuBackend

mod backend;
// Used only by the kernel calls, which a build without kernels lacks.
#[cfg_attr(not(rebuttal_cuda_kernels), allow(dead_code))]
mod convert;
mod device;
mod error;
mod select;
mod thresholds;

pub use backend::CudaBackend;
pub use device::{DeviceInfo, probe};
pub use error::GpuError;
pub use select::{BackendChoice, Selection, choose_backend, select_backend};
pub use thresholds::{MSM_MIN_ENV, NTT_MIN_LOG_ENV, Thresholds};

/// Whether this build carries CUDA kernels (feature `cuda` and nvcc found at build time).
pub const fn kernels_built() -> bool {
    cfg!(rebuttal_cuda_kernels)
}

/// How this crate was built: whether kernels were compiled, with which nvcc, or why not.
pub const BUILD_NOTE: &str = env!("REBUTTAL_GPU_BUILD_NOTE");
