//! The arithmetic backend: every multi-scalar multiplication and NTT the prover performs goes
//! through [`Backend`], so that a GPU implementation (crate `rebuttal-gpu`) can replace the CPU
//! one without the prover knowing.
//!
//! Contract for every implementation:
//! - results are bit-for-bit those of [`CpuBackend`] (after normalising points to affine);
//! - no input makes it panic: mismatched lengths or wrong sizes are a [`BackendError`];
//! - an MSM of zero points is the identity; scalars may be zero, bases may repeat or be the
//!   identity.

pub mod cpu;

use std::any::Any;
use std::sync::Arc;

use crate::arith::{Domain, Fr, G1, G1Affine};

pub use cpu::CpuBackend;

/// Errors from a backend call. Each names the sizes involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// `msm` was given different numbers of scalars and bases.
    #[error("MSM given {scalars} scalars but {bases} bases: the lengths must match")]
    LengthMismatch { scalars: usize, bases: usize },
    /// `msm_prepared` was given more scalars than there are prepared bases.
    #[error("MSM given {scalars} scalars but only {bases} prepared bases")]
    TooManyScalars { scalars: usize, bases: usize },
    /// An NTT input whose length is not the domain's size.
    #[error("NTT input has {len} values but the domain has {n} points")]
    DomainSizeMismatch { len: usize, n: usize },
    /// A coset shift of zero (the coset would not be a coset).
    #[error("coset shift must be non-zero")]
    ZeroCosetShift,
    /// Prepared bases used with a backend other than the one that prepared them.
    #[error("bases prepared by backend `{owner}` cannot be used by backend `{used_by}`")]
    ForeignBases { owner: &'static str, used_by: &'static str },
    /// The device failed (GPU backends).
    #[error("backend `{backend}` failed: {message}")]
    Device { backend: &'static str, message: String },
}

/// Bases (typically an SRS) prepared once for repeated MSMs by one backend: precomputed tables
/// on the CPU, or bases resident in device memory on a GPU.
#[derive(Clone)]
pub struct PreparedBases {
    owner: &'static str,
    len: usize,
    inner: Arc<dyn Any + Send + Sync>,
}

impl PreparedBases {
    /// Wraps a backend's own representation. Only backends call this.
    pub fn new(owner: &'static str, len: usize, inner: Arc<dyn Any + Send + Sync>) -> Self {
        Self { owner, len, inner }
    }

    /// Number of bases prepared; an MSM may use any prefix of them.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no bases were prepared.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Name of the backend that prepared these bases.
    pub fn owner(&self) -> &'static str {
        self.owner
    }

    /// The backend's representation, if `backend` prepared these bases and `T` is its type.
    pub fn downcast<T: Any + Send + Sync>(&self, backend: &'static str) -> Result<&T, BackendError> {
        if self.owner != backend {
            return Err(BackendError::ForeignBases { owner: self.owner, used_by: backend });
        }
        self.inner.downcast_ref::<T>().ok_or(BackendError::ForeignBases { owner: self.owner, used_by: backend })
    }
}

impl std::fmt::Debug for PreparedBases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBases").field("owner", &self.owner).field("len", &self.len).finish()
    }
}

/// MSM over G1 and NTTs over `Fr`: the arithmetic that dominates proving time.
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// A short name for logs and errors (`"cpu"`, `"cuda"`).
    fn name(&self) -> &'static str;

    /// `Σ scalars[i] · bases[i]`.
    fn msm(&self, scalars: &[Fr], bases: &[G1Affine]) -> Result<G1, BackendError>;

    /// Prepares bases for repeated use by [`Backend::msm_prepared`].
    fn prepare_bases(&self, bases: &[G1Affine]) -> Result<PreparedBases, BackendError>;

    /// `Σ scalars[i] · bases[i]` over the first `scalars.len()` prepared bases.
    fn msm_prepared(&self, scalars: &[Fr], bases: &PreparedBases) -> Result<G1, BackendError>;

    /// In place: coefficients → evaluations over `domain` (natural order in, natural order out).
    fn ntt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError>;

    /// In place: evaluations over `domain` → coefficients.
    fn intt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError>;

    /// In place: coefficients → evaluations over the coset `shift · domain`.
    fn coset_ntt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError>;

    /// In place: evaluations over the coset `shift · domain` → coefficients.
    fn coset_intt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError>;
}
