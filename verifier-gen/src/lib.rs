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
//!   compiled into straight-line code evaluated at the challenge point (in the verifier, or in
//!   helper contracts for large circuits), and checked against the quotient;
//! - the openings are checked with SHPLONK: one MSM on the precompiles 0x06/0x07 and one
//!   two-pair pairing on 0x08. The few inverses needed are batch-inverted with one `modexp`
//!   (0x05).
//!
//! **Packed keys** (`KeygenConfig::packing` > 1, see `rebuttal_prover::plonk::proof`, "Packed
//! commitments"): the proof and the key hold one commitment per pack of polynomials, so the MSM
//! takes one ecMul per pack; the SHPLONK scalars are those of `verify.rs` for packs (vanishing
//! factors `u^t − ω^rot·x`, member evaluations weighted by `u^j`, interpolation at `u^t`). They
//! take every layout unpacked keys take: straight-line code sums every opened polynomial's
//! evaluations inline (a `mulmod` and an `addmod`, ~15 bytes, per evaluation), which fits up to
//! a width of about 250 columns; beyond it the loop form walks runs of packs and folds each
//! pack's claims at a rotation (contiguous in the proof) by Horner's rule in an inner loop,
//! ~90 gas more per evaluation than straight-line code (measured on tests/size.rs's wide
//! circuits at 48 and 96 columns). Without packing the output is what it was before packing
//! existed, byte for byte.
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
//! **Size**: every contract fits EIP-170 (24,576 deployed bytes) and EIP-3860 (49,152 bytes of
//! creation code), for circuits of any width, packed or not. What grows with the circuit is
//! moved out of the straight-line code only where it would not fit ([`generate`] picks the
//! cheapest [`Layout`] that does; small circuits keep the single contract and its gas):
//!
//! - the per-commitment SHPLONK work ([`MsmCode::Loop`]): a loop over *runs* of commitments
//!   (polynomials, or packs) whose commitments and evaluations lie next to each other in the
//!   proof (one Yul call per run, so a few per rotation set), ~120 gas more per commitment than
//!   straight-line code (for packs ~90 more per evaluation); point and scalar checks, the
//!   transcript and instance handling were loops already;
//! - the verifying key's points: in a Solidity contract the constructor deploys
//!   ([`KeyPlacement::Separate`], from [`SEPARATE_KEY_FROM`] points), or for larger keys in
//!   bytecode helpers of up to [`KEY_POINTS_PER_HELPER`] points ([`KeyPlacement::Helpers`]);
//! - the constraint evaluation ([`ConstraintPlacement::Helpers`]): bytecode helpers, each
//!   compiled from a contiguous range of the constraint list (no interpretation at run time).
//!   The verifier sends each one its memory image (challenges, evaluation points, Lagrange and
//!   instance values) with the proof's evaluations appended, in one `staticcall`; the helper
//!   continues the Horner fold `acc·y + c_i` over its range and returns `acc`.
//!
//! The helpers ([`HelperContract`]) are EVM bytecode the generator assembles itself, so their
//! code hashes are known when the Solidity is written: the verifier's constructor takes their
//! addresses (`address[N]`, kept as immutables) and reverts with `HelperCodeMismatch(i)` unless
//! helper `i`'s `EXTCODEHASH` is the generated one. A wrong or malicious helper address cannot
//! make a bad proof pass; the helpers have no state, no `SELFDESTRUCT`, and may be called by
//! anyone. They are deployed first, in separate transactions (the verifier's creation code
//! cannot carry them: EIP-3860); see [`GeneratedVerifier`] for the procedure. A helper call
//! that fails (only out of gas) reverts with `PrecompileFailed`, so the failure reasons are the
//! single contract's.
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
//! // `verifier.contract_name` (after its helpers, if any: see `GeneratedVerifier`), then send
//! // this as the call's data:
//! assert!(verifier.helpers.is_empty()); // a small circuit: one contract
//! let calldata = rebuttal_verifier_gen::encode_calldata(&proof, &circuit.instances());
//! assert_eq!(calldata.len(), 4 + 3 * 32 + verifier.proof_len + 32 + 32 * 3);
//! ```

