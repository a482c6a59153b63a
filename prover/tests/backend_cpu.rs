//! The CPU backend's MSM and NTT against independent implementations (arkworks, halo2curves,
//! naive sums and direct polynomial evaluation), plus every edge case the `Backend` contract
//! names.

use std::sync::Arc;

use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, PrimeField as ArkPrimeField};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ff::{Field, PrimeField};
use group::{Curve, Group, prime::PrimeCurveAffine};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rebuttal_prover::arith::{Domain, Fq, Fr, G1, G1Affine};
use rebuttal_prover::backend::{Backend, BackendError, CpuBackend, PreparedBases};

// ---------------------------------------------------------------------------------------------
// Inputs and conversions.

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn random_scalars(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = rng(seed);
    (0..n).map(|_| Fr::random(&mut rng)).collect()
}

/// Distinct pseudo-random points, cheaply: a random start and random small steps.
fn random_bases(n: usize, seed: u64) -> Vec<G1Affine> {
    let mut rng = rng(seed ^ 0x5eed);
    let g = G1::generator();
    let mut p = g * Fr::random(&mut rng);
    let steps: Vec<G1> = (0..8).map(|_| g * Fr::random(&mut rng)).collect();
    let proj: Vec<G1> = (0..n)
        .map(|_| {
            p += steps[rng.gen_range(0..steps.len())];
            p
        })
        .collect();
    let mut out = vec![G1Affine::identity(); n];
    G1::batch_normalize(&proj, &mut out);
    out
}

fn naive_msm(scalars: &[Fr], bases: &[G1Affine]) -> G1 {
    scalars.iter().zip(bases).fold(G1::identity(), |acc, (s, b)| acc + *b * *s)
}

fn fr_to_ark(s: &Fr) -> ark_bn254::Fr {
    ark_bn254::Fr::from_le_bytes_mod_order(s.to_repr().as_ref())
}

fn fr_from_ark(s: &ark_bn254::Fr) -> Fr {
    let mut repr = <Fr as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&s.into_bigint().to_bytes_le());
    Option::from(Fr::from_repr(repr)).expect("canonical")
}

fn fq_to_ark(x: &Fq) -> ark_bn254::Fq {
    ark_bn254::Fq::from_le_bytes_mod_order(x.to_repr().as_ref())
}

fn fq_from_ark(x: &ark_bn254::Fq) -> Fq {
    let mut repr = <Fq as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&x.into_bigint().to_bytes_le());
    Option::from(Fq::from_repr(repr)).expect("canonical")
}

fn point_to_ark(p: &G1Affine) -> ark_bn254::G1Affine {
    if bool::from(p.is_identity()) {
        return ark_bn254::G1Affine::zero();
    }
    let q = ark_bn254::G1Affine::new_unchecked(fq_to_ark(&p.x), fq_to_ark(&p.y));
    assert!(q.is_on_curve() && q.is_in_correct_subgroup_assuming_on_curve());
    q
}

fn point_from_ark(p: &ark_bn254::G1Projective) -> G1Affine {
    let a = p.into_affine();
    match a.xy() {
        None => G1Affine::identity(),
        Some((x, y)) => G1Affine { x: fq_from_ark(&x), y: fq_from_ark(&y) },
    }
}

fn ark_msm(scalars: &[Fr], bases: &[G1Affine]) -> G1Affine {
    let s: Vec<_> = scalars.iter().map(fr_to_ark).collect();
    let b: Vec<_> = bases.iter().map(point_to_ark).collect();
    let r = ark_bn254::G1Projective::msm(&b, &s).expect("equal lengths");
    point_from_ark(&r)
}

fn ours(scalars: &[Fr], bases: &[G1Affine]) -> G1Affine {
    CpuBackend.msm(scalars, bases).expect("equal lengths").to_affine()
}

// ---------------------------------------------------------------------------------------------
// MSM: differential.

