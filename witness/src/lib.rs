//! Block witness for the rebuttal prover: block sources, revm re-execution with a recording
//! inspector, the plain-data witness model, our own Merkle Patricia Trie, self-checks and the
//! witness codec.
//!
//! The entry point is [`trace`]: it takes a [`BlockInput`] from any source
//! ([`source::embedded`], [`source::state_test`], [`source::rpc`]) and returns a
//! [`BlockWitness`] whose [`SelfChecks`] say whether the read/write log replays to revm's
//! post-state, whether the trie updates reach the post-state root, and whether that root (and
//! the logs hash) match what the source expects. [`WitnessSummary`] condenses a witness for
//! printing.

pub mod check;
pub mod codec;
mod error;
pub mod execute;
pub mod model;
pub mod mpt_witness;
pub mod source;
mod summary;
pub mod trie;

pub use error::{MissingKey, WitnessError};
pub use model::*;
pub use summary::WitnessSummary;

/// Re-executes a block and records its witness, then runs the self-checks.
///
/// Errors: an input that is not valid (unsupported fork or transaction, a transaction that revm
/// rejects, a pre-state proof that does not match its root, a partial pre-state that lacks keys
/// the execution needs). Failed self-checks are not errors; they are reported in
/// [`BlockWitness::checks`].
pub fn trace(input: &BlockInput) -> Result<BlockWitness, WitnessError> {
    trace_with(input, execute::Limits::default())
}

/// [`trace`] with explicit limits on the witness size; a block beyond them is
/// [`WitnessError::TooLarge`].
pub fn trace_with(input: &BlockInput, limits: execute::Limits) -> Result<BlockWitness, WitnessError> {
    let _span = tracing::info_span!("trace", source = %input.source).entered();
    let tries = mpt_witness::pre_state_tries(input)?;
    let exec = execute::execute_with(input, limits)?;
    if !input.pre_state.complete && !exec.missing.is_empty() {
        return Err(WitnessError::IncompletePreState {
            input: input.source.clone(),
            keys: exec.missing.iter().cloned().collect(),
        });
    }
    for k in &exec.missing {
        tracing::warn!(key = %k, "pre-state lacks a key execution read; it was taken as empty");
    }
    let mut recorder = exec.recorder;
    let touched = mpt_witness::touched_keys(&recorder.rws);
    let (mpt, mpt_problem) = mpt_witness::build(input, tries, &exec.post, &touched)?;
    recorder.keccak.extend(mpt_witness::keccak_inputs(&mpt));
    let pre_world = execute::World::from_pre_state(&input.pre_state);
    let rw_replay = check::replay_matches(&pre_world, &recorder.rws, &exec.post);
    let rw_sorted = check::sorted_consistency(&pre_world, &recorder.rws);
    let logs_hash = execute::logs_hash(exec.txs.iter().flat_map(|t| t.logs.iter()));
    let checks = SelfChecks {
        rw_replay,
        rw_sorted,
        mpt_updates: mpt_problem,
        mpt_siblings: mpt_witness::check_siblings(&mpt.updates),
        state_root_matches: input.expected.state_root.map(|r| r == mpt.post_root),
        logs_hash_matches: input.expected.logs_hash.map(|h| h == logs_hash),
    };
    if !checks.all_pass() {
        tracing::warn!(?checks, "witness self-checks failed");
    }
    Ok(BlockWitness {
        source: input.source.clone(),
        chain: input.chain.clone(),
        block: exec.block,
        system_calls: exec.system_calls,
        txs: exec.txs,
        rws: recorder.rws,
        bytecodes: recorder.bytecodes.into_iter().map(|(code_hash, code)| BytecodeEntry { code_hash, code }).collect(),
        keccak_inputs: recorder.keccak,
        copy_events: recorder.copy_events,
        mpt,
        logs_hash,
        checks,
    })
}
