//! Stand-in for builds without CUDA kernels: no value of these types can exist.

use rebuttal_prover::arith::{Fr, G1, G1Affine};
use rebuttal_prover::backend::BackendError;

use super::DeviceInfo;
use crate::{BUILD_NOTE, GpuError};

/// No device: this build has no kernels.
#[derive(Debug)]
pub(crate) enum Device {}

/// No resident bases: this build has no kernels.
#[derive(Debug)]
pub(crate) enum DeviceBases {}

impl Device {
    pub(crate) fn open() -> Result<Self, GpuError> {
        Err(GpuError::NotBuilt(BUILD_NOTE))
    }

    pub(crate) fn info(&self) -> &DeviceInfo {
        match *self {}
    }

    pub(crate) fn msm(&self, _: &[Fr], _: &[G1Affine]) -> Result<G1, BackendError> {
        match *self {}
    }

    pub(crate) fn upload_bases(&self, _: &[G1Affine]) -> Result<DeviceBases, BackendError> {
        match *self {}
    }

    pub(crate) fn msm_resident(&self, _: &DeviceBases, _: &[Fr]) -> Result<G1, BackendError> {
        match *self {}
    }

    pub(crate) fn ntt(&self, _: &mut [Fr], _: u32, _: bool, _: Option<Fr>) -> Result<(), BackendError> {
        match *self {}
    }
}
