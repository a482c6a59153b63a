//! A short summary of a witness, for the CLI.

use std::collections::BTreeMap;
use std::fmt;

use alloy_primitives::B256;
use serde::Serialize;

use crate::model::{BlockWitness, RwTag};

/// Counts and roots of a witness.
#[derive(Debug, Clone, Serialize)]
pub struct WitnessSummary {
    /// Source of the block.
    pub source: String,
    /// Transactions.
    pub txs: usize,
    /// Transactions that succeeded.
    pub txs_succeeded: usize,
    /// Gas used by the block.
    pub gas_used: u64,
    /// System calls executed before the transactions (EIP-4788; skipped ones not counted).
    pub system_calls: usize,
    /// Execution steps (transactions and system calls).
    pub steps: usize,
    /// Call frames.
    pub frames: usize,
    /// Read/write entries in total.
    pub rws: usize,
    /// Read/write entries by tag.
    pub rws_by_tag: BTreeMap<String, usize>,
    /// Keccak inputs.
    pub keccak_inputs: usize,
    /// Bytes hashed.
    pub keccak_bytes: usize,
    /// Copy events.
    pub copy_events: usize,
    /// Bytes copied.
    pub bytes_copied: usize,
    /// Bytecodes.
    pub bytecodes: usize,
    /// Touched accounts.
    pub touched_accounts: usize,
    /// Touched storage slots.
    pub touched_slots: usize,
    /// Trie updates.
    pub trie_updates: usize,
    /// Pre-state root.
    pub pre_root: B256,
    /// Post-state root.
    pub post_root: B256,
    /// Whether all self-checks pass.
    pub checks_pass: bool,
    /// Failure descriptions, if any.
    pub failures: Vec<String>,
}

impl WitnessSummary {
    /// Summarizes a witness.
    pub fn of(w: &BlockWitness) -> Self {
        let mut rws_by_tag = BTreeMap::new();
        for e in &w.rws {
            let tag: RwTag = e.op.tag();
            *rws_by_tag.entry(format!("{tag:?}")).or_insert(0) += 1;
        }
        let mut failures = Vec::new();
        if let Some(e) = &w.checks.rw_replay {
            failures.push(format!("rw replay: {e}"));
        }
        if let Some(e) = &w.checks.rw_sorted {
            failures.push(format!("rw log sorted as the state circuit sorts it: {e}"));
        }
        if let Some(e) = &w.checks.mpt_updates {
            failures.push(format!("mpt updates: {e}"));
        }
        if let Some(e) = &w.checks.mpt_siblings {
            failures.push(format!("mpt collapse siblings: {e}"));
        }
        if w.checks.state_root_matches == Some(false) {
            failures.push(format!("post-state root {} differs from the expected root", w.mpt.post_root));
        }
        if w.checks.logs_hash_matches == Some(false) {
            failures.push(format!("logs hash {} differs from the expected one", w.logs_hash));
        }
        Self {
            source: w.source.clone(),
            txs: w.txs.len(),
            txs_succeeded: w.txs.iter().filter(|t| t.status == crate::model::TxStatus::Success).count(),
            gas_used: w.txs.last().map(|t| t.cumulative_gas_used).unwrap_or_default(),
            system_calls: w.system_calls.iter().filter(|c| !c.skipped).count(),
            steps: w.txs.iter().map(|t| t.steps.len()).sum::<usize>()
                + w.system_calls.iter().map(|c| c.steps.len()).sum::<usize>(),
            frames: w.txs.iter().map(|t| t.frames.len()).sum::<usize>()
                + w.system_calls.iter().map(|c| c.frames.len()).sum::<usize>(),
            rws: w.rws.len(),
            rws_by_tag,
            keccak_inputs: w.keccak_inputs.len(),
            keccak_bytes: w.keccak_inputs.iter().map(|k| k.input.len()).sum(),
            copy_events: w.copy_events.len(),
            bytes_copied: w.copy_events.iter().map(|c| c.bytes.len()).sum(),
            bytecodes: w.bytecodes.len(),
            touched_accounts: w.mpt.pre_proofs.len(),
            touched_slots: w.mpt.pre_proofs.iter().map(|p| p.storage.len()).sum(),
            trie_updates: w.mpt.updates.len(),
            pre_root: w.mpt.pre_root,
            post_root: w.mpt.post_root,
            checks_pass: w.checks.all_pass(),
            failures,
        }
    }
}

impl fmt::Display for WitnessSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "source:           {}", self.source)?;
        writeln!(f, "transactions:     {} ({} succeeded), gas used {}", self.txs, self.txs_succeeded, self.gas_used)?;
        writeln!(f, "system calls:     {}", self.system_calls)?;
        writeln!(f, "steps:            {} in {} call frames", self.steps, self.frames)?;
        writeln!(f, "read/writes:      {}", self.rws)?;
        for (tag, n) in &self.rws_by_tag {
            writeln!(f, "  {tag:<20} {n}")?;
        }
        writeln!(f, "keccak inputs:    {} ({} bytes)", self.keccak_inputs, self.keccak_bytes)?;
        writeln!(f, "copy events:      {} ({} bytes copied)", self.copy_events, self.bytes_copied)?;
        writeln!(f, "bytecodes:        {}", self.bytecodes)?;
        writeln!(
            f,
            "touched keys:     {} accounts, {} slots; {} trie updates",
            self.touched_accounts, self.touched_slots, self.trie_updates
        )?;
        writeln!(f, "pre-state root:   {}", self.pre_root)?;
        writeln!(f, "post-state root:  {}", self.post_root)?;
        writeln!(f, "self-checks:      {}", if self.checks_pass { "all pass" } else { "FAILED" })?;
        for e in &self.failures {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}
