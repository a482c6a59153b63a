//! [`CudaBackend`]: the prover's `Backend` on a CUDA device, with small inputs on the CPU.

use std::sync::Arc;

use ff::Field;
use group::Group;
use rebuttal_prover::arith::{Domain, Fr, G1, G1Affine};
use rebuttal_prover::backend::{Backend, BackendError, CpuBackend, PreparedBases};

use crate::device::{Device, DeviceBases, DeviceInfo};
use crate::{GpuError, Thresholds};

const NAME: &str = "cuda";

/// MSM and NTTs on a CUDA GPU (sppark's kernels), with the CPU backend for inputs below the
/// [`Thresholds`]. Results are bit for bit those of [`CpuBackend`].
///
/// Prepared bases ([`Backend::prepare_bases`]) stay resident in device memory while the
/// returned [`PreparedBases`] (or a clone) lives: across the MSMs of a proof and across proofs.
/// A host copy is kept too, for prefixes below the MSM threshold.
#[derive(Debug)]
pub struct CudaBackend {
    device: Device,
    thresholds: Thresholds,
}

/// Bases prepared by [`CudaBackend`].
struct CudaBases {
    host: Arc<[G1Affine]>,
    /// `None` when the bases are too few for any MSM over them to go to the device.
    device: Option<DeviceBases>,
}

impl CudaBackend {
    /// Opens the CUDA device, with thresholds from the environment ([`Thresholds::from_env`]).
    pub fn new() -> Result<Self, GpuError> {
        Self::with_thresholds(Thresholds::from_env()?)
    }

    /// Opens the CUDA device with the given thresholds.
    pub fn with_thresholds(thresholds: Thresholds) -> Result<Self, GpuError> {
        Ok(Self { device: Device::open()?, thresholds })
    }

    /// The device in use.
    pub fn device_info(&self) -> &DeviceInfo {
        self.device.info()
    }

    /// The size thresholds in use.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    fn ntt_inner(
        &self,
        values: &mut [Fr],
        domain: &Domain,
        inverse: bool,
        coset: Option<Fr>,
    ) -> Result<(), BackendError> {
        self.device.ntt(values, domain.k(), inverse, coset)
    }
}

fn check_len(values: &[Fr], domain: &Domain) -> Result<(), BackendError> {
    if values.len() != domain.n() {
        return Err(BackendError::DomainSizeMismatch { len: values.len(), n: domain.n() });
    }
    Ok(())
}

impl Backend for CudaBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn msm(&self, scalars: &[Fr], bases: &[G1Affine]) -> Result<G1, BackendError> {
        if scalars.len() != bases.len() {
            return Err(BackendError::LengthMismatch { scalars: scalars.len(), bases: bases.len() });
        }
        if !self.thresholds.msm_on_device(scalars.len()) {
            return CpuBackend.msm(scalars, bases);
        }
        self.device.msm(scalars, bases)
    }

    fn prepare_bases(&self, bases: &[G1Affine]) -> Result<PreparedBases, BackendError> {
        let device =
            if self.thresholds.msm_on_device(bases.len()) { Some(self.device.upload_bases(bases)?) } else { None };
        let prepared = CudaBases { host: bases.into(), device };
        Ok(PreparedBases::new(NAME, bases.len(), Arc::new(prepared)))
    }

    fn msm_prepared(&self, scalars: &[Fr], bases: &PreparedBases) -> Result<G1, BackendError> {
        let CudaBases { host, device } = bases.downcast::<CudaBases>(NAME)?;
        if scalars.len() > host.len() {
            return Err(BackendError::TooManyScalars { scalars: scalars.len(), bases: host.len() });
        }
        match device {
            Some(resident) if self.thresholds.msm_on_device(scalars.len()) => {
                self.device.msm_resident(resident, scalars)
            }
            _ if scalars.is_empty() => Ok(G1::identity()),
            _ => CpuBackend.msm(scalars, &host[..scalars.len()]),
        }
    }

    fn ntt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError> {
        check_len(values, domain)?;
        if !self.thresholds.ntt_on_device(domain.k()) {
            return CpuBackend.ntt(values, domain);
        }
        self.ntt_inner(values, domain, false, None)
    }

    fn intt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError> {
        check_len(values, domain)?;
        if !self.thresholds.ntt_on_device(domain.k()) {
            return CpuBackend.intt(values, domain);
        }
        self.ntt_inner(values, domain, true, None)
    }

    fn coset_ntt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError> {
        check_len(values, domain)?;
        if shift.is_zero_vartime() {
            return Err(BackendError::ZeroCosetShift);
        }
        if !self.thresholds.ntt_on_device(domain.k()) {
            return CpuBackend.coset_ntt(values, domain, shift);
        }
        self.ntt_inner(values, domain, false, Some(shift))
    }

    fn coset_intt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError> {
        check_len(values, domain)?;
        let shift_inv = Option::<Fr>::from(shift.invert()).ok_or(BackendError::ZeroCosetShift)?;
        if !self.thresholds.ntt_on_device(domain.k()) {
            return CpuBackend.coset_intt(values, domain, shift);
        }
        self.ntt_inner(values, domain, true, Some(shift_inv))
    }
}
