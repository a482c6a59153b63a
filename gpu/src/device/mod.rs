//! The device: run-time detection and the calls into the CUDA kernels. Without kernels in the
//! build, [`Device`] is uninhabited and opening it reports why.

#[cfg(not(rebuttal_cuda_kernels))]
mod absent;
#[cfg(rebuttal_cuda_kernels)]
mod cuda;

#[cfg(not(rebuttal_cuda_kernels))]
pub(crate) use absent::{Device, DeviceBases};
#[cfg(rebuttal_cuda_kernels)]
pub(crate) use cuda::{Device, DeviceBases};

use crate::GpuError;

/// The GPU the backend runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Marketing name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
    /// Compute capability (major, minor), e.g. (9, 0).
    pub compute_capability: (u32, u32),
    /// Streaming multiprocessors.
    pub sm_count: u32,
    /// Device memory in bytes.
    pub memory_bytes: u64,
    /// CUDA version the driver supports, e.g. (13, 0).
    pub driver_cuda: (u32, u32),
    /// CUDA runtime version the kernels were built with.
    pub runtime_cuda: (u32, u32),
}

impl std::fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (ma, mi) = self.compute_capability;
        write!(
            f,
            "{} (sm_{ma}{mi}, {} SMs, {:.1} GiB, driver CUDA {}.{}, runtime CUDA {}.{})",
            self.name,
            self.sm_count,
            self.memory_bytes as f64 / (1u64 << 30) as f64,
            self.driver_cuda.0,
            self.driver_cuda.1,
            self.runtime_cuda.0,
            self.runtime_cuda.1
        )
    }
}

/// The usable CUDA device, or why there is none (built without kernels, no driver, driver too
/// old for the kernels, no device, unsupported device). Never panics, also on machines without
/// the NVIDIA driver.
pub fn probe() -> Result<DeviceInfo, GpuError> {
    Device::open().map(|d| d.info().clone())
}
