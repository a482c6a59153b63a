//! Witness generation: the permutations each input needs, and every cell of a region computed
//! from plain `u64` lanes.

use ff::{Field, PrimeField};
use rebuttal_prover::arith::Fr;

use super::config::{BYTE_COLUMNS, DATA_ROWS, KeccakConfig, LAST_ROW, OUTPUT_ROW, REGION_ROWS};
use super::layout::{bits_of, sparse};
use super::reference::{
    RATE_BYTES, RATE_LANES, ROUND_CONSTANTS, block_lanes, chi, keccak_f, pad, squeeze, theta_rho_pi,
};

/// One keccak-f of one input: the block it absorbs and where it stands in its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permutation {
    /// The padded block.
    pub block: [u8; RATE_BYTES],
    /// How many of the block's bytes are input (the rest is padding).
    pub data_len: usize,
    /// The first block of its input.
    pub is_first: bool,
    /// The last block of its input: its output is the digest.
    pub is_final: bool,
    /// The state before absorbing the block (zero for a first block).
    pub prev_state: [u64; 25],
    /// Input bytes absorbed by earlier blocks of the same input.
    pub len_before: u64,
}

/// The permutations of `input`, in order.
pub fn permutations(input: &[u8]) -> Vec<Permutation> {
    let padded = pad(input);
    let count = padded.len() / RATE_BYTES;
    let mut state = [0u64; 25];
    let mut out = Vec::with_capacity(count);
    for (i, block) in padded.chunks_exact(RATE_BYTES).enumerate() {
        let block: [u8; RATE_BYTES] = block.try_into().expect("whole blocks");
        let data_len = input.len().saturating_sub(i * RATE_BYTES).min(RATE_BYTES);
        out.push(Permutation {
            block,
            data_len,
            is_first: i == 0,
            is_final: i + 1 == count,
            prev_state: state,
            len_before: (i * RATE_BYTES) as u64,
        });
        for (s, b) in state.iter_mut().zip(block_lanes(&block)) {
            *s ^= b;
        }
        keccak_f(&mut state);
    }
    out
}

/// Number of keccak-f an input of `len` bytes needs.
pub fn permutations_for_len(len: usize) -> usize {
    len / RATE_BYTES + 1
}

/// A region's phase-1 cells, `[column slot][row]`, slots as in [`KeccakConfig::phase_one_columns`].
pub(crate) type RegionCells = Vec<Vec<Fr>>;

fn fr(v: u64) -> Fr {
    Fr::from(v)
}

