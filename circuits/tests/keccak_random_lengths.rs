//! Random inputs of every length 0..=300, spread over several circuits, checked by the
//! MockProver and compared with the `sha3` crate.

mod common;

use common::check_inputs;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rebuttal_circuits::keccak::{capacity, witness::permutations_for_len};

#[test]
fn every_length_from_0_to_300() {
    let mut rng = ChaCha20Rng::seed_from_u64(300);
    let per_circuit = capacity(common::CHUNK_BITS, common::K).unwrap();
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut used = 0;
    for len in 0..=300usize {
        let needed = permutations_for_len(len);
        if used + needed > per_circuit {
            check_inputs(std::mem::take(&mut batch));
            used = 0;
        }
        batch.push((0..len).map(|_| rng.r#gen()).collect());
        used += needed;
    }
    check_inputs(batch);
}
