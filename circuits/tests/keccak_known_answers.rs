//! keccak256 known answers and random inputs of every length 0..=300, checked by the MockProver
//! and compared with the `sha3` crate.

mod common;

use common::{check_inputs, sha3_keccak};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rebuttal_circuits::keccak::reference::keccak256;

fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..len).map(|_| rng.r#gen()).collect()
}

#[test]
fn known_answer_vectors() {
    let inputs: Vec<Vec<u8>> =
        vec![vec![], b"abc".to_vec(), bytes(135, 1), bytes(136, 2), bytes(137, 3), bytes(272, 4), bytes(1000, 5)];
    assert_eq!(
        sha3_keccak(b"abc").iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    );
    check_inputs(inputs);
}

#[test]
fn reference_matches_sha3_on_every_length_to_300() {
    for len in 0..=300 {
        let input = bytes(len, len as u64);
        assert_eq!(keccak256(&input), sha3_keccak(&input), "length {len}");
    }
}
