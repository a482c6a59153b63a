//! The pairing check the verifier relies on, cross-checked against an independent
//! implementation (arkworks' ark-bn254) on the same points: both libraries must agree on which
//! pairing-product equations hold.

use ark_ec::pairing::Pairing;
use ark_ff::PrimeField as ArkPrimeField;
use ff::{Field, PrimeField};
use group::{Curve, prime::PrimeCurveAffine};
use halo2curves::CurveAffine;
use halo2curves::bn256::{Fq, Fr, G1, G1Affine, G2, G2Affine, Gt, multi_miller_loop};
use halo2curves::pairing::MillerLoopResult;
use rand::{SeedableRng, rngs::StdRng};

fn fq(v: &Fq) -> ark_bn254::Fq {
    ark_bn254::Fq::from_le_bytes_mod_order(v.to_repr().as_ref())
}

fn g1(p: &G1Affine) -> ark_bn254::G1Affine {
    let c = p.coordinates().unwrap();
    ark_bn254::G1Affine::new(fq(c.x()), fq(c.y()))
}

fn g2(p: &G2Affine) -> ark_bn254::G2Affine {
    let c = p.coordinates().unwrap();
    let f2 = |v: &halo2curves::bn256::Fq2| ark_bn254::Fq2::new(fq(v.c0()), fq(v.c1()));
    ark_bn254::G2Affine::new(f2(c.x()), f2(c.y()))
}

fn ours_holds(terms: &[(G1Affine, G2Affine)]) -> bool {
    let refs: Vec<(&G1Affine, &G2Affine)> = terms.iter().map(|(a, b)| (a, b)).collect();
    multi_miller_loop(&refs).final_exponentiation() == Gt::identity()
}

fn ark_holds(terms: &[(G1Affine, G2Affine)]) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = terms.iter().map(|(p, q)| (g1(p), g2(q))).unzip();
    ark_bn254::Bn254::multi_pairing(a, b).0 == <ark_bn254::Bn254 as Pairing>::TargetField::from(1u64)
}

#[test]
fn both_libraries_agree_on_pairing_equations() {
    let mut rng = StdRng::seed_from_u64(17);
    for trial in 0..8 {
        let a = Fr::random(&mut rng);
        let b = Fr::random(&mut rng);
        let p = (G1::generator() * a).to_affine();
        let q = (G2::generator() * b).to_affine();
        let pq = (G1::generator() * (a * b)).to_affine();
        // e(a·G, b·H) · e(−ab·G, H) = 1 holds; with a perturbed scalar it does not.
        let holds = [(p, q), ((-pq.to_curve()).to_affine(), G2Affine::generator())];
        let wrong = (G1::generator() * (a * b + Fr::ONE)).to_affine();
        let fails = [(p, q), ((-wrong.to_curve()).to_affine(), G2Affine::generator())];
        assert!(ours_holds(&holds) && ark_holds(&holds), "trial {trial}");
        assert!(!ours_holds(&fails) && !ark_holds(&fails), "trial {trial}");
    }
}

#[test]
fn point_conversion_is_faithful() {
    // The converted generators are the libraries' own generators, and on the curve.
    assert_eq!(g1(&G1Affine::generator()), <ark_bn254::G1Affine as ark_ec::AffineRepr>::generator());
    assert_eq!(g2(&G2Affine::generator()), <ark_bn254::G2Affine as ark_ec::AffineRepr>::generator());
}
