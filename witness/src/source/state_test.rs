//! ethereum/tests GeneralStateTests: one [`BlockInput`] per (fork, data, gas, value) case.

use std::collections::BTreeMap;
use std::path::Path;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use serde::Deserialize;

use crate::error::WitnessError;
use crate::model::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Env {
    current_coinbase: Address,
    current_gas_limit: U256,
    current_number: U256,
    current_timestamp: U256,
    current_difficulty: Option<U256>,
    current_random: Option<B256>,
    current_base_fee: Option<U256>,
    current_excess_blob_gas: Option<U256>,
}

#[derive(Deserialize)]
struct Account {
    balance: U256,
    code: Bytes,
    nonce: U256,
    storage: BTreeMap<U256, U256>,
}

#[derive(Deserialize)]
struct Indexes {
    data: usize,
    gas: usize,
    value: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    hash: B256,
    logs: B256,
    indexes: Indexes,
    txbytes: Bytes,
    expect_exception: Option<String>,
}

#[derive(Deserialize)]
struct Transaction {
    sender: Option<Address>,
}

#[derive(Deserialize)]
struct Test {
    env: Env,
    pre: BTreeMap<Address, Account>,
    transaction: Transaction,
    post: BTreeMap<String, Vec<Post>>,
}

/// One case of a state test file.
#[derive(Debug, Clone)]
pub struct StateTestCase {
    /// `file:test`.
    pub test: String,
    /// Index in the fork's post list.
    pub index: usize,
    /// (data, gas, value) indexes.
    pub indexes: (usize, usize, usize),
    /// The block (one transaction) with its expectations. When the transaction is expected to
    /// be invalid, `expected.invalid_tx` is set and the transaction is still listed.
    pub input: BlockInput,
}

impl StateTestCase {
    /// A name for messages: `file:test[i] (d, g, v)`.
    pub fn name(&self) -> String {
        let (d, g, v) = self.indexes;
        format!("{}[{}] (data {d}, gas {g}, value {v})", self.test, self.index)
    }
}

fn to_u64(input: &str, field: &str, v: U256) -> Result<u64, WitnessError> {
    u64::try_from(v).map_err(|_| WitnessError::malformed(input, format!("{field} {v} does not fit 64 bits")))
}

/// Parses a state test file's JSON and returns every case of `fork`. `name` names the file in
/// errors.
pub fn parse_cases(name: &str, json: &str, fork: &str) -> Result<Vec<StateTestCase>, WitnessError> {
    let fork_id = Fork::parse(name, fork)?;
    let tests: BTreeMap<String, Test> = serde_json::from_str(json).map_err(|e| WitnessError::malformed(name, e))?;
    let mut out = Vec::new();
    for (test_name, t) in tests {
        let input_name = format!("{name}:{test_name}");
        let Some(posts) =
            t.post.get(fork).or_else(|| t.post.iter().find(|(k, _)| k.eq_ignore_ascii_case(fork)).map(|(_, v)| v))
        else {
            continue;
        };
        let mut accounts = BTreeMap::new();
        let mut codes = BTreeMap::new();
        for (addr, a) in &t.pre {
            let code_hash = keccak256(&a.code);
            if !a.code.is_empty() {
                codes.insert(code_hash, a.code.clone());
            }
            accounts.insert(
                *addr,
                PreAccount {
                    nonce: to_u64(&input_name, "nonce", a.nonce)?,
                    balance: a.balance,
                    code_hash,
                    storage_root: B256::ZERO,
                    storage: a.storage.clone(),
                    exists: true,
                },
            );
        }
        let number = to_u64(&input_name, "currentNumber", t.env.current_number)?;
        let block_hashes =
            (number.saturating_sub(256)..number).map(|n| (n, keccak256(n.to_string().as_bytes()))).collect();
        let header = BlockHeader {
            number,
            timestamp: to_u64(&input_name, "currentTimestamp", t.env.current_timestamp)?,
            coinbase: t.env.current_coinbase,
            gas_limit: to_u64(&input_name, "currentGasLimit", t.env.current_gas_limit)?,
            base_fee: to_u64(&input_name, "currentBaseFee", t.env.current_base_fee.unwrap_or_default())?,
            difficulty: t.env.current_difficulty.unwrap_or_default(),
            prev_randao: t.env.current_random.unwrap_or_default(),
            excess_blob_gas: t
                .env
                .current_excess_blob_gas
                .map(|e| to_u64(&input_name, "currentExcessBlobGas", e))
                .transpose()?,
            parent_hash: B256::ZERO,
            state_root: None,
            block_hashes,
            parent_beacon_block_root: None,
        };
        let mut pre_state = PreState { state_root: B256::ZERO, complete: true, accounts, codes, ..Default::default() };
        let root = crate::mpt_witness::pre_state_tries(&BlockInput {
            source: input_name.clone(),
            chain: ChainConfig { chain_id: 1, fork: fork_id },
            header: header.clone(),
            transactions: Vec::new(),
            withdrawals: Vec::new(),
            pre_state: pre_state.clone(),
            expected: Expected::default(),
        })?
        .root();
        pre_state.state_root = root;
        for (index, post) in posts.iter().enumerate() {
            let case_name = format!("{input_name}[{index}]");
            let tx = TxInput::decode(&case_name, &post.txbytes)?;
            if let Some(s) = t.transaction.sender
                && s != tx.sender
                && post.expect_exception.is_none()
            {
                return Err(WitnessError::BadSignature {
                    input: case_name,
                    reason: format!("recovered sender {} but the fixture says {s}", tx.sender),
                });
            }
            out.push(StateTestCase {
                test: input_name.clone(),
                index,
                indexes: (post.indexes.data, post.indexes.gas, post.indexes.value),
                input: BlockInput {
                    source: case_name,
                    chain: ChainConfig { chain_id: 1, fork: fork_id },
                    header: header.clone(),
                    transactions: vec![tx],
                    withdrawals: Vec::new(),
                    pre_state: pre_state.clone(),
                    expected: Expected {
                        state_root: Some(post.hash),
                        logs_hash: Some(post.logs),
                        invalid_tx: post.expect_exception.is_some(),
                    },
                },
            });
        }
    }
    Ok(out)
}

