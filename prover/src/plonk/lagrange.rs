//! The values the verifier computes itself at the challenge point: the Lagrange selectors
//! `l_0`, `l_last`, `l_active` and the instance columns' polynomials, at `ω^rot · x` for each
//! rotation the constraints query.
//!
//! Each needs Lagrange basis values `L_i(z) = ω^i (z^n − 1) / (n (z − ω^i))`; all their
//! denominators share one batched inversion (one field inversion per proof instead of one per
//! instance value and per reserved row).

use std::collections::HashMap;

use ff::{BatchInvert, Field};

use crate::arith::{Domain, Fr};

/// The verifier-computed columns at one rotation of `x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ComputedAt {
    pub l0: Fr,
    pub l_last: Fr,
    /// `1 − Σ_{i ≥ usable} L_i`: one on usable rows.
    pub l_active: Fr,
    /// `Σ_i instance[c][i] · L_i`, per instance column `c`.
    pub instances: Vec<Fr>,
}

/// Evaluates the computed columns at `ω^rot · x` for every `rot` in `rotations`. `usable` is the
/// number of usable rows (`l_last` is row `usable`). A point that lands on the domain (`z = ω^i`, negligible probability) gives the
/// denominator's inverse as zero, as a single-element inversion would.
pub(super) fn computed_at(
    domain: &Domain,
    x: Fr,
    usable: usize,
    instances: &[Vec<Fr>],
    rotations: &[i32],
) -> HashMap<i32, ComputedAt> {
    let n = domain.n();
    let numerator = (x.pow_vartime([n as u64]) - Fr::ONE) * domain.n_inv();
    // Rows whose basis value is needed: the instance rows (row 0 among them, or alone), then the
    // reserved rows from `usable` (the l_last row) to `n − 1`.
    let instance_rows = instances.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let reserved_start = usable.max(instance_rows);
    let rows: Vec<usize> = (0..instance_rows).chain(reserved_start..n).collect();
    // Position of `row` in `rows`, for every row below `instance_rows` or from `reserved_start`:
    // that covers row 0 and every row from `usable` on.
    let position = |row: usize| if row < instance_rows { row } else { instance_rows + row - reserved_start };
    let omega_powers = powers_at(domain, &rows);

    let points: Vec<Fr> = rotations.iter().map(|&rot| domain.rotate_omega(rot as i64) * x).collect();
    let mut inverses: Vec<Fr> = points.iter().flat_map(|z| omega_powers.iter().map(move |w| *z - w)).collect();
    inverses.batch_invert();

    rotations
        .iter()
        .zip(inverses.chunks(rows.len()))
        .map(|(&rot, inv)| {
            let basis: Vec<Fr> = omega_powers.iter().zip(inv).map(|(w, d)| *w * numerator * d).collect();
            let reserved_sum: Fr = (usable..n).map(|row| basis[position(row)]).sum();
            let instances =
                instances.iter().map(|column| column.iter().zip(&basis).map(|(v, l)| *v * l).sum()).collect();
            let computed = ComputedAt {
                l0: basis[0],
                l_last: if usable < n { basis[position(usable)] } else { Fr::ZERO },
                l_active: Fr::ONE - reserved_sum,
                instances,
            };
            (rot, computed)
        })
        .collect()
}

/// `ω^row` for each of the sorted `rows`, stepping by multiplication between consecutive rows.
fn powers_at(domain: &Domain, rows: &[usize]) -> Vec<Fr> {
    let mut out = Vec::with_capacity(rows.len());
    let mut previous: Option<(usize, Fr)> = None;
    for &row in rows {
        let power = match previous {
            Some((p, w)) if row == p + 1 => w * domain.omega(),
            _ => domain.rotate_omega(row as i64),
        };
        out.push(power);
        previous = Some((row, power));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plonk::poly::evaluate;

    /// `L_i(z)` from the closed form with its own inversion.
    fn lagrange(domain: &Domain, i: usize, z: Fr) -> Fr {
        let w = domain.rotate_omega(i as i64);
        let d = Option::<Fr>::from((z - w).invert()).unwrap_or(Fr::ZERO);
        w * (z.pow_vartime([domain.n() as u64]) - Fr::ONE) * domain.n_inv() * d
    }

    #[test]
    fn matches_one_inversion_per_basis_value_and_interpolation() {
        let k = 5;
        let domain = Domain::new(k).unwrap();
        let n = domain.n();
        let usable = n - 4;
        let x = Fr::from(0x1234_5678u64);
        let instances = vec![(1..=7u64).map(Fr::from).collect::<Vec<_>>(), vec![Fr::from(9u64)], vec![]];
        let rotations = [-4, -1, 0, 1];
        let computed = computed_at(&domain, x, usable, &instances, &rotations);
        for rot in rotations {
            let z = domain.rotate_omega(rot as i64) * x;
            let got = &computed[&rot];
            assert_eq!(got.l0, lagrange(&domain, 0, z));
            assert_eq!(got.l_last, lagrange(&domain, usable, z));
            let reserved: Fr = (usable..n).map(|i| lagrange(&domain, i, z)).sum();
            assert_eq!(got.l_active, Fr::ONE - reserved);
            for (column, values) in instances.iter().enumerate() {
                // The column's polynomial: interpolate its values (zero-padded) and evaluate.
                let mut coeffs = values.clone();
                coeffs.resize(n, Fr::ZERO);
                crate::backend::Backend::intt(&crate::backend::CpuBackend, &mut coeffs, &domain).unwrap();
                assert_eq!(got.instances[column], evaluate(&coeffs, z), "column {column} at rotation {rot}");
            }
        }
    }

    #[test]
    fn a_point_on_the_domain_gives_zero_like_a_single_inversion() {
        let domain = Domain::new(4).unwrap();
        let x = domain.rotate_omega(3);
        let computed = computed_at(&domain, x, 12, &[vec![Fr::ONE; 5]], &[0]);
        // x^n − 1 = 0, so every basis value is zero under the closed form.
        assert_eq!(computed[&0].l0, lagrange(&domain, 0, x));
        assert_eq!(computed[&0].instances, vec![Fr::ZERO]);
        assert_eq!(computed[&0].l_active, Fr::ONE);
    }
}
