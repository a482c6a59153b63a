//! The sparse encoding and the chunk layouts the circuit is built on.
//!
//! A lane is held as its 64 bits written as base-8 digits, `Σ bit_i · 8^i` (a *sparse* value):
//! adding up to seven sparse values adds their bits digit by digit without carries, so XOR-sums
//! become field additions and a lookup of each digit's parity normalises them. Lanes are cut into
//! *chunks* of at most `chunk_bits` digits; a fixed table maps every chunk to its normalised form.
//!
//! - The **standard chunks** `[0, c), [c, 2c), …` cut every state lane (χ outputs, ι, column
//!   sums, the absorbed state).
//! - θ's output lane `(x, y)` is rotated by ρ and moved by π before χ reads it, so it is cut into
//!   **pieces** that land exactly on standard chunks of its destination lane: a chunk that ρ wraps
//!   around bit 63 becomes two pieces. χ then reads every chunk as a linear combination of pieces.
//!
//! A chunk or piece shorter than `c` digits is looked up multiplied by `8^(c − len)` (its *shift*):
//! the table holds only `c`-digit values, so for an *integer* the product is in the table exactly
//! when the value has at most `len` digits. The shifted lookup alone does not make a cell an
//! integer — `T · 8^−(c−len)` passes it too, with hidden low digits that can carry into the
//! neighbouring piece of a sum (review forgeries, `circuits/tests/keccak_*_forgery.rs`) — so every
//! stored θ piece shorter than `c` is also looked up unshifted (config.rs). Only both together
//! make every decomposition unique.

use ff::Field;
use rebuttal_prover::arith::Fr;

use super::reference::ROTATIONS;

/// The base of the sparse encoding: three bits per digit, so sums of up to seven bits never carry.
pub const BASE: u64 = 8;
/// Bits in a lane.
pub const LANE_BITS: usize = 64;

/// A run of digits `[start, start + len)` of a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub len: usize,
}

/// A run of digits of a θ output lane that ρ and π move into one standard chunk of its
/// destination lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// First digit in the θ output lane.
    pub start: usize,
    pub len: usize,
    /// The standard chunk of the destination lane it lands in.
    pub chunk: usize,
    /// Its first digit's position inside that chunk.
    pub offset: usize,
}

/// Chunks and pieces for a chunk size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    chunk_bits: usize,
    chunks: Vec<Chunk>,
    /// Per source lane `x + 5y` (before ρ and π).
    pieces: Vec<Vec<Piece>>,
}

impl Layout {
    /// The layout for chunks of `chunk_bits` digits (`1..=21`; the circuit accepts a narrower range).
    pub fn new(chunk_bits: usize) -> Self {
        assert!((1..=21).contains(&chunk_bits), "chunk_bits {chunk_bits} out of 1..=21");
        let chunks: Vec<Chunk> = (0..LANE_BITS)
            .step_by(chunk_bits)
            .map(|start| Chunk { start, len: chunk_bits.min(LANE_BITS - start) })
            .collect();
        let pieces = (0..25)
            .map(|lane| {
                let r = ROTATIONS[lane] as usize;
                let mut pieces = Vec::new();
                for (k, chunk) in chunks.iter().enumerate() {
                    // Destination digit d came from source digit d − r (mod 64).
                    let start = (chunk.start + LANE_BITS - r) % LANE_BITS;
                    if start + chunk.len <= LANE_BITS {
                        pieces.push(Piece { start, len: chunk.len, chunk: k, offset: 0 });
                    } else {
                        let first = LANE_BITS - start;
                        pieces.push(Piece { start, len: first, chunk: k, offset: 0 });
                        pieces.push(Piece { start: 0, len: chunk.len - first, chunk: k, offset: first });
                    }
                }
                pieces
            })
            .collect();
        Self { chunk_bits, chunks, pieces }
    }

    /// Digits per chunk.
    pub fn chunk_bits(&self) -> usize {
        self.chunk_bits
    }

    /// The standard chunks of a lane.
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// The θ output pieces of source lane `lane`.
    pub fn pieces(&self, lane: usize) -> &[Piece] {
        &self.pieces[lane]
    }

    /// `8^(c − len)`: the factor a value of `len` digits is looked up with.
    pub fn shift(&self, len: usize) -> u64 {
        BASE.pow((self.chunk_bits - len) as u32)
    }
}

/// `8^e` in the field.
pub fn pow8(e: usize) -> Fr {
    Fr::from(BASE).pow_vartime([e as u64])
}

/// The sparse value of the low `len` bits of `bits` (`len ≤ 21`).
pub fn sparse(bits: u64, len: usize) -> u64 {
    (0..len).rev().fold(0, |acc, i| acc * BASE + ((bits >> i) & 1))
}

/// Bits `[start, start + len)` of a lane, as the low bits of the result.
pub fn bits_of(lane: u64, start: usize, len: usize) -> u64 {
    let shifted = lane >> start;
    if len >= 64 { shifted } else { shifted & ((1u64 << len) - 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_each_lane_once_and_land_on_chunks() {
        for c in 1..=7 {
            let layout = Layout::new(c);
            for (lane, rotation) in ROTATIONS.iter().enumerate() {
                let mut covered = [false; 64];
                for p in layout.pieces(lane) {
                    for (d, seen) in covered.iter_mut().enumerate().skip(p.start).take(p.len) {
                        assert!(!*seen);
                        *seen = true;
                        let dest = (d + *rotation as usize) % 64;
                        let chunk = layout.chunks()[p.chunk];
                        assert_eq!(dest, chunk.start + p.offset + (d - p.start));
                    }
                }
                assert!(covered.iter().all(|&b| b));
            }
        }
    }

    #[test]
    fn sparse_values() {
        assert_eq!(sparse(0b101, 3), 65);
        assert_eq!(bits_of(0xF0, 4, 4), 0xF);
    }
}
