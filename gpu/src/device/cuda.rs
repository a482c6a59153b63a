//! Calls into the CUDA glue (gpu/cuda/*.cu). Every call returns a status that becomes an error;
//! no C++ exception crosses the boundary (the glue catches them all).
//!
//! All device work in the process is serialised by one lock: sppark's per-GPU streams and its
//! MSM scratch are shared state, and every call here uses the whole GPU anyway.

use std::ffi::{CStr, c_char, c_void};
use std::mem::{offset_of, size_of};
use std::sync::{Mutex, MutexGuard};

use group::prime::PrimeCurveAffine;
use rebuttal_prover::arith::{Fr, G1, G1Affine};
use rebuttal_prover::backend::BackendError;

// Link sppark's device registry and blst's host field arithmetic, which the glue calls.
use blst as _;
use sppark as _;

use super::DeviceInfo;
use crate::GpuError;
use crate::convert::jacobian_to_affine;

// The kernels read halo2curves' values in place: the layouts must be the ones documented in
// gpu/cuda/common.cuh (values checked by gpu/tests/layout.rs).
const _: () = {
    assert!(size_of::<Fr>() == 32 && offset_of!(Fr, 0) == 0);
    assert!(size_of::<G1Affine>() == 64 && offset_of!(G1Affine, x) == 0 && offset_of!(G1Affine, y) == 32);
};

const BACKEND: &str = "cuda";

/// Mirrors `rb_status` in common.cuh.
#[repr(C)]
struct Status {
    code: i32,
    message: [c_char; 512],
}

/// Mirrors `rb_device_info` in device.cu.
#[repr(C)]
struct RawDeviceInfo {
    name: [c_char; 256],
    major: i32,
    minor: i32,
    sm_count: i32,
    total_memory: u64,
    driver_version: i32,
    runtime_version: i32,
}

unsafe extern "C" {
    fn rebuttal_gpu_probe(info: *mut RawDeviceInfo, st: *mut Status);
    fn rebuttal_gpu_msm(points: *const c_void, scalars: *const c_void, n: usize, out: *mut u64, st: *mut Status);
    fn rebuttal_gpu_bases_new(points: *const c_void, n: usize, st: *mut Status) -> *mut c_void;
    fn rebuttal_gpu_bases_msm(handle: *mut c_void, scalars: *const c_void, n: usize, out: *mut u64, st: *mut Status);
    fn rebuttal_gpu_bases_free(handle: *mut c_void);
    fn rebuttal_gpu_ntt(values: *mut c_void, lg_n: u32, inverse: i32, coset: *const c_void, st: *mut Status);
}

static GPU: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    // A panic elsewhere while holding the lock leaves no device state half-updated on our side.
    GPU.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Status {
    fn new() -> Self {
        Self { code: -1, message: [0; 512] }
    }

    fn message(&self) -> String {
        // The glue always NUL-terminates; the last byte is forced to NUL anyway.
        let mut bytes = self.message;
        bytes[511] = 0;
        // SAFETY: `bytes` is NUL-terminated.
        unsafe { CStr::from_ptr(bytes.as_ptr()) }.to_string_lossy().into_owned()
    }

    fn into_result(self) -> Result<(), BackendError> {
        match self.code {
            0 => Ok(()),
            _ => Err(BackendError::Device { backend: BACKEND, message: self.message() }),
        }
    }
}

/// An open CUDA device (sppark's device 0).
#[derive(Debug)]
pub(crate) struct Device {
    info: DeviceInfo,
}

/// MSM bases resident in device memory; freed on drop.
#[derive(Debug)]
pub(crate) struct DeviceBases {
    handle: *mut c_void,
    len: usize,
}

// SAFETY: the handle is an owning pointer to a C++ object that is only touched under `lock()`.
unsafe impl Send for DeviceBases {}
// SAFETY: as above; shared references only pass the handle to calls made under `lock()`.
unsafe impl Sync for DeviceBases {}

impl Drop for DeviceBases {
    fn drop(&mut self) {
        let _guard = lock();
        // SAFETY: `handle` came from `rebuttal_gpu_bases_new` and is freed exactly once.
        unsafe { rebuttal_gpu_bases_free(self.handle) };
    }
}

fn version(v: i32) -> (u32, u32) {
    let v = v.max(0) as u32;
    (v / 1000, v % 1000 / 10)
}

fn point(words: &[u64; 12]) -> Result<G1, BackendError> {
    jacobian_to_affine(words).map(G1::from).ok_or_else(|| BackendError::Device {
        backend: BACKEND,
        message: "the device returned an MSM result that is not a canonical point on the curve".into(),
    })
}