#[test]
fn conversions_agree_on_the_generator() {
    let g = G1Affine::generator();
    assert_eq!(point_to_ark(&g), ark_bn254::G1Affine::generator());
    let s = Fr::from(123456789u64);
    assert_eq!(fr_from_ark(&fr_to_ark(&s)), s);
    let p = (g * s).to_affine();
    let q = ark_bn254::G1Affine::generator() * fr_to_ark(&s);
    assert_eq!(point_from_ark(&q), p);
}

#[test]
fn msm_matches_arkworks() {
    for (i, n) in [1usize, 2, 3, 7, 64, 1000, (1 << 12) + 5, 1 << 15].into_iter().enumerate() {
        let scalars = random_scalars(n, i as u64);
        let bases = random_bases(n, i as u64);
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "n = {n}");
    }
}

#[test]
fn msm_matches_naive_sum() {
    for n in [1usize, 2, 3, 4, 5, 8, 13, 31, 32, 33, 100] {
        let scalars = random_scalars(n, 100 + n as u64);
        let bases = random_bases(n, 100 + n as u64);
        assert_eq!(ours(&scalars, &bases), naive_msm(&scalars, &bases).to_affine(), "n = {n}");
    }
}

#[test]
fn msm_matches_msm_best() {
    // Sizes on both sides of msm_best's switch to its batch-affine path (ln n ≥ 9).
    for n in [200usize, 5000, (1 << 13) + 17, 20_000] {
        let scalars = random_scalars(n, 200 + n as u64);
        let bases = random_bases(n, 200 + n as u64);
        let expected = halo2curves::msm::msm_best(&scalars, &bases).to_affine();
        assert_eq!(ours(&scalars, &bases), expected, "n = {n}");
    }
}

// ---------------------------------------------------------------------------------------------
// MSM: edge cases. Sizes 1…20 000 cover the serial, projective and batch-affine paths.

const EDGE_SIZES: [usize; 6] = [1, 2, 9, 100, 3000, 20_000];

#[test]
fn msm_of_nothing_is_the_identity() {
    assert_eq!(CpuBackend.msm(&[], &[]), Ok(G1::identity()));
}

#[test]
fn msm_single_point() {
    let g = G1Affine::generator();
    for s in [Fr::ZERO, Fr::ONE, -Fr::ONE, Fr::from(2u64), Fr::random(rng(1))] {
        assert_eq!(ours(&[s], &[g]), (g * s).to_affine());
    }
    assert_eq!(ours(&[Fr::from(5u64)], &[G1Affine::identity()]), G1Affine::identity());
}

#[test]
fn msm_all_zero_scalars_is_the_identity() {
    for n in EDGE_SIZES {
        let bases = random_bases(n, 3);
        assert_eq!(ours(&vec![Fr::ZERO; n], &bases), G1Affine::identity(), "n = {n}");
    }
}

#[test]
fn msm_some_zero_scalars() {
    for n in EDGE_SIZES {
        let mut scalars = random_scalars(n, 4);
        for s in scalars.iter_mut().step_by(3) {
            *s = Fr::ZERO;
        }
        let bases = random_bases(n, 4);
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "n = {n}");
    }
}

#[test]
fn msm_scalar_r_minus_one() {
    // r − 1 = −1: the largest scalar, every window's digit is extreme.
    for n in EDGE_SIZES {
        let bases = random_bases(n, 5);
        let scalars = vec![-Fr::ONE; n];
        let sum: G1 = bases.iter().map(|b| b.to_curve()).sum();
        assert_eq!(ours(&scalars, &bases), (-sum).to_affine(), "n = {n}");
    }
}

#[test]
fn msm_repeated_bases() {
    let g = (G1::generator() * Fr::from(77u64)).to_affine();
    for n in EDGE_SIZES {
        // One base, one scalar: every point lands in the same bucket (doublings, overflow).
        let s = Fr::random(rng(6));
        let expected = (g * (s * Fr::from(n as u64))).to_affine();
        assert_eq!(ours(&vec![s; n], &vec![g; n]), expected, "same scalar, n = {n}");
        // One base, random scalars.
        let scalars = random_scalars(n, 7);
        let total: Fr = scalars.iter().sum();
        assert_eq!(ours(&scalars, &vec![g; n]), (g * total).to_affine(), "random scalars, n = {n}");
        // A few bases repeated in a cycle.
        let few = random_bases(3, 8);
        let bases: Vec<_> = (0..n).map(|i| few[i % 3]).collect();
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "cycle, n = {n}");
    }
}

