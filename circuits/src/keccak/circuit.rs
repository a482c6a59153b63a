//! The keccak circuit on its own: a [`Circuit`] proving keccak256 of a list of byte strings.

use rebuttal_prover::arith::{Fr, MAX_K};
use rebuttal_prover::circuit::{
    AdviceAssignment, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment, Phase,
};

use super::assign::{KeccakWitness, regions_in};
use super::config::{KeccakConfig, REGION_ROWS};
use super::reference::keccak256;
use super::table::table_rows;

/// Smallest supported chunk size (digits per lookup).
pub const MIN_CHUNK_BITS: usize = 2;
/// Largest supported chunk size: its table has 6^7 + 5^7 + 256 ≈ 358,000 rows.
pub const MAX_CHUNK_BITS: usize = 7;

/// Why a keccak circuit could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeccakError {
    #[error("chunk size {0} is outside the supported {MIN_CHUNK_BITS}..={MAX_CHUNK_BITS} bits")]
    ChunkBits(usize),
    #[error("k = {k} is beyond the largest supported domain 2^{MAX_K}")]
    DomainTooLarge { k: u32 },
    #[error("k = {k}: the lookup table for {chunk_bits}-bit chunks needs {table} rows, only {usable} are usable")]
    TableDoesNotFit { k: u32, chunk_bits: usize, table: usize, usable: usize },
    #[error("k = {k}: the inputs need {needed} keccak-f but 2^{k} rows hold only {capacity}")]
    TooManyPermutations { k: u32, needed: usize, capacity: usize },
    #[error("no domain up to 2^{MAX_K} rows holds the {needed} keccak-f the inputs need")]
    NoDomainFits { needed: usize },
}

/// The constraint system of the keccak circuit with `chunk_bits`-bit chunks.
pub fn keccak_constraint_system(chunk_bits: usize) -> Result<(ConstraintSystem, KeccakConfig), KeccakError> {
    if !(MIN_CHUNK_BITS..=MAX_CHUNK_BITS).contains(&chunk_bits) {
        return Err(KeccakError::ChunkBits(chunk_bits));
    }
    let mut cs = ConstraintSystem::new();
    let challenge = cs.challenge_usable_after(Phase::First);
    let config = KeccakConfig::configure(&mut cs, chunk_bits, challenge);
    Ok((cs, config))
}

/// How many keccak-f fit at `2^k` rows with `chunk_bits`-bit chunks (checking that the lookup
/// table fits too).
pub fn capacity(chunk_bits: usize, k: u32) -> Result<usize, KeccakError> {
    let (cs, _) = keccak_constraint_system(chunk_bits)?;
    capacity_of(&cs, chunk_bits, k)
}

fn capacity_of(cs: &ConstraintSystem, chunk_bits: usize, k: u32) -> Result<usize, KeccakError> {
    if k > MAX_K {
        return Err(KeccakError::DomainTooLarge { k });
    }
    let usable = cs.usable_rows(k);
    let table = table_rows(chunk_bits);
    if table > usable {
        return Err(KeccakError::TableDoesNotFit { k, chunk_bits, table, usable });
    }
    Ok(regions_in(usable))
}

/// The cheapest `(chunk_bits, k)` for `permutations` keccak-f: the fewest committed cells
/// (committed columns × 2^k). Small circuits favour small chunks (small tables, small k), large
/// ones large chunks (fewer columns).
pub fn choose_shape(permutations: usize) -> Result<(usize, u32), KeccakError> {
    let mut best: Option<(u128, usize, u32)> = None;
    for chunk_bits in MIN_CHUNK_BITS..=MAX_CHUNK_BITS {
        let (cs, _) = keccak_constraint_system(chunk_bits)?;
        let Some(k) = (1..=MAX_K).find(|&k| capacity_of(&cs, chunk_bits, k).is_ok_and(|c| c >= permutations.max(1)))
        else {
            continue;
        };
        let cells = cs.committed_columns().total() as u128 * (1u128 << k);
        if best.is_none_or(|(b, _, _)| cells <= b) {
            best = Some((cells, chunk_bits, k));
        }
    }
    best.map(|(_, c, k)| (c, k)).ok_or(KeccakError::NoDomainFits { needed: permutations })
}

/// keccak256 of every input, proven in one circuit. The digests are exposed through the keccak
/// table ([`KeccakConfig::keccak_table`]) for other circuits to look up; the circuit has no
/// instance columns.
#[derive(Debug, Clone)]
pub struct KeccakCircuit {
    inputs: Vec<Vec<u8>>,
    witness: KeccakWitness,
    chunk_bits: usize,
    k: u32,
}

impl KeccakCircuit {
    /// A circuit for `inputs` at the cheapest chunk size and domain ([`choose_shape`]).
    pub fn new(inputs: Vec<Vec<u8>>) -> Result<Self, KeccakError> {
        let witness = KeccakWitness::new(&inputs);
        let (chunk_bits, k) = choose_shape(witness.num_permutations())?;
        Ok(Self { inputs, witness, chunk_bits, k })
    }

    /// A circuit for `inputs` with `chunk_bits`-bit chunks at `2^k` rows; fails if they do not fit.
    pub fn with_shape(inputs: Vec<Vec<u8>>, chunk_bits: usize, k: u32) -> Result<Self, KeccakError> {
        let witness = KeccakWitness::new(&inputs);
        let capacity = capacity(chunk_bits, k)?;
        let needed = witness.num_permutations();
        if needed > capacity {
            return Err(KeccakError::TooManyPermutations { k, needed, capacity });
        }
        Ok(Self { inputs, witness, chunk_bits, k })
    }

    /// log2 of the rows the circuit is laid out for.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Digits per lookup chunk.
    pub fn chunk_bits(&self) -> usize {
        self.chunk_bits
    }

    /// The hashed inputs.
    pub fn inputs(&self) -> &[Vec<u8>] {
        &self.inputs
    }

    /// keccak-f the inputs use (the remaining regions hash the empty string).
    pub fn num_permutations(&self) -> usize {
        self.witness.num_permutations()
    }

    /// The witness (permutations in region order).
    pub fn witness(&self) -> &KeccakWitness {
        &self.witness
    }

    /// keccak256 of every input, in order.
    pub fn digests(&self) -> Vec<[u8; 32]> {
        self.inputs.iter().map(|i| keccak256(i)).collect()
    }
}

impl Circuit for KeccakCircuit {
    type Config = KeccakConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> KeccakConfig {
        let challenge = cs.challenge_usable_after(Phase::First);
        KeccakConfig::configure(cs, self.chunk_bits, challenge)
    }

    fn assign_fixed(&self, config: &KeccakConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        config.assign_fixed(fixed)
    }

    fn assign_advice(
        &self,
        config: &KeccakConfig,
        phase: Phase,
        challenges: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        config.assign_advice(&self.witness, phase, challenges, advice)
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

/// Rows per keccak-f.
pub const ROWS_PER_PERMUTATION: usize = REGION_ROWS;