/// Computes every phase-1 cell of the region proving `perm`. `slot[i]` is the position of advice
/// column `i` in the output.
pub(crate) fn region_cells(config: &KeccakConfig, perm: &Permutation, slot: &[usize], width: usize) -> RegionCells {
    let mut cells = vec![vec![Fr::ZERO; REGION_ROWS]; width];
    let mut set = |column: rebuttal_prover::circuit::AdviceColumn, row: usize, value: Fr| {
        cells[slot[column.index()]][row] = value;
    };
    let layout = &config.layout;
    let chunks = layout.chunks();
    let chunk_value = |lane: u64, k: usize| {
        let ch = chunks[k];
        fr(sparse(bits_of(lane, ch.start, ch.len), ch.len) * layout.shift(ch.len))
    };
    let write_state = |set: &mut dyn FnMut(_, usize, Fr), row: usize, chi_lanes: &[u64; 25], lane0: u64| {
        for (lane, &value) in chi_lanes.iter().enumerate() {
            for k in 0..chunks.len() {
                set(config.chi[lane][k], row, chunk_value(value, k));
            }
        }
        for k in 0..chunks.len() {
            set(config.iota[k], row, chunk_value(lane0, k));
        }
    };

    // Absorb row.
    let block = block_lanes(&perm.block);
    let mut state = perm.prev_state;
    for (s, b) in state.iter_mut().zip(block) {
        *s ^= b;
    }
    for (lane, &value) in block.iter().enumerate().take(RATE_LANES) {
        for (k, ch) in chunks.iter().enumerate() {
            let v = sparse(bits_of(value, ch.start, ch.len), ch.len);
            set(config.theta_in[lane][k], 0, fr(v));
            set(config.theta_out[lane][k], 0, fr(v * layout.shift(ch.len)));
        }
    }
    write_state(&mut set, 0, &state, state[0]);

    // Rounds.
    for (r, rc) in ROUND_CONSTANTS.iter().enumerate() {
        let row = r + 1;
        let c: [u64; 5] = std::array::from_fn(|x| (0..5).fold(0, |acc, y| acc ^ state[x + 5 * y]));
        for (x, &sum) in c.iter().enumerate() {
            for k in 0..chunks.len() {
                set(config.c_out[x][k], row, chunk_value(sum, k));
            }
            set(config.c_top[x], row, fr(sum >> 63));
        }
        for (lane, &s) in state.iter().enumerate() {
            let x = lane % 5;
            let (left, right) = (c[(x + 4) % 5], c[(x + 1) % 5]);
            let digit = |i: usize| ((s >> i) & 1) + ((left >> i) & 1) + ((right >> ((i + 63) % 64)) & 1);
            for (p, piece) in layout.pieces(lane).iter().enumerate() {
                let (mut sum, mut parity) = (0u64, 0u64);
                for i in (0..piece.len).rev() {
                    let d = digit(piece.start + i);
                    sum = sum * 8 + d;
                    parity = parity * 8 + (d & 1);
                }
                set(config.theta_in[lane][p], row, fr(sum));
                set(config.theta_out[lane][p], row, fr(parity * layout.shift(piece.len)));
            }
        }
        let chi_lanes = chi(&theta_rho_pi(&state));
        write_state(&mut set, row, &chi_lanes, chi_lanes[0] ^ rc);
        state = chi_lanes;
        state[0] ^= rc;
    }

    // Bytes: the block, then the output.
    for row in 0..DATA_ROWS {
        for j in 0..BYTE_COLUMNS {
            let slot_index = row * BYTE_COLUMNS + j;
            let b = perm.block[slot_index] as u64;
            set(config.byte[j], row, fr(b));
            set(config.sparse[j], row, fr(sparse(b, 8)));
            set(config.is_data[j], row, fr((slot_index < perm.data_len) as u64));
        }
    }
    let digest = squeeze(&state);
    for (i, &b) in digest.iter().enumerate() {
        let row = OUTPUT_ROW + i / BYTE_COLUMNS;
        set(config.byte[i % BYTE_COLUMNS], row, fr(b as u64));
        set(config.sparse[i % BYTE_COLUMNS], row, fr(sparse(b as u64, 8)));
    }

    // Flags and the table row.
    for row in 0..REGION_ROWS {
        set(config.is_first, row, fr(perm.is_first as u64));
        set(config.is_final, row, fr(perm.is_final as u64));
    }
    set(config.len, LAST_ROW, fr(perm.len_before + perm.data_len as u64));
    let half = |h: &[u8]| Fr::from_u128(u128::from_be_bytes(h.try_into().expect("16 bytes")));
    set(config.hi, LAST_ROW, half(&digest[..16]));
    set(config.lo, LAST_ROW, half(&digest[16..]));
    cells
}

/// The RLC of `perm`'s data bytes continuing from `start`, slot by slot: `(acc per data slot,
/// final value)`.
pub(crate) fn rlc_cells(perm: &Permutation, start: Fr, r: Fr) -> (Vec<Fr>, Fr) {
    let mut acc = start;
    let slots = (0..DATA_ROWS * BYTE_COLUMNS)
        .map(|s| {
            if s < perm.data_len {
                acc = acc * r + fr(perm.block[s] as u64);
            }
            acc
        })
        .collect();
    (slots, acc)
}