pub mod abi;
mod emit;
mod estimate;
mod evm;
mod expr;
mod plan;
mod yul;

pub use abi::{RevertReason, encode_calldata, flatten_instances};
use rebuttal_prover::plonk::VerifyingKey;

/// Why a verifier could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// The domain is beyond BN254's two-adicity.
    #[error("verifying key has k = {k}, beyond the 2^28 rows BN254 supports")]
    DomainTooLarge { k: u32 },
    /// The key contradicts itself (a bug, or a corrupted key).
    #[error("verifying key is internally inconsistent: {0}")]
    Inconsistent(String),
    /// A limit of the generator: more than 256 distinct opening points (with packing, vanishing
    /// factors `u^t − ω^rot·x`) in the loop form, one constraint whose code alone exceeds a
    /// contract, or no layout that fits EIP-170.
    #[error("this verifying key is beyond what the generator supports: {0}")]
    Unsupported(String),
    /// The final generation pass wrote a call to helper `index` but reserved no memory slot for
    /// its address (a generator bug: the sizing pass counts the helpers first). Never papered
    /// over with a fallback slot, which would make the verifier call whatever address that
    /// slot holds.
    #[error("helper contract {index} has no address slot ({reserved} reserved)")]
    HelperWithoutSlot {
        /// The helper's index in [`GeneratedVerifier::helpers`].
        index: usize,
        /// How many address slots the final pass reserved.
        reserved: usize,
    },
}

/// The solc standard-JSON `settings` the generated source is meant to be compiled with.
pub const SOLC_SETTINGS: &str =
    r#"{"optimizer":{"enabled":true,"runs":200,"details":{"yul":false}},"evmVersion":"cancun"}"#;

/// From this many verifying-key commitments on, [`generate`] moves them out of the verifier.
pub const SEPARATE_KEY_FROM: usize = 40;

/// From this many verifying-key commitments on, [`generate`] puts them in
/// [`KeyPlacement::Helpers`] rather than one [`KeyPlacement::Separate`] contract: that
/// contract's creation code travels inside the verifier's (EIP-3860 caps initcode at 49,152
/// bytes) and its straight-line MSM takes ~55 bytes per point.
pub const SEPARATE_KEY_MAX: usize = 250;

/// EIP-170's limit on a contract's deployed code.
pub const MAX_CODE_SIZE: usize = 24_576;

/// EIP-3860's limit on creation code.
pub const MAX_INITCODE_SIZE: usize = 49_152;

/// Where the verifying key's commitments live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlacement {
    /// As constants in the verifier's code (cheapest in gas).
    Inline,
    /// In a Solidity contract deployed by the verifier's constructor (about 2,700 gas more per
    /// verification: one call). Its creation code is part of the verifier's.
    Separate,
    /// In bytecode helper contracts ([`HelperRole::KeyMsm`], at most
    /// [`KEY_POINTS_PER_HELPER`] points each, a loop over the points stored after the code),
    /// deployed before the verifier; ~30 gas per point cheaper than `Separate`, one cold call
    /// (2,600 gas) per helper.
    Helpers,
}

/// How the per-commitment SHPLONK work (scalars, evaluation sums, MSM) is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsmCode {
    /// Straight-line code, ~55 deployed bytes per opened polynomial: cheapest in gas.
    StraightLine,
    /// A loop over runs of commitments (polynomials, or with packing packs) that sit next to
    /// each other in the proof (one call per run): the code grows with the rotation sets and
    /// runs, not with the columns; about 120 gas more per commitment (tests/size.rs;
    /// BENCHMARKS.md), and with packing about 90 more per evaluation (each pack's members are
    /// folded in an inner loop).
    Loop,
}

/// Where the constraints are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintPlacement {
    /// Compiled into the verifier itself.
    Inline,
    /// Compiled into bytecode helper contracts ([`HelperRole::Constraints`]), each evaluating a
    /// contiguous range of the constraint list, deployed before the verifier.
    Helpers,
}

