//! Size thresholds below which work stays on the CPU.
//!
//! A GPU call has a fixed cost (launches, host↔device copies of the inputs, synchronisation),
//! so small MSMs and NTTs are faster on the CPU. Where the crossover lies depends on the GPU, the
//! CPU and the bus: measure it with `cargo bench -p rebuttal-gpu --features cuda --bench
//! gpu_vs_cpu -- threshold` on the target machine.

use crate::GpuError;

/// Environment variable overriding [`Thresholds::msm_min_points`].
pub const MSM_MIN_ENV: &str = "REBUTTAL_GPU_MSM_MIN";
/// Environment variable overriding [`Thresholds::ntt_min_log_n`].
pub const NTT_MIN_LOG_ENV: &str = "REBUTTAL_GPU_NTT_MIN_LOG";

/// Sizes from which [`CudaBackend`](crate::CudaBackend) uses the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// MSMs of fewer points run on the CPU.
    pub msm_min_points: usize,
    /// NTTs over domains of fewer than `2^ntt_min_log_n` points run on the CPU.
    pub ntt_min_log_n: u32,
}

impl Thresholds {
    /// The defaults: NOT YET MEASURED. They are placeholders of the usual order of magnitude
    /// (2^14 for both) until the threshold sweep of the `gpu_vs_cpu` bench has run on a GPU
    /// machine; override them with [`MSM_MIN_ENV`] and [`NTT_MIN_LOG_ENV`].
    pub const NOT_YET_MEASURED: Self = Self { msm_min_points: 1 << 14, ntt_min_log_n: 14 };

    /// Every MSM and NTT (of at least 2 points) on the device: for tests and benches.
    pub const ALL_ON_DEVICE: Self = Self { msm_min_points: 0, ntt_min_log_n: 0 };

    /// [`Thresholds::NOT_YET_MEASURED`] with any override from the environment.
    pub fn from_env() -> Result<Self, GpuError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// As [`Thresholds::from_env`], reading variables through `lookup` (testable).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, GpuError> {
        let mut t = Self::NOT_YET_MEASURED;
        if let Some(v) = lookup(MSM_MIN_ENV) {
            t.msm_min_points = parse(MSM_MIN_ENV, &v, u64::from(u32::MAX))? as usize;
        }
        if let Some(v) = lookup(NTT_MIN_LOG_ENV) {
            t.ntt_min_log_n = parse(NTT_MIN_LOG_ENV, &v, u64::from(rebuttal_prover::arith::MAX_K) + 1)? as u32;
        }
        Ok(t)
    }

    /// Whether an MSM of `n` points goes to the device.
    pub fn msm_on_device(&self, n: usize) -> bool {
        n >= self.msm_min_points.max(1)
    }

    /// Whether an NTT over `2^log_n` points goes to the device (never for a single point).
    pub fn ntt_on_device(&self, log_n: u32) -> bool {
        log_n >= self.ntt_min_log_n.max(1)
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::NOT_YET_MEASURED
    }
}

fn parse(var: &'static str, value: &str, max: u64) -> Result<u64, GpuError> {
    let invalid = |problem: String| GpuError::InvalidEnv { var, value: value.to_string(), problem };
    let n: u64 = value.trim().parse().map_err(|e| invalid(format!("not a non-negative integer ({e})")))?;
    if n > max {
        return Err(invalid(format!("at most {max} is allowed")));
    }
    Ok(n)
}
