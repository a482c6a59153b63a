//! Solidity verifier generation for rebuttal verifying keys.
//!
//! [`generate`] turns a [`VerifyingKey`] into a Solidity contract whose `verifyProof(bytes
//! proof, uint256[] instances)` accepts exactly the proofs that
//! [`rebuttal_prover::plonk::verify`] accepts (see [`abi`] for how `instances` is laid out and
//! [`encode_calldata`] for ready-made call data):
//!
//! - the call data must be the canonical ABI encoding and the proof exactly as long as the key
//!   fixes; instance lengths are checked against the usable rows;
//! - every instance value and proof scalar must be below r, every point coordinate below q and
//!   every point on the curve (`(0, 0)` is the identity, accepted in proofs as
//!   `encoding::g1_from_bytes(_, true)` does);
//! - the Keccak transcript is replayed byte for byte (verifying-key digest, instances, proof);
//! - the gates, the logUp and permutation arguments (one constraint list, `argument.rs`) are
//!   compiled into straight-line Yul evaluated at the challenge point, and checked against the
//!   quotient;
//! - the openings are checked with SHPLONK: one MSM on the precompiles 0x06/0x07 and one
//!   two-pair pairing on 0x08. The few inverses needed are batch-inverted with one `modexp`
//!   (0x05).
//!
//! **Failure reverts**: the function returns `true` or reverts with a custom error
//! ([`RevertReason`]); it never returns `false`, so a dispute contract that forgets to check the
//! returned value still cannot accept an invalid proof.
//!
//! The one intended difference from the Rust verifier: if a challenge makes a value the
//! verifier inverts zero (`x = 0` or `ω^rot·x` in the domain, probability about 2⁻²²⁰), the
//! contract reverts with `ChallengeDegenerate` where the Rust verifier would continue with a
//! zero inverse.
//!
//! **Size** (EIP-170, 24,576 bytes): a verifying key with many commitments can have them moved
//! into a second contract, [`KeyPlacement::Separate`]: the verifier's constructor deploys it
//! (one deployment transaction, and the verifier is bound to exactly that key contract), and
//! the MSM over the key's points runs there. [`generate`] does so from
//! [`SEPARATE_KEY_FROM`] key commitments on. Not done: splitting the constraint evaluation
//! itself, or a key too large for one helper contract (about 400 points); circuits that need
//! it exceed EIP-170 and their deployment fails (tests/size.rs shows where).
//!
//! **Compiling**: solc 0.8.37 with the optimizer on and its Yul optimizer off
//! ([`SOLC_SETTINGS`]); with the Yul optimizer on, solc runs out of stack slots ("stack too
//! deep") on the large assembly block, and with `viaIR` the code is more than twice as large.
//!
//! ```
//! use rebuttal_prover::{backend::CpuBackend, circuit::Circuit, plonk, srs::Srs, testing::Fibonacci};
//!
//! let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
//! let srs = Srs::unsafe_setup(5, 1).unwrap(); // insecure test setup
//! let pk = plonk::keygen(&srs, &circuit, 5, &CpuBackend).unwrap();
//! let proof = plonk::prove(&pk, &circuit, &CpuBackend).unwrap();
//!
//! let verifier = rebuttal_verifier_gen::generate(pk.vk()).unwrap();
//! assert!(verifier.source.contains("function verifyProof(bytes calldata proof, uint256[] calldata instances)"));
//! // Write `verifier.source` to `verifier.file_name`, compile with `SOLC_SETTINGS`, deploy
//! // `verifier.contract_name`, then send this as the call's data:
//! let calldata = rebuttal_verifier_gen::encode_calldata(&proof, &circuit.instances());
//! assert_eq!(calldata.len(), 4 + 3 * 32 + verifier.proof_len + 32 + 32 * 3);
//! ```

pub mod abi;
mod emit;
mod expr;
mod plan;
mod yul;

pub use abi::{RevertReason, encode_calldata, flatten_instances};
use rebuttal_prover::plonk::VerifyingKey;

/// Why a verifier could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("verifying key has k = {k}, beyond the 2^28 rows BN254 supports")]
    DomainTooLarge { k: u32 },
    #[error("verifying key is internally inconsistent: {0}")]
    Inconsistent(String),
}

/// The solc standard-JSON `settings` the generated source is meant to be compiled with.
pub const SOLC_SETTINGS: &str =
    r#"{"optimizer":{"enabled":true,"runs":200,"details":{"yul":false}},"evmVersion":"cancun"}"#;

/// From this many verifying-key commitments on, [`generate`] moves them to a second contract.
pub const SEPARATE_KEY_FROM: usize = 40;

/// Where the verifying key's commitments live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlacement {
    /// As constants in the verifier's code (cheapest in gas).
    Inline,
    /// In a helper contract deployed by the verifier's constructor (about 2,700 gas more per
    /// verification: one call).
    Separate,
}

/// A generated verifier: Solidity sources and which contract to deploy and call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedVerifier {
    /// The source file's suggested name, e.g. `RebuttalVerifier.sol`.
    pub file_name: String,
    /// The complete Solidity source (pragma `0.8.37`, MIT licence).
    pub source: String,
    /// The contract to deploy (no constructor arguments) and call `verifyProof` on.
    pub contract_name: String,
    /// With [`KeyPlacement::Separate`]: the helper contract in the same source, which the
    /// verifier's constructor deploys (its deployed size counts against EIP-170 separately).
    pub key_contract_name: Option<String>,
    /// Exact proof length in bytes this verifier accepts.
    pub proof_len: usize,
    /// Number of G1 commitments in a proof.
    pub proof_commitments: usize,
    /// Number of G1 commitments taken from the verifying key (fixed and σ columns).
    pub vk_commitments: usize,
}

/// Generates the Solidity verifier of `vk`, with the key's commitments inline below
/// [`SEPARATE_KEY_FROM`] of them and in a helper contract from there on.
pub fn generate(vk: &VerifyingKey) -> Result<GeneratedVerifier, GenerateError> {
    let commitments = vk.fixed_commitments().len() + vk.sigma_commitments().len();
    let placement = if commitments >= SEPARATE_KEY_FROM { KeyPlacement::Separate } else { KeyPlacement::Inline };
    generate_with(vk, placement)
}

/// Generates the Solidity verifier of `vk` with the key's commitments placed as asked.
pub fn generate_with(vk: &VerifyingKey, placement: KeyPlacement) -> Result<GeneratedVerifier, GenerateError> {
    let mut plan = plan::Plan::new(vk)?;
    let split = placement == KeyPlacement::Separate;
    let source = emit::solidity(&mut plan, split)?;
    tracing::debug!(bytes = source.len(), split, "generated Solidity verifier");
    Ok(GeneratedVerifier {
        file_name: format!("{}.sol", emit::CONTRACT_NAME),
        source,
        contract_name: emit::CONTRACT_NAME.into(),
        key_contract_name: split.then(|| emit::KEY_CONTRACT_NAME.into()),
        proof_len: plan.proof_len,
        proof_commitments: plan.shape.num_points(),
        vk_commitments: vk.fixed_commitments().len() + vk.sigma_commitments().len(),
    })
}