#[test]
fn msm_points_cancelling() {
    // P and −P with equal scalars (bucket sums hit P + (−P) = O), then more points after.
    for n in EDGE_SIZES {
        let half = random_bases(n.div_ceil(2), 9);
        let mut bases = Vec::with_capacity(n);
        for p in &half {
            bases.push(*p);
            bases.push(-*p);
        }
        bases.truncate(n);
        let s = Fr::random(rng(10));
        let scalars = vec![s; n];
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "n = {n}");
        if n % 2 == 0 {
            assert_eq!(ours(&scalars, &bases), G1Affine::identity(), "n = {n}");
        }
    }
}

#[test]
fn msm_identity_bases() {
    for n in EDGE_SIZES {
        let scalars = random_scalars(n, 11);
        let all_identity = vec![G1Affine::identity(); n];
        assert_eq!(ours(&scalars, &all_identity), G1Affine::identity(), "n = {n}");
        let mut bases = random_bases(n, 11);
        for b in bases.iter_mut().step_by(2) {
            *b = G1Affine::identity();
        }
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "n = {n}");
    }
}

#[test]
fn msm_small_scalars() {
    // Scalars that fit a few windows: the high windows are all zero.
    for n in EDGE_SIZES {
        let mut r = rng(12);
        let scalars: Vec<Fr> = (0..n).map(|_| Fr::from(r.gen_range(0..1000u64))).collect();
        let bases = random_bases(n, 12);
        assert_eq!(ours(&scalars, &bases), ark_msm(&scalars, &bases), "n = {n}");
    }
}

#[test]
fn msm_length_mismatch_is_an_error() {
    let bases = random_bases(3, 13);
    let scalars = random_scalars(2, 13);
    assert_eq!(CpuBackend.msm(&scalars, &bases), Err(BackendError::LengthMismatch { scalars: 2, bases: 3 }));
    assert_eq!(CpuBackend.msm(&scalars, &[]), Err(BackendError::LengthMismatch { scalars: 2, bases: 0 }));
}

// ---------------------------------------------------------------------------------------------
// MSM with prepared bases.

#[test]
fn msm_prepared_prefix() {
    let n = 3000;
    let bases = random_bases(n, 14);
    let prepared = CpuBackend.prepare_bases(&bases).expect("prepare");
    assert_eq!(prepared.len(), n);
    assert_eq!(prepared.owner(), "cpu");
    for m in [0usize, 1, 17, 1024, n] {
        let scalars = random_scalars(m, 15 + m as u64);
        let got = CpuBackend.msm_prepared(&scalars, &prepared).expect("prefix").to_affine();
        assert_eq!(got, ark_msm(&scalars, &bases[..m]), "prefix {m}");
    }
}

#[test]
fn msm_prepared_too_many_scalars() {
    let prepared = CpuBackend.prepare_bases(&random_bases(10, 16)).expect("prepare");
    assert_eq!(
        CpuBackend.msm_prepared(&random_scalars(11, 16), &prepared),
        Err(BackendError::TooManyScalars { scalars: 11, bases: 10 })
    );
    let empty = CpuBackend.prepare_bases(&[]).expect("prepare");
    assert!(empty.is_empty());
    assert_eq!(CpuBackend.msm_prepared(&[], &empty), Ok(G1::identity()));
    assert_eq!(CpuBackend.msm_prepared(&[Fr::ONE], &empty), Err(BackendError::TooManyScalars { scalars: 1, bases: 0 }));
}

