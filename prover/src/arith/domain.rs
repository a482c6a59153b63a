use ff::{Field, PrimeField};
use halo2curves::bn256::Fr;

/// Largest supported domain: BN254's scalar field has 2-adicity 28.
pub const MAX_K: u32 = Fr::S;

/// Errors building an evaluation domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The requested size exceeds the field's two-adicity.
    #[error("domain of 2^{k} points is not supported: BN254's scalar field has roots of unity up to 2^{MAX_K}")]
    TooLarge { k: u32 },
}

/// A multiplicative subgroup `H = {1, ω, ω², …, ω^(n-1)}` of `Fr*` with `n = 2^k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    k: u32,
    n: usize,
    omega: Fr,
    omega_inv: Fr,
    n_inv: Fr,
}

impl Domain {
    /// The domain of `2^k` points (`k ≤ 28`).
    pub fn new(k: u32) -> Result<Self, DomainError> {
        if k > MAX_K {
            return Err(DomainError::TooLarge { k });
        }
        let mut omega = Fr::ROOT_OF_UNITY;
        for _ in k..MAX_K {
            omega = omega.square();
        }
        let n = 1usize << k;
        let omega_inv = omega.invert().expect("a root of unity is non-zero");
        let n_inv = Fr::from(n as u64).invert().expect("n < r is non-zero");
        Ok(Self { k, n, omega, omega_inv, n_inv })
    }

    /// log2 of the number of points.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The generator ω of the domain (a primitive n-th root of unity).
    pub fn omega(&self) -> Fr {
        self.omega
    }

    /// ω⁻¹.
    pub fn omega_inv(&self) -> Fr {
        self.omega_inv
    }

    /// n⁻¹ in the field.
    pub fn n_inv(&self) -> Fr {
        self.n_inv
    }

    /// ω^i, for any (also negative) rotation `i`.
    pub fn rotate_omega(&self, i: i64) -> Fr {
        let base = if i >= 0 { self.omega } else { self.omega_inv };
        base.pow_vartime([i.unsigned_abs()])
    }

    /// The default coset shift used for extended-domain evaluation: the field's multiplicative
    /// generator, which lies in no proper subgroup of order 2^j.
    pub fn coset_generator() -> Fr {
        Fr::MULTIPLICATIVE_GENERATOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omega_has_exact_order_n() {
        for k in [0u32, 1, 5, 12, MAX_K] {
            let d = Domain::new(k).unwrap();
            assert_eq!(d.omega().pow_vartime([d.n() as u64]), Fr::ONE, "k = {k}");
            if k > 0 {
                assert_ne!(d.omega().pow_vartime([(d.n() / 2) as u64]), Fr::ONE, "k = {k}");
            }
            assert_eq!(d.omega() * d.omega_inv(), Fr::ONE);
            assert_eq!(d.n_inv() * Fr::from(d.n() as u64), Fr::ONE);
        }
    }

    #[test]
    fn too_large_domain_is_an_error() {
        assert_eq!(Domain::new(MAX_K + 1), Err(DomainError::TooLarge { k: MAX_K + 1 }));
    }

    #[test]
    fn negative_rotation_is_inverse() {
        let d = Domain::new(8).unwrap();
        assert_eq!(d.rotate_omega(-3) * d.rotate_omega(3), Fr::ONE);
        assert_eq!(d.rotate_omega(1), d.omega());
    }
}