/// How a verifier is laid out over contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// How the per-commitment SHPLONK work is written.
    pub msm: MsmCode,
    /// Where the verifying key's points live.
    pub key: KeyPlacement,
    /// Where the constraints are evaluated.
    pub constraints: ConstraintPlacement,
}

impl From<KeyPlacement> for Layout {
    /// Straight-line code, constraints inline, the key as given.
    fn from(key: KeyPlacement) -> Self {
        Layout { msm: MsmCode::StraightLine, key, constraints: ConstraintPlacement::Inline }
    }
}

impl std::fmt::Display for Layout {
    /// E.g. `loop, key contract, constraint helpers`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let msm = match self.msm {
            MsmCode::StraightLine => "straight-line",
            MsmCode::Loop => "loop",
        };
        let key = match self.key {
            KeyPlacement::Inline => "key inline",
            KeyPlacement::Separate => "key contract",
            KeyPlacement::Helpers => "key helpers",
        };
        let constraints = match self.constraints {
            ConstraintPlacement::Inline => "constraints inline",
            ConstraintPlacement::Helpers => "constraint helpers",
        };
        write!(f, "{msm}, {key}, {constraints}")
    }
}

/// At most this many verifying-key points per [`HelperRole::KeyMsm`] helper (64 bytes each).
pub const KEY_POINTS_PER_HELPER: usize = 380;

/// What a helper contract computes for the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperRole {
    /// Continues the Horner fold `acc·y + c_i` of the quotient identity over constraints
    /// `first..first + count` (of the extended constraint list), from the verifier's memory.
    Constraints {
        /// The first constraint's index.
        first: usize,
        /// How many constraints.
        count: usize,
    },
    /// The MSM over `count` verifying-key points (the key's points in SHPLONK order, then
    /// `[1]₁`), from `first` on.
    KeyMsm {
        /// The first point's index.
        first: usize,
        /// How many points.
        count: usize,
    },
}

impl std::fmt::Display for HelperRole {
    /// E.g. `constraints 0..26`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            HelperRole::Constraints { first, count } => write!(f, "constraints {first}..{}", first + count),
            HelperRole::KeyMsm { first, count } => write!(f, "key points {first}..{}", first + count),
        }
    }
}

/// A helper contract: EVM bytecode written by the generator itself, so that the verifier can
/// pin its code hash (the verifier's constructor refuses an address whose code hash differs).
/// Helpers hold no state and may be called by anyone; they return values, they never decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperContract {
    /// A name for files and logs, e.g. `RebuttalVerifierHelper0`.
    pub name: String,
    /// What it computes.
    pub role: HelperRole,
    /// The deployed code (at most [`MAX_CODE_SIZE`] bytes).
    pub runtime: Vec<u8>,
    /// Creation code: send it as a contract-creation transaction's data (no arguments).
    pub creation: Vec<u8>,
    /// `keccak256(runtime)`: what `EXTCODEHASH` must return at the helper's address.
    pub code_hash: [u8; 32],
}

/// A generated verifier: Solidity sources, helper contracts, and how to deploy them.
///
/// **Deployment**: first every helper of [`GeneratedVerifier::helpers`] (in any order, from
/// any account: a contract-creation transaction with [`HelperContract::creation`] as data),
/// then the verifier: its solc creation code followed by
/// [`GeneratedVerifier::constructor_args`] of the helpers' addresses in the order of
/// `helpers`. The constructor reverts with `HelperCodeMismatch(i)` if helper `i`'s code hash is
/// not the one generated. Without helpers the verifier's constructor takes no arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedVerifier {
    /// The source file's suggested name, e.g. `RebuttalVerifier.sol`.
    pub file_name: String,
    /// The complete Solidity source (pragma `0.8.37`, MIT licence).
    pub source: String,
    /// The contract to deploy and call `verifyProof` on.
    pub contract_name: String,
    /// With [`KeyPlacement::Separate`]: the key contract in the same source, which the
    /// verifier's constructor deploys (its deployed size counts against EIP-170 separately).
    pub key_contract_name: Option<String>,
    /// Bytecode helpers to deploy before the verifier (empty for small circuits).
    pub helpers: Vec<HelperContract>,
    /// How the verifier was laid out.
    pub layout: Layout,
    /// The verifier's deployed size in bytes as estimated from its Yul before compiling (what
    /// [`generate`] chooses the layout by).
    pub estimated_size: usize,
    /// Exact proof length in bytes this verifier accepts.
    pub proof_len: usize,
    /// Number of G1 commitments in a proof.
    pub proof_commitments: usize,
    /// Number of G1 commitments taken from the verifying key (fixed and σ columns; with packing,
    /// the key's packs).
    pub vk_commitments: usize,
}