/// Reads a state test file and returns every case of `fork` (e.g. `Cancun`).
pub fn load_cases(path: &Path, fork: &str) -> Result<Vec<StateTestCase>, WitnessError> {
    let name = path.display().to_string();
    let json = std::fs::read_to_string(path).map_err(|source| WitnessError::Io { path: name.clone(), source })?;
    parse_cases(&name, &json, fork)
}

/// Outcome of running one case.
#[derive(Debug)]
pub enum CaseOutcome {
    /// Re-execution reproduced `hash` and `logs` and every self-check passed.
    Pass,
    /// The case is too large for a witness under the limits; plain re-execution still
    /// reproduced `hash` and `logs`.
    PassWithoutWitness(String),
    /// Something mismatched; the message names the value.
    Fail(String),
}

/// Runs one case: traces it and checks root, logs and self-checks. A case whose transaction is
/// expected to be invalid passes when revm rejects it and the pre-state root equals `hash`.
pub fn run_case(case: &StateTestCase) -> CaseOutcome {
    run_case_with(case, crate::execute::Limits::default())
}

/// [`run_case`] with explicit witness limits. A case beyond them is checked by plain
/// re-execution (root and logs) and reported as [`CaseOutcome::PassWithoutWitness`].
pub fn run_case_with(case: &StateTestCase, limits: crate::execute::Limits) -> CaseOutcome {
    let expected_root = case.input.expected.state_root.unwrap_or_default();
    match crate::trace_with(&case.input, limits) {
        Err(WitnessError::TooLarge { reason, .. }) => match plain_check(case) {
            None => CaseOutcome::PassWithoutWitness(reason),
            Some(fail) => CaseOutcome::Fail(format!("(no witness: {reason}) {fail}")),
        },
        Err(WitnessError::InvalidTransaction { reason, .. }) if case.input.expected.invalid_tx => {
            if case.input.pre_state.state_root == expected_root {
                CaseOutcome::Pass
            } else {
                CaseOutcome::Fail(format!(
                    "transaction rejected ({reason}) but pre-state root {} != expected {expected_root}",
                    case.input.pre_state.state_root
                ))
            }
        }
        Err(e) => CaseOutcome::Fail(format!("error: {e}")),
        Ok(_) if case.input.expected.invalid_tx => {
            CaseOutcome::Fail("transaction expected to be invalid was accepted".into())
        }
        Ok(w) => {
            let s = crate::WitnessSummary::of(&w);
            if s.failures.is_empty() {
                CaseOutcome::Pass
            } else {
                CaseOutcome::Fail(format!(
                    "{}; post root {} (expected {expected_root}), logs hash {} (expected {})",
                    s.failures.join("; "),
                    w.mpt.post_root,
                    w.logs_hash,
                    case.input.expected.logs_hash.unwrap_or_default()
                ))
            }
        }
    }
}

/// Checks a case's root and logs by plain re-execution; None if both match.
fn plain_check(case: &StateTestCase) -> Option<String> {
    let out = match crate::execute::execute_plain(&case.input) {
        Ok(o) => o,
        Err(e) => return Some(format!("error: {e}")),
    };
    let tries = crate::trie::StateTries::from_accounts(
        out.post.accounts.iter().map(|(a, x)| (a, x.nonce, x.balance, x.code_hash, &x.storage)),
    );
    let root = match tries {
        Ok(t) => t.root(),
        Err(e) => return Some(format!("error: {e}")),
    };
    let logs = crate::execute::logs_hash(out.logs.iter());
    let (er, el) =
        (case.input.expected.state_root.unwrap_or_default(), case.input.expected.logs_hash.unwrap_or_default());
    if root != er || logs != el {
        return Some(format!("post root {root} (expected {er}), logs hash {logs} (expected {el})"));
    }
    None
}
