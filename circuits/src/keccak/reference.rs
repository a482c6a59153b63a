//! Plain keccak256 on `u64` lanes: the witness generator computes every cell from this, and the
//! circuit's constants (round constants, rotation offsets, the π permutation) live here.

/// Bytes absorbed per permutation (the sponge rate of keccak256).
pub const RATE_BYTES: usize = 136;
/// Lanes absorbed per permutation.
pub const RATE_LANES: usize = RATE_BYTES / 8;
/// Rounds of keccak-f[1600].
pub const ROUNDS: usize = 24;

/// ι round constants.
pub const ROUND_CONSTANTS: [u64; ROUNDS] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// ρ rotation offsets, indexed by lane `x + 5y`.
pub const ROTATIONS: [u32; 25] =
    [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/// π: the lane `(x, y)` moves to `(y, 2x + 3y)`; returns the destination lane index.
pub const fn pi_destination(lane: usize) -> usize {
    let (x, y) = (lane % 5, lane / 5);
    y + 5 * ((2 * x + 3 * y) % 5)
}

/// The state after θ, ρ and π of one round (the input of χ), from the round's input state.
pub fn theta_rho_pi(state: &[u64; 25]) -> [u64; 25] {
    let c: [u64; 5] = std::array::from_fn(|x| (0..5).fold(0, |acc, y| acc ^ state[x + 5 * y]));
    let mut b = [0u64; 25];
    for (lane, &value) in state.iter().enumerate() {
        let x = lane % 5;
        let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
        b[pi_destination(lane)] = (value ^ d).rotate_left(ROTATIONS[lane]);
    }
    b
}

/// χ on a state already through θ, ρ and π.
pub fn chi(b: &[u64; 25]) -> [u64; 25] {
    std::array::from_fn(|lane| {
        let (x, y) = (lane % 5, lane / 5);
        b[lane] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
    })
}

/// keccak-f[1600] in place.
pub fn keccak_f(state: &mut [u64; 25]) {
    for rc in ROUND_CONSTANTS {
        *state = chi(&theta_rho_pi(state));
        state[0] ^= rc;
    }
}

/// The input padded with pad10*1 to a whole number of 136-byte blocks (at least one).
pub fn pad(input: &[u8]) -> Vec<u8> {
    let blocks = input.len() / RATE_BYTES + 1;
    let mut padded = vec![0u8; blocks * RATE_BYTES];
    padded[..input.len()].copy_from_slice(input);
    padded[input.len()] ^= 0x01;
    *padded.last_mut().expect("at least one block") ^= 0x80;
    padded
}

/// The 25 lanes of one block: the first 17 hold its bytes (little-endian), the rest are zero.
pub fn block_lanes(block: &[u8; RATE_BYTES]) -> [u64; 25] {
    let mut lanes = [0u64; 25];
    for (lane, bytes) in lanes.iter_mut().zip(block.chunks_exact(8)) {
        *lane = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
    }
    lanes
}

/// The first 32 bytes of a state: the keccak256 digest once the last block is absorbed.
pub fn squeeze(state: &[u64; 25]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, lane) in out.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    out
}

/// keccak256 of `input`.
pub fn keccak256(input: &[u8]) -> [u8; 32] {
    let mut state = [0u64; 25];
    for block in pad(input).chunks_exact(RATE_BYTES) {
        let lanes = block_lanes(block.try_into().expect("136 bytes"));
        for (s, b) in state.iter_mut().zip(lanes) {
            *s ^= b;
        }
        keccak_f(&mut state);
    }
    squeeze(&state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_string_digest() {
        let expected = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
        let got: String = keccak256(&[]).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn padding_lengths() {
        assert_eq!(pad(&[0; 135]).len(), 136);
        assert_eq!(pad(&[0; 135])[135], 0x81);
        assert_eq!(pad(&[0; 136]).len(), 272);
        assert_eq!(pad(&[]).len(), 136);
    }
}