/// The helper addresses given do not match the helpers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the verifier has {expected} helper contracts, {got} addresses were given")]
pub struct HelperCountError {
    /// The verifier's helpers.
    pub expected: usize,
    /// The addresses given.
    pub got: usize,
}

impl GeneratedVerifier {
    /// The ABI-encoded constructor arguments (`address[N]`, one word per helper) to append to
    /// the verifier's creation code, given the helpers' deployed addresses in the order of
    /// [`GeneratedVerifier::helpers`].
    pub fn constructor_args(&self, addresses: &[[u8; 20]]) -> Result<Vec<u8>, HelperCountError> {
        if addresses.len() != self.helpers.len() {
            return Err(HelperCountError { expected: self.helpers.len(), got: addresses.len() });
        }
        Ok(addresses
            .iter()
            .flat_map(|a| {
                let mut w = [0u8; 32];
                w[12..].copy_from_slice(a);
                w
            })
            .collect())
    }
}

/// Generates the Solidity verifier of `vk` with the cheapest layout (in verification gas)
/// whose contracts are all expected to fit EIP-170, trying in this order:
///
/// 1. straight-line code, constraints inline, one contract (plus the key contract from
///    [`SEPARATE_KEY_FROM`] key points): every small circuit;
/// 2. whichever is cheaper of straight-line code with the constraints in helpers (~3,000 gas
///    per helper: a cold call) and the loop form with the constraints inline (~3,500 gas plus
///    ~110 per opened polynomial);
/// 3. the loop form with the constraints in helpers, and then with the key in helpers too.
///
/// The verifier's size is estimated from its Yul ([`GeneratedVerifier::estimated_size`],
/// within a few percent of solc's on the generated code) with a 5 % margin; helpers are
/// assembled here, so their sizes are exact.
pub fn generate(vk: &VerifyingKey) -> Result<GeneratedVerifier, GenerateError> {
    let commitments = key_commitments(vk);
    let key = if commitments < SEPARATE_KEY_FROM {
        KeyPlacement::Inline
    } else if commitments < SEPARATE_KEY_MAX {
        KeyPlacement::Separate
    } else {
        KeyPlacement::Helpers
    };
    let layout = |msm, constraints| Layout { msm, key, constraints };
    let plain = generate_with(vk, layout(MsmCode::StraightLine, ConstraintPlacement::Inline))?;
    if fits(&plain) {
        return Ok(plain);
    }
    let mut second: Vec<GeneratedVerifier> = [
        layout(MsmCode::StraightLine, ConstraintPlacement::Helpers),
        layout(MsmCode::Loop, ConstraintPlacement::Inline),
    ]
    .into_iter()
    .filter_map(|l| candidate(vk, l).transpose())
    .collect::<Result<Vec<_>, _>>()?
    .into_iter()
    .filter(fits)
    .collect();
    second.sort_by_key(|g| extra_gas(g, vk.packing() > 1));
    if let Some(best) = second.into_iter().next() {
        return Ok(best);
    }
    let third = [
        layout(MsmCode::Loop, ConstraintPlacement::Helpers),
        Layout { msm: MsmCode::Loop, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers },
    ];
    for l in third {
        if let Some(g) = candidate(vk, l)?
            && fits(&g)
        {
            return Ok(g);
        }
    }
    Err(GenerateError::Unsupported("no layout keeps the verifier within EIP-170".into()))
}

