//! Multi-scalar multiplication on the CPU.

use crate::arith::{Fr, G1, G1Affine};
use group::Group;

/// `Σ scalars[i] · bases[i]`; the caller guarantees equal lengths.
pub(super) fn msm(scalars: &[Fr], bases: &[G1Affine]) -> G1 {
    debug_assert_eq!(scalars.len(), bases.len());
    if scalars.is_empty() {
        return G1::identity();
    }
    halo2curves::msm::msm_best(scalars, bases)
}
