//! Prints the keccak circuit's statistics for every chunk size at the smallest k its table fits
//! in, and at k = 16 and 18: `cargo run --release -p rebuttal-circuits --example keccak_stats`.

use rebuttal_circuits::keccak::{MAX_CHUNK_BITS, MIN_CHUNK_BITS, capacity, keccak_stats};

fn main() {
    for chunk_bits in MIN_CHUNK_BITS..=MAX_CHUNK_BITS {
        let smallest = (1..=28).find(|&k| capacity(chunk_bits, k).is_ok_and(|c| c > 0)).expect("some k fits");
        for k in [smallest, 16, 18] {
            match keccak_stats(chunk_bits, k) {
                Ok(stats) => println!("== chunk {chunk_bits} bits, k = {k}\n{stats}"),
                Err(e) => println!("== chunk {chunk_bits} bits, k = {k}: {e}"),
            }
        }
    }
}
