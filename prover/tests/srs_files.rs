//! SRS files: round trips of `.ptau` and `ParamsKZG` files written here in their documented
//! layouts, and malformed files rejected with named errors.

use std::io::Cursor;

use group::Curve;
use halo2curves::bn256::Fr;
use rebuttal_prover::arith::Domain;
use rebuttal_prover::backend::{Backend, CpuBackend};
use rebuttal_prover::srs::{Srs, SrsError, write_insecure_ptau};

fn ptau_bytes(power: u32, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_insecure_ptau(&mut bytes, power, seed).unwrap();
    bytes
}

#[test]
fn ptau_loads_any_prefix_and_matches_the_setup() {
    let bytes = ptau_bytes(5, 11);
    let full = Srs::read_ptau(Cursor::new(&bytes), 5).unwrap();
    assert_eq!(full.k(), 5);
    // Same τ as unsafe_setup with the same seed.
    assert_eq!(full, Srs::unsafe_setup(5, 11).unwrap());
    let small = Srs::read_ptau(Cursor::new(&bytes), 3).unwrap();
    assert_eq!(small, full.cut(3).unwrap());
    assert!(matches!(Srs::read_ptau(Cursor::new(&bytes), 6), Err(SrsError::TooSmall { have: 5, want: 6 })));
}

#[test]
fn malformed_ptau_files_are_named_errors() {
    let good = ptau_bytes(3, 1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "magic",
            {
                let mut b = good.clone();
                b[0] = b'x';
                b
            },
            "not a .ptau file",
        ),
        (
            "version",
            {
                let mut b = good.clone();
                b[4] = 2;
                b
            },
            "version 2 is not supported",
        ),
        ("truncated", good[..good.len() - 10].to_vec(), "ends early"),
        ("empty", Vec::new(), "reading the .ptau magic bytes"),
        (
            "modulus",
            {
                let mut b = good.clone();
                b[12 + 12 + 4] ^= 1;
                b
            },
            "another curve",
        ),
        (
            "off curve",
            {
                let mut b = good.clone();
                let at = 12 + 12 + 44 + 12 + 64 * 3 + 40;
                b[at] ^= 1;
                b
            },
            "tauG1 point 3",
        ),
        (
            "section count",
            {
                let mut b = good.clone();
                b[8] = 2;
                b
            },
            "no section 3 (tauG2)",
        ),
    ];
    for (name, bytes, expected) in cases {
        match Srs::read_ptau(Cursor::new(&bytes), 3) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(e.to_string().contains(expected), "{name}: {e}"),
        }
    }
}

#[test]
fn a_ptau_with_a_swapped_power_fails_the_consistency_check() {
    let mut bytes = ptau_bytes(3, 2);
    // Swap tauG1 points 2 and 3: every point is valid, the sequence is not.
    let base = 12 + 12 + 44 + 12;
    let (p2, p3) = (base + 64 * 2, base + 64 * 3);
    let tmp: Vec<u8> = bytes[p2..p2 + 64].to_vec();
    bytes.copy_within(p3..p3 + 64, p2);
    bytes[p3..p3 + 64].copy_from_slice(&tmp);
    assert!(matches!(Srs::read_ptau(Cursor::new(&bytes), 3), Err(SrsError::Inconsistent)));
}

#[test]
fn params_kzg_round_trip_and_lagrange_points_are_right() {
    let srs = Srs::unsafe_setup(4, 5).unwrap();
    let mut bytes = Vec::new();
    srs.write_params_kzg(&mut bytes).unwrap();
    assert_eq!(bytes.len(), 4 + 2 * 16 * 64 + 2 * 128);
    assert_eq!(Srs::read_params_kzg(Cursor::new(&bytes)).unwrap(), srs);

    // Committing to evaluations with the Lagrange points equals committing to coefficients.
    let domain = Domain::new(4).unwrap();
    let evals: Vec<Fr> = (0..16u64).map(|i| Fr::from(i * i + 3)).collect();
    let mut coeffs = evals.clone();
    CpuBackend.intt(&mut coeffs, &domain).unwrap();
    let lagrange = srs.lagrange_g1();
    let by_evals = CpuBackend.msm(&evals, &lagrange).unwrap();
    let by_coeffs = CpuBackend.msm(&coeffs, srs.g1_powers()).unwrap();
    assert_eq!(by_evals.to_affine(), by_coeffs.to_affine());

    // Truncation and bad points are named.
    let err = Srs::read_params_kzg(Cursor::new(&bytes[..bytes.len() - 1])).unwrap_err();
    assert!(err.to_string().contains("g2 and s_g2") && err.to_string().contains("ends early"), "{err}");
    let mut bad = bytes.clone();
    bad[4 + 64 * 7 + 3] ^= 0x40;
    let err = Srs::read_params_kzg(Cursor::new(&bad)).unwrap_err();
    assert!(err.to_string().contains("g point 7"), "{err}");
    let mut huge = bytes.clone();
    huge[..4].copy_from_slice(&40u32.to_le_bytes());
    assert!(matches!(Srs::read_params_kzg(Cursor::new(&huge)), Err(SrsError::TooLarge { k: 40 })));
}

#[test]
fn a_params_header_claiming_a_huge_k_over_a_short_file_is_an_error() {
    // k = 28 would mean 16 GiB of points; the file has none.
    let err = Srs::read_params_kzg(Cursor::new(28u32.to_le_bytes().to_vec())).unwrap_err();
    assert!(matches!(err, SrsError::Truncated { found: 0, .. }), "{err}");
}