#[test]
fn msm_prepared_foreign_bases_are_an_error() {
    let foreign = PreparedBases::new("cuda", 4, Arc::new(vec![G1Affine::generator(); 4]));
    assert_eq!(
        CpuBackend.msm_prepared(&random_scalars(2, 17), &foreign),
        Err(BackendError::ForeignBases { owner: "cuda", used_by: "cpu" })
    );
    // Right name, wrong representation: still refused, not a panic.
    let impostor = PreparedBases::new("cpu", 4, Arc::new(0u8));
    assert_eq!(
        CpuBackend.msm_prepared(&random_scalars(2, 17), &impostor),
        Err(BackendError::ForeignBases { owner: "cpu", used_by: "cpu" })
    );
}

// ---------------------------------------------------------------------------------------------
// MSM: property test on small inputs with zero scalars and identity points.

fn scalar_strategy() -> impl Strategy<Value = Fr> {
    prop_oneof![
        Just(Fr::ZERO),
        Just(Fr::ONE),
        Just(-Fr::ONE),
        any::<u64>().prop_map(Fr::from),
        any::<u64>().prop_map(|seed| Fr::random(rng(seed))),
    ]
}

fn point_strategy() -> impl Strategy<Value = G1Affine> {
    prop_oneof![
        Just(G1Affine::identity()),
        Just(G1Affine::generator()),
        Just(-G1Affine::generator()),
        (1u64..50).prop_map(|k| (G1::generator() * Fr::from(k)).to_affine()),
        any::<u64>().prop_map(|seed| (G1::generator() * Fr::random(rng(seed))).to_affine()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn msm_matches_naive_on_small_inputs(
        pairs in proptest::collection::vec((scalar_strategy(), point_strategy()), 0..40)
    ) {
        let (scalars, bases): (Vec<Fr>, Vec<G1Affine>) = pairs.into_iter().unzip();
        prop_assert_eq!(ours(&scalars, &bases), naive_msm(&scalars, &bases).to_affine());
    }
}

// ---------------------------------------------------------------------------------------------
// NTT.

fn domain(k: u32) -> Domain {
    Domain::new(k).expect("k ≤ 28")
}

/// `p(x)` by Horner's rule.
fn evaluate(coeffs: &[Fr], x: Fr) -> Fr {
    coeffs.iter().rev().fold(Fr::ZERO, |acc, c| acc * x + c)
}

#[test]
fn ntt_matches_arkworks() {
    for k in [1u32, 2, 3, 5, 8, 10, 11, 14] {
        let d = domain(k);
        let n = d.n();
        let coeffs = random_scalars(n, 1000 + k as u64);
        let mut values = coeffs.clone();
        CpuBackend.ntt(&mut values, &d).expect("size");

        let ark_domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("power of two");
        let ark_values = ark_domain.fft(&coeffs.iter().map(fr_to_ark).collect::<Vec<_>>());
        // The two libraries may pick different generators of the same subgroup: ours is
        // ω_ark^e for some odd e, so our i-th value is arkworks' (i·e mod n)-th.
        let omega = fr_to_ark(&d.omega());
        let mut e = 0;
        let mut power = ark_bn254::Fr::from(1u64);
        while power != omega {
            power *= ark_domain.group_gen;
            e += 1;
            assert!(e < n, "ω is not in arkworks' domain");
        }
        for (i, v) in values.iter().enumerate() {
            assert_eq!(fr_to_ark(v), ark_values[(i * e) % n], "k = {k}, i = {i}");
        }
    }
}

#[test]
fn ntt_matches_halo2curves_best_fft() {
    for k in [0u32, 4, 9, 12, 15] {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 2000 + k as u64);
        let mut ours = coeffs.clone();
        CpuBackend.ntt(&mut ours, &d).expect("size");
        let mut theirs = coeffs;
        halo2curves::fft::best_fft(&mut theirs, d.omega(), k);
        assert_eq!(ours, theirs, "k = {k}");
    }
}

#[test]
fn ntt_matches_direct_evaluation() {
    for k in 0u32..=6 {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 3000 + k as u64);
        let mut values = coeffs.clone();
        CpuBackend.ntt(&mut values, &d).expect("size");
        for (i, v) in values.iter().enumerate() {
            assert_eq!(*v, evaluate(&coeffs, d.rotate_omega(i as i64)), "k = {k}, i = {i}");
        }
    }
}