impl Device {
    pub(crate) fn open() -> Result<Self, GpuError> {
        let _guard = lock();
        let mut raw = RawDeviceInfo {
            name: [0; 256],
            major: 0,
            minor: 0,
            sm_count: 0,
            total_memory: 0,
            driver_version: 0,
            runtime_version: 0,
        };
        let mut st = Status::new();
        // SAFETY: both pointers are valid for writes of their types.
        unsafe { rebuttal_gpu_probe(&mut raw, &mut st) };
        match st.code {
            0 => {}
            6 | 7 => return Err(GpuError::Device(st.message())),
            _ => return Err(GpuError::Unavailable(st.message())),
        }
        raw.name[255] = 0;
        // SAFETY: NUL-terminated above.
        let name = unsafe { CStr::from_ptr(raw.name.as_ptr()) }.to_string_lossy().into_owned();
        let info = DeviceInfo {
            name,
            compute_capability: (raw.major.max(0) as u32, raw.minor.max(0) as u32),
            sm_count: raw.sm_count.max(0) as u32,
            memory_bytes: raw.total_memory,
            driver_cuda: version(raw.driver_version),
            runtime_cuda: version(raw.runtime_version),
        };
        Ok(Self { info })
    }

    pub(crate) fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// `Σ scalars[i]·bases[i]`; the caller has checked that the lengths match and are non-zero.
    pub(crate) fn msm(&self, scalars: &[Fr], bases: &[G1Affine]) -> Result<G1, BackendError> {
        debug_assert_eq!(scalars.len(), bases.len());
        let mut out = [0u64; 12];
        let mut st = Status::new();
        {
            let _guard = lock();
            // SAFETY: `bases` and `scalars` hold `len` values each in the layouts asserted above;
            // `out` has room for a Jacobian point (3 × 4 limbs).
            unsafe {
                rebuttal_gpu_msm(
                    bases.as_ptr().cast(),
                    scalars.as_ptr().cast(),
                    scalars.len(),
                    out.as_mut_ptr(),
                    &mut st,
                )
            };
        }
        st.into_result()?;
        point(&out)
    }

    /// Copies `bases` to device memory, where they stay until the returned value is dropped.
    pub(crate) fn upload_bases(&self, bases: &[G1Affine]) -> Result<DeviceBases, BackendError> {
        let mut st = Status::new();
        let handle = {
            let _guard = lock();
            // SAFETY: `bases` holds `len` points in the asserted layout.
            unsafe { rebuttal_gpu_bases_new(bases.as_ptr().cast(), bases.len(), &mut st) }
        };
        st.into_result()?;
        if handle.is_null() {
            return Err(BackendError::Device {
                backend: BACKEND,
                message: "uploading MSM bases returned no handle".into(),
            });
        }
        Ok(DeviceBases { handle, len: bases.len() })
    }

    /// `Σ scalars[i]·bases[i]` over the first `scalars.len()` resident bases (non-zero, at most
    /// `bases.len`; the caller checks).
    pub(crate) fn msm_resident(&self, bases: &DeviceBases, scalars: &[Fr]) -> Result<G1, BackendError> {
        if scalars.len() > bases.len {
            return Err(BackendError::TooManyScalars { scalars: scalars.len(), bases: bases.len });
        }
        if scalars.is_empty() {
            return Ok(G1Affine::identity().into());
        }
        let mut out = [0u64; 12];
        let mut st = Status::new();
        {
            let _guard = lock();
            // SAFETY: `handle` is live (owned by `bases`), `scalars` holds `len` values, `out`
            // has room for a Jacobian point.
            unsafe {
                rebuttal_gpu_bases_msm(bases.handle, scalars.as_ptr().cast(), scalars.len(), out.as_mut_ptr(), &mut st)
            };
        }
        st.into_result()?;
        point(&out)
    }

    /// In place over `2^log_n` values: forward (or inverse, with the 1/n factor) NTT in natural
    /// order; with `coset = Some(c)`, the forward transform first multiplies value i by `c^i`
    /// and the inverse one multiplies by `c^i` afterwards (pass the inverse shift). On a device
    /// error the values are unspecified.
    pub(crate) fn ntt(
        &self,
        values: &mut [Fr],
        log_n: u32,
        inverse: bool,
        coset: Option<Fr>,
    ) -> Result<(), BackendError> {
        debug_assert_eq!(values.len(), 1usize << log_n);
        let coset_ptr: *const c_void = coset.as_ref().map_or(std::ptr::null(), |c| std::ptr::from_ref(c).cast());
        let mut st = Status::new();
        {
            let _guard = lock();
            // SAFETY: `values` holds 2^log_n values in the asserted layout; `coset_ptr` is null
            // or points to one value that outlives the call.
            unsafe { rebuttal_gpu_ntt(values.as_mut_ptr().cast(), log_n, i32::from(inverse), coset_ptr, &mut st) };
        }
        st.into_result()
    }
}
