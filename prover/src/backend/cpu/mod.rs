//! The CPU backend: multi-threaded with rayon.

mod msm;
mod ntt;

use std::sync::Arc;

use ff::Field;

use super::{Backend, BackendError, PreparedBases};
use crate::arith::{Domain, Fr, G1, G1Affine};

/// MSM and NTT on the CPU's cores (rayon's global pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuBackend;

const NAME: &str = "cpu";

/// The CPU backend's prepared bases: a shared copy of the points.
struct CpuBases(Arc<[G1Affine]>);

impl Backend for CpuBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn msm(&self, scalars: &[Fr], bases: &[G1Affine]) -> Result<G1, BackendError> {
        if scalars.len() != bases.len() {
            return Err(BackendError::LengthMismatch { scalars: scalars.len(), bases: bases.len() });
        }
        Ok(msm::msm(scalars, bases))
    }

    fn prepare_bases(&self, bases: &[G1Affine]) -> Result<PreparedBases, BackendError> {
        let copy: Arc<[G1Affine]> = bases.into();
        Ok(PreparedBases::new(NAME, bases.len(), Arc::new(CpuBases(copy))))
    }

    fn msm_prepared(&self, scalars: &[Fr], bases: &PreparedBases) -> Result<G1, BackendError> {
        let CpuBases(points) = bases.downcast::<CpuBases>(NAME)?;
        if scalars.len() > points.len() {
            return Err(BackendError::TooManyScalars { scalars: scalars.len(), bases: points.len() });
        }
        Ok(msm::msm(scalars, &points[..scalars.len()]))
    }

    fn ntt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError> {
        check_len(values, domain)?;
        ntt::ntt(values, domain.omega(), domain.k());
        Ok(())
    }

    fn intt(&self, values: &mut [Fr], domain: &Domain) -> Result<(), BackendError> {
        check_len(values, domain)?;
        ntt::ntt_inverse_unscaled(values, domain.omega(), domain.k());
        ntt::scale(values, domain.n_inv());
        Ok(())
    }

    fn coset_ntt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError> {
        check_len(values, domain)?;
        if shift.is_zero_vartime() {
            return Err(BackendError::ZeroCosetShift);
        }
        ntt::multiply_by_powers(values, shift);
        ntt::ntt(values, domain.omega(), domain.k());
        Ok(())
    }

    fn coset_intt(&self, values: &mut [Fr], domain: &Domain, shift: Fr) -> Result<(), BackendError> {
        check_len(values, domain)?;
        let shift_inv = Option::<Fr>::from(shift.invert()).ok_or(BackendError::ZeroCosetShift)?;
        ntt::ntt_inverse_unscaled(values, domain.omega(), domain.k());
        // Undo the coset: coefficient i was multiplied by shift^i; fold n⁻¹ into the powers.
        ntt::multiply_by_scaled_powers(values, domain.n_inv(), shift_inv);
        Ok(())
    }
}

/// `Σ scalars[i] · bases[i]` on the CPU, for callers without a backend (the verifier's few-point
/// MSM); extra elements of the longer slice are ignored.
pub(crate) fn cpu_msm(scalars: &[Fr], bases: &[G1Affine]) -> G1 {
    msm::msm(scalars, bases)
}

fn check_len(values: &[Fr], domain: &Domain) -> Result<(), BackendError> {
    if values.len() != domain.n() {
        return Err(BackendError::DomainSizeMismatch { len: values.len(), n: domain.n() });
    }
    Ok(())
}