#[test]
fn intt_inverts_ntt() {
    for k in 0u32..=16 {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 4000 + k as u64);
        let mut values = coeffs.clone();
        CpuBackend.ntt(&mut values, &d).expect("size");
        if k > 0 {
            assert_ne!(values, coeffs, "k = {k}");
        }
        CpuBackend.intt(&mut values, &d).expect("size");
        assert_eq!(values, coeffs, "k = {k}");
    }
}

#[test]
fn intt_matches_interpolation_by_evaluation() {
    // intt(v) = (1/n) · Σ v_j ω^{−ij}: check against that sum directly.
    for k in 0u32..=5 {
        let d = domain(k);
        let values = random_scalars(d.n(), 5000 + k as u64);
        let mut coeffs = values.clone();
        CpuBackend.intt(&mut coeffs, &d).expect("size");
        for (i, c) in coeffs.iter().enumerate() {
            let expected = evaluate(&values, d.rotate_omega(-(i as i64))) * d.n_inv();
            assert_eq!(*c, expected, "k = {k}, i = {i}");
        }
    }
}

#[test]
fn coset_ntt_matches_direct_evaluation() {
    let shift = Domain::coset_generator();
    for k in 0u32..=6 {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 6000 + k as u64);
        let mut values = coeffs.clone();
        CpuBackend.coset_ntt(&mut values, &d, shift).expect("size");
        for (i, v) in values.iter().enumerate() {
            let x = shift * d.rotate_omega(i as i64);
            assert_eq!(*v, evaluate(&coeffs, x), "k = {k}, i = {i}");
        }
    }
}

#[test]
fn coset_intt_inverts_coset_ntt() {
    for (k, shift) in [(0u32, Fr::from(3u64)), (3, Fr::random(rng(1))), (12, Domain::coset_generator())] {
        let d = domain(k);
        let coeffs = random_scalars(d.n(), 7000 + k as u64);
        let mut values = coeffs.clone();
        CpuBackend.coset_ntt(&mut values, &d, shift).expect("size");
        CpuBackend.coset_intt(&mut values, &d, shift).expect("size");
        assert_eq!(values, coeffs, "k = {k}");
    }
}

#[test]
fn ntt_wrong_length_is_an_error() {
    let d = domain(4);
    for len in [0usize, 1, 15, 17, 32] {
        let mut values = vec![Fr::ONE; len];
        let err = Err(BackendError::DomainSizeMismatch { len, n: 16 });
        assert_eq!(CpuBackend.ntt(&mut values, &d), err);
        assert_eq!(CpuBackend.intt(&mut values, &d), err);
        assert_eq!(CpuBackend.coset_ntt(&mut values, &d, Fr::from(7u64)), err);
        assert_eq!(CpuBackend.coset_intt(&mut values, &d, Fr::from(7u64)), err);
        assert_eq!(values, vec![Fr::ONE; len], "input untouched on error");
    }
}

#[test]
fn coset_shift_zero_is_an_error() {
    let d = domain(3);
    let mut values = random_scalars(8, 8000);
    let before = values.clone();
    assert_eq!(CpuBackend.coset_ntt(&mut values, &d, Fr::ZERO), Err(BackendError::ZeroCosetShift));
    assert_eq!(CpuBackend.coset_intt(&mut values, &d, Fr::ZERO), Err(BackendError::ZeroCosetShift));
    assert_eq!(values, before);
}

#[test]
fn ntt_of_single_value_is_identity() {
    let d = domain(0);
    let mut values = vec![Fr::from(42u64)];
    CpuBackend.ntt(&mut values, &d).expect("size");
    assert_eq!(values, vec![Fr::from(42u64)]);
    CpuBackend.coset_ntt(&mut values, &d, Fr::from(9u64)).expect("size");
    assert_eq!(values, vec![Fr::from(42u64)]);
}
