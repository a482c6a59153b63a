//! Untrusted bytes never make a decoder panic: random, truncated and bit-flipped inputs give
//! either a value or an error.

use std::io::Cursor;

use proptest::prelude::*;
use rebuttal_prover::encoding::{fr_from_bytes, g1_from_bytes, g1_to_bytes, g2_from_bytes};
use rebuttal_prover::srs::{Srs, write_insecure_ptau};

fn small_ptau() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let mut b = Vec::new();
        write_insecure_ptau(&mut b, 2, 3).unwrap();
        b
    })
}

fn small_params() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let mut b = Vec::new();
        Srs::unsafe_setup(2, 3).unwrap().write_params_kzg(&mut b).unwrap();
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn scalar_and_point_decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = fr_from_bytes(&bytes);
        let _ = g1_from_bytes(&bytes, true);
        let _ = g2_from_bytes(&bytes, true);
        if bytes.len() >= 64 {
            // A decoded point re-encodes to the same bytes.
            if let Ok(p) = g1_from_bytes(&bytes[..64], true) {
                prop_assert_eq!(&g1_to_bytes(&p)[..], &bytes[..64]);
            }
        }
    }

    #[test]
    fn ptau_reader_never_panics(cut in 0usize..2000, flip in 0usize..2000, bit in 0u8..8) {
        let good = small_ptau();
        let mut bytes = good[..cut.min(good.len())].to_vec();
        if let Some(b) = bytes.get_mut(flip) {
            *b ^= 1 << bit;
        }
        let result = Srs::read_ptau(Cursor::new(&bytes), 2);
        if bytes.len() < good.len() {
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn params_reader_never_panics(cut in 0usize..700, flip in 0usize..700, bit in 0u8..8) {
        let good = small_params();
        let mut bytes = good[..cut.min(good.len())].to_vec();
        if let Some(b) = bytes.get_mut(flip) {
            *b ^= 1 << bit;
        }
        let _ = Srs::read_params_kzg(Cursor::new(&bytes));
    }

    #[test]
    fn random_files_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        prop_assert!(Srs::read_ptau(Cursor::new(&bytes), 1).is_err());
        prop_assert!(Srs::read_params_kzg(Cursor::new(&bytes)).is_err());
    }
}

mod proofs {
    use super::*;
    use rebuttal_prover::backend::CpuBackend;
    use rebuttal_prover::circuit::Circuit;
    use rebuttal_prover::plonk::{ProvingKey, keygen, prove, verify};
    use rebuttal_prover::testing::Memory;

    fn fixture() -> &'static (ProvingKey, Vec<u8>, Vec<Vec<rebuttal_prover::arith::Fr>>) {
        static F: std::sync::OnceLock<(ProvingKey, Vec<u8>, Vec<Vec<rebuttal_prover::arith::Fr>>)> =
            std::sync::OnceLock::new();
        F.get_or_init(|| {
            let circuit = Memory { memory: vec![(1, 2), (3, 4)], reads: vec![(3, 4)] };
            let srs = Srs::unsafe_setup(5, 9).unwrap();
            let pk = keygen(&srs, &circuit, 5, &CpuBackend).unwrap();
            let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
            (pk, proof, circuit.instances())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_and_mangled_proofs_are_rejected_without_panic(
            random in proptest::collection::vec(any::<u8>(), 0..3000),
            cut in 0usize..3000,
            at in 0usize..3000,
            byte in any::<u8>(),
        ) {
            let (pk, proof, instances) = fixture();
            prop_assert!(verify(pk.vk(), instances, &random).is_err());
            prop_assert!(rebuttal_prover::plonk::VerifyingKey::from_bytes(&random).is_err());
            let vk_bytes = pk.vk().to_bytes();
            let mut vk_mangled = vk_bytes[..cut.min(vk_bytes.len())].to_vec();
            if let Some(b) = vk_mangled.get_mut(at) {
                *b = byte;
            }
            if vk_mangled != vk_bytes {
                prop_assert!(rebuttal_prover::plonk::VerifyingKey::from_bytes(&vk_mangled).is_err());
            }
            let mut mangled = proof[..cut.min(proof.len())].to_vec();
            if let Some(b) = mangled.get_mut(at) {
                if *b != byte {
                    *b = byte;
                    prop_assert!(verify(pk.vk(), instances, &mangled).is_err());
                }
            }
        }
    }
}