/// `generate_with` for one candidate layout of [`generate`]: a layout beyond a limit of the
/// generator (e.g. more opening points than the loop form handles, which packing makes likelier)
/// is no candidate, not a failure, while another layout may still fit.
fn candidate(vk: &VerifyingKey, layout: Layout) -> Result<Option<GeneratedVerifier>, GenerateError> {
    match generate_with(vk, layout) {
        Ok(g) => Ok(Some(g)),
        Err(GenerateError::Unsupported(why)) => {
            tracing::debug!(%layout, why, "layout not generated");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The verifying key's commitments: its fixed and σ columns', or with packing its packs'.
fn key_commitments(vk: &VerifyingKey) -> usize {
    vk.fixed_commitments().len() + vk.sigma_commitments().len() + vk.packed_commitments().len()
}

/// Whether a generated verifier is expected to fit EIP-170 (helpers are exact).
fn fits(g: &GeneratedVerifier) -> bool {
    g.estimated_size * 105 / 100 <= MAX_CODE_SIZE
}

/// The gas a layout adds over straight-line code with the constraints inline (measured on
/// tests/size.rs's circuits; only used to order the candidates). With a `packed` key the loop
/// form also folds every evaluation in an inner loop: ~90 gas each.
fn extra_gas(g: &GeneratedVerifier, packed: bool) -> usize {
    let constraint_helpers = g.helpers.iter().filter(|h| matches!(h.role, HelperRole::Constraints { .. })).count();
    let looped = match g.layout.msm {
        MsmCode::StraightLine => 0,
        MsmCode::Loop => {
            let evaluations = (g.proof_len - 64 * g.proof_commitments) / 32;
            3_500 + 110 * (g.proof_commitments + g.vk_commitments) + if packed { 90 * evaluations } else { 0 }
        }
    };
    3_000 * constraint_helpers + looped
}

/// The layout [`generate`] picks for `vk`.
pub fn choose_layout(vk: &VerifyingKey) -> Result<Layout, GenerateError> {
    Ok(generate(vk)?.layout)
}

/// Generates the Solidity verifier of `vk` laid out as asked (any layout, packed key or not;
/// whether it fits EIP-170 is for the caller to check, as [`generate`] does).
pub fn generate_with(vk: &VerifyingKey, layout: impl Into<Layout>) -> Result<GeneratedVerifier, GenerateError> {
    let layout = layout.into();
    let slots = helper_slots(vk, layout)?;
    let mut plan = plan::Plan::new(vk, plan::Pass::Final { slots })?;
    let out = emit::solidity(&mut plan, layout)?;
    tracing::debug!(bytes = out.source.len(), helpers = out.helpers.len(), ?layout, "generated Solidity verifier");
    Ok(GeneratedVerifier {
        file_name: format!("{}.sol", emit::CONTRACT_NAME),
        source: out.source,
        contract_name: emit::CONTRACT_NAME.into(),
        key_contract_name: (layout.key == KeyPlacement::Separate).then(|| emit::KEY_CONTRACT_NAME.into()),
        helpers: out.helpers,
        layout,
        estimated_size: out.estimated_size,
        proof_len: plan.proof_len,
        proof_commitments: plan.shape.num_points(),
        vk_commitments: key_commitments(vk),
    })
}

/// How many helper address slots the final pass of `layout` reserves: sizing passes until the
/// count settles. The slots sit before the transcript buffer, so reserving them moves the
/// memory the constraint helpers read, which can change how the constraints split into
/// helpers: each sizing pass sets aside as many slots as the previous one counted.
fn helper_slots(vk: &VerifyingKey, layout: Layout) -> Result<usize, GenerateError> {
    // Only these roles make helpers: without them the final pass needs no slot (and would
    // report one it lacked), so no sizing pass is spent.
    if layout.constraints == ConstraintPlacement::Inline && layout.key != KeyPlacement::Helpers {
        return Ok(0);
    }
    let mut reserved = 0;
    for _ in 0..4 {
        let mut plan = plan::Plan::new(vk, plan::Pass::Sizing { reserved })?;
        let needed = emit::count_helpers(&mut plan, layout)?;
        if needed <= reserved {
            return Ok(reserved);
        }
        reserved = needed;
    }
    Err(GenerateError::Inconsistent("the number of helper contracts does not settle".into()))
}
