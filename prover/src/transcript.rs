//! The Fiat–Shamir transcript: Keccak256 over the EVM-friendly encodings of [`crate::encoding`],
//! so that a Solidity verifier recomputes every challenge with the `keccak256` opcode.
//!
//! Protocol: the transcript keeps a byte buffer. Absorbing appends bytes (a G1 point as 64
//! bytes, a scalar as 32). Squeezing a challenge hashes the buffer, `h = keccak256(buffer)`,
//! replaces the buffer with `h` (so later challenges depend on everything before), and returns
//! `h mod r`. A new transcript starts from the verifying key's 32-byte digest; the prover and
//! verifier then absorb every instance value before any proof element.

use sha3::{Digest, Keccak256};

use crate::arith::{Fr, G1Affine};
use crate::encoding::{fr_from_bytes_reduced, fr_to_bytes, g1_to_bytes};

/// A Keccak256 Fiat–Shamir transcript.
#[derive(Debug, Clone)]
pub struct Transcript {
    buffer: Vec<u8>,
}

impl Transcript {
    /// A transcript bound to a verifying key (or any 32-byte domain separator).
    pub fn new(vk_digest: [u8; 32]) -> Self {
        Self { buffer: vk_digest.to_vec() }
    }

    /// Absorbs a scalar (32 bytes, big-endian).
    pub fn absorb_scalar(&mut self, value: &Fr) {
        self.buffer.extend_from_slice(&fr_to_bytes(value));
    }

    /// Absorbs a G1 point (64 bytes, `x ‖ y`).
    pub fn absorb_point(&mut self, point: &G1Affine) {
        self.buffer.extend_from_slice(&g1_to_bytes(point));
    }

    /// Squeezes a challenge: `keccak256(buffer) mod r`.
    pub fn challenge(&mut self) -> Fr {
        let hash: [u8; 32] = Keccak256::digest(&self.buffer).into();
        self.buffer.clear();
        self.buffer.extend_from_slice(&hash);
        fr_from_bytes_reduced(&hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;

    #[test]
    fn challenges_are_keccak_of_the_encoded_stream() {
        let mut t = Transcript::new([7u8; 32]);
        t.absorb_scalar(&Fr::from(5u64));
        t.absorb_point(&G1Affine::generator());
        let c1 = t.challenge();

        let mut stream = vec![7u8; 32];
        stream.extend_from_slice(&fr_to_bytes(&Fr::from(5u64)));
        stream.extend_from_slice(&g1_to_bytes(&G1Affine::generator()));
        let h: [u8; 32] = Keccak256::digest(&stream).into();
        assert_eq!(c1, fr_from_bytes_reduced(&h));

        // A second challenge with nothing absorbed hashes the first hash.
        let c2 = t.challenge();
        let h2: [u8; 32] = Keccak256::digest(h).into();
        assert_eq!(c2, fr_from_bytes_reduced(&h2));
        assert_ne!(c1, c2);
    }

    #[test]
    fn every_absorbed_value_changes_the_challenge() {
        let base = |digest: u8, s: u64, p: G1Affine| {
            let mut t = Transcript::new([digest; 32]);
            t.absorb_scalar(&Fr::from(s));
            t.absorb_point(&p);
            t.challenge()
        };
        let g = G1Affine::generator();
        let c = base(1, 2, g);
        assert_ne!(c, base(2, 2, g));
        assert_ne!(c, base(1, 3, g));
        assert_ne!(c, base(1, 2, (g + g).into()));
        assert_ne!(c, Fr::ZERO);
    }
}
