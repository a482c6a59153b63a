//! Running a circuit's configuration and assignment: shared by the MockProver, keygen and the
//! prover so that all three see exactly the same layout.

use ff::Field;

use super::Circuit;
use super::assignment::{AdviceAssignment, AssignError, ChallengeValues, FixedAssignment};
use super::column::{Cell, Column, Phase};
use super::cs::{ConfigError, ConstraintSystem};
use crate::arith::{Fr, MAX_K};

/// Why a circuit could not be laid out or assigned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthesisError {
    #[error("invalid circuit configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("witness assignment failed: {0}")]
    Assign(#[from] AssignError),
    #[error("k = {k} is beyond the largest supported domain 2^{MAX_K}")]
    DomainTooLarge { k: u32 },
}

/// A circuit's witness-independent layout at a domain size `2^k`.
pub struct Layout<C: Circuit> {
    /// log2 of the number of rows.
    pub k: u32,
    /// Number of rows, `2^k`.
    pub n: usize,
    /// Rows the circuit may use.
    pub usable_rows: usize,
    /// The circuit's shape.
    pub cs: ConstraintSystem,
    /// The circuit's configuration handles.
    pub config: C::Config,
    /// Fixed column values, each of `n` rows.
    pub fixed: Vec<Vec<Fr>>,
    /// Copy constraints.
    pub copies: Vec<(Cell, Cell)>,
}

impl<C: Circuit> Layout<C> {
    /// Configures `circuit`, validates its constraint system and assigns its fixed columns and
    /// copy constraints for `2^k` rows.
    pub fn new(circuit: &C, k: u32) -> Result<Self, SynthesisError> {
        if k > MAX_K {
            return Err(SynthesisError::DomainTooLarge { k });
        }
        let mut cs = ConstraintSystem::new();
        let config = circuit.configure(&mut cs);
        cs.validate()?;
        let n = 1usize << k;
        let usable_rows = cs.usable_rows(k);
        if usable_rows == 0 {
            return Err(AssignError::DomainTooSmall { k, reserved: cs.reserved_rows() }.into());
        }
        let mut fixed = FixedAssignment::new(&cs, n, usable_rows);
        circuit.assign_fixed(&config, &mut fixed)?;
        let (fixed, copies) = fixed.into_parts();
        Ok(Self { k, n, usable_rows, cs, config, fixed, copies })
    }

    /// Zero-filled advice columns, each of `n` rows.
    pub fn empty_advice(&self) -> Vec<Vec<Fr>> {
        vec![vec![Fr::ZERO; self.n]; self.cs.num_advice()]
    }
}

/// Runs the circuit's advice assignment for `phase`. `challenge_values[i]` is challenge `i`
/// (only those drawn before `phase` are read).
pub fn assign_advice_phase<C: Circuit>(
    circuit: &C,
    layout: &Layout<C>,
    phase: Phase,
    challenge_values: &[Fr],
    advice: &mut [Vec<Fr>],
) -> Result<(), AssignError> {
    let challenges = ChallengeValues::new(&layout.cs, challenge_values, phase);
    let mut assignment = AdviceAssignment::new(&layout.cs, phase, layout.usable_rows, advice);
    circuit.assign_advice(&layout.config, phase, &challenges, &mut assignment)
}

/// The circuit's public inputs as instance columns padded with zeros to `n` rows.
pub fn instance_columns<C: Circuit>(circuit: &C, layout: &Layout<C>) -> Result<Vec<Vec<Fr>>, AssignError> {
    let values = circuit.instances();
    let expected = layout.cs.num_instance();
    if values.len() != expected {
        return Err(AssignError::InstanceCount { expected, got: values.len() });
    }
    values
        .into_iter()
        .enumerate()
        .map(|(index, mut column)| {
            if column.len() > layout.usable_rows {
                let name = layout.cs.column_name(Column::Instance(super::InstanceColumn { index }));
                return Err(AssignError::InstanceTooLong {
                    column: name.to_string(),
                    len: column.len(),
                    usable: layout.usable_rows,
                });
            }
            column.resize(layout.n, Fr::ZERO);
            Ok(column)
        })
        .collect()
}
