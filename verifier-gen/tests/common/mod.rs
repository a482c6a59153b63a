//! Shared test support: the feature circuits with their proofs, solc-js compilation through its
//! standard-JSON interface, and an in-process EVM (revm).

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment,
    FixedColumn, Phase,
};
use rebuttal_prover::encoding::EncodingError;
use rebuttal_prover::plonk::{KeygenConfig, VerifyError, VerifyingKey, keygen_with_config, prove, verify};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::{Fibonacci, LookupBatches, Memory, Product, RangeCheck, Rlc};
use rebuttal_verifier_gen::{GeneratedVerifier, RevertReason, generate};
use revm::context::{Context, TxEnv};
use revm::context_interface::result::{ExecutionResult, Output};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind, U256};
use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

/// EIP-170's limit on deployed code.
pub const EIP170_LIMIT: usize = 24_576;

/// EIP-3860's limit on creation code.
pub const EIP3860_LIMIT: usize = 49_152;

/// The folder with `node_modules/` of the pinned test tools.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("REBUTTAL_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools"))
}

/// A test circuit's verifying key, a valid proof and its instances.
pub struct Fixture {
    pub name: &'static str,
    pub vk: VerifyingKey,
    pub proof: Vec<u8>,
    pub instances: Vec<Vec<Fr>>,
    pub generated: GeneratedVerifier,
}

pub fn fixture_of<C: Circuit>(name: &'static str, circuit: &C, k: u32) -> Fixture {
    fixture_with(name, circuit, k, KeygenConfig::default())
}

pub fn fixture_with<C: Circuit>(name: &'static str, circuit: &C, k: u32, config: KeygenConfig) -> Fixture {
    // Packing p commits polynomials of degree below p·n: the SRS needs that many powers (the
    // next power of two; 2^k without packing, as before).
    let extra = config.packing.max(1).next_power_of_two().trailing_zeros();
    let srs = Srs::unsafe_setup(k + extra, 7).expect("test SRS");
    let pk = keygen_with_config(&srs, circuit, k, &CpuBackend, config).expect("keygen");
    assert_eq!(pk.vk().zero_knowledge(), config.zero_knowledge);
    assert_eq!(pk.vk().packing(), config.packing.max(1));
    let proof = prove(&pk, circuit, &CpuBackend).expect("prove");
    let instances = circuit.instances();
    verify(pk.vk(), &instances, &proof).expect("the Rust verifier accepts the proof");
    let generated = generate(pk.vk()).expect("generate");
    Fixture { name, vk: pk.vk().clone(), proof, instances, generated }
}

/// Gates with rotations and copy constraints into an instance column.
pub fn fibonacci() -> Fixture {
    fixture_of("fibonacci", &Fibonacci { start: (1, 2), steps: 9, claim: None }, 5)
}

/// A lookup into a fixed table.
pub fn range_check() -> Fixture {
    fixture_of("range_check", &RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() }, 9)
}

/// A lookup into an advice table, with two instance columns.
pub fn memory() -> Fixture {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    fixture_of("memory", &Memory { memory, reads }, 6)
}

/// Three phases with challenges.
pub fn rlc() -> Fixture {
    let bytes: Vec<u8> = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    fixture_of("rlc", &Rlc { bytes }, 9)
}

/// Lookups batched into shared logUp helpers: two in the running-sum step, then helpers of
/// one, two and three lookups (degree 5).
pub fn lookup_batches() -> Fixture {
    fixture_of("lookup_batches", &LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]), 9)
}

/// Eight degree-3 lookups under a degree raised from 5 to 8 (same extended domain), in pairs.
pub fn lookup_pairs() -> Fixture {
    fixture_of("lookup_pairs", &LookupBatches::new(vec![3; 8]), 9)
}

/// A plain gate, no copies, no lookups, no instances.
pub fn product() -> Fixture {
    fixture_of("product", &Product { pairs: (1..20).map(|i| (i, i + 3)).collect(), forget_row: None }, 5)
}

const ZK: KeygenConfig = KeygenConfig { zero_knowledge: true, packing: 1 };

/// [`fibonacci`] with a zero-knowledge key (blinded quotient pieces, stride n − 2).
pub fn fibonacci_zk() -> Fixture {
    fixture_with("fibonacci_zk", &Fibonacci { start: (1, 2), steps: 9, claim: None }, 5, ZK)
}

/// [`memory`] with a zero-knowledge key.
pub fn memory_zk() -> Fixture {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    fixture_with("memory_zk", &Memory { memory, reads }, 6, ZK)
}

/// [`rlc`] with a zero-knowledge key.
pub fn rlc_zk() -> Fixture {
    let bytes: Vec<u8> = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    fixture_with("rlc_zk", &Rlc { bytes }, 9, ZK)
}

/// Up to 8 polynomials per commitment (`KeygenConfig::packing`), without zero-knowledge.
pub const PACKED: KeygenConfig = KeygenConfig { zero_knowledge: false, packing: 8 };

/// [`fibonacci`] with a packed key.
pub fn fibonacci_packed() -> Fixture {
    fixture_with("fibonacci_packed", &Fibonacci { start: (1, 2), steps: 9, claim: None }, 5, PACKED)
}

/// [`range_check`] with a packed key.
pub fn range_check_packed() -> Fixture {
    fixture_with("range_check_packed", &RangeCheck { values: (0..300).map(|i| (i * 7) % 256).collect() }, 9, PACKED)
}

/// [`memory`] with a packed key.
pub fn memory_packed() -> Fixture {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    fixture_with("memory_packed", &Memory { memory, reads }, 6, PACKED)
}

/// [`rlc`] with a packed key.
pub fn rlc_packed() -> Fixture {
    let bytes: Vec<u8> = (0..60u32).map(|i| (i * 13 % 256) as u8).collect();
    fixture_with("rlc_packed", &Rlc { bytes }, 9, PACKED)
}

/// [`product`] with a packed key.
pub fn product_packed() -> Fixture {
    let circuit = Product { pairs: (1..20).map(|i| (i, i + 3)).collect(), forget_row: None };
    fixture_with("product_packed", &circuit, 5, PACKED)
}

/// [`lookup_batches`] with a packed key.
pub fn lookup_batches_packed() -> Fixture {
    fixture_with("lookup_batches_packed", &LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]), 9, PACKED)
}

/// [`lookup_pairs`] with a packed key.
pub fn lookup_pairs_packed() -> Fixture {
    fixture_with("lookup_pairs_packed", &LookupBatches::new(vec![3; 8]), 9, PACKED)
}

/// [`memory`] with a packed zero-knowledge key.
pub fn memory_zk_packed() -> Fixture {
    let memory: Vec<(u64, u64)> = (0..12).map(|i| (50 + i, 9 * i + 1)).collect();
    let reads = vec![(53, 28), (50, 1), (61, 100), (53, 28)];
    fixture_with("memory_zk_packed", &Memory { memory, reads }, 6, KeygenConfig { zero_knowledge: true, packing: 8 })
}

/// A circuit whose unpacked proof has about 20 commitments (21: 10 advice columns, a
/// multiplicity, 5 argument columns, 3 quotient pieces, W and W'; 11 more in the key) and one
/// instance column: the size the packed verifier's gas target is stated for.
pub const WIDE_PUBLIC: Wide = Wide { width: 10, gates: 6, lookups: 2, public: true };

/// [`WIDE_PUBLIC`] with a plain key.
pub fn wide_public() -> Fixture {
    fixture_of("wide_public", &WIDE_PUBLIC, 6)
}

/// [`WIDE_PUBLIC`] with a packed key.
pub fn wide_public_packed() -> Fixture {
    fixture_with("wide_public_packed", &WIDE_PUBLIC, 6, PACKED)
}

/// Rows `4..FILLED_ROWS` of [`WIDE_PUBLIC`]'s advice columns hold non-zero values.
const FILLED_ROWS: usize = 40;

/// `width` advice columns where each selected row satisfies `a_{i+2} = a_i · a_{i+1}'` (a
/// rotation), `gates` gates, `lookups` byte-range lookups, equality on every fourth column;
/// with `public`, an instance column whose one value (0) is copied from `a_0`'s first row.
#[derive(Clone)]
pub struct Wide {
    pub width: usize,
    pub gates: usize,
    pub lookups: usize,
    pub public: bool,
}

impl Wide {
    /// Without a public input.
    pub fn new(width: usize, gates: usize, lookups: usize) -> Self {
        Self { width, gates, lookups, public: false }
    }
}

#[derive(Clone)]
pub struct WideConfig {
    q: Vec<FixedColumn>,
    table: FixedColumn,
    a: Vec<AdviceColumn>,
    public: Option<rebuttal_prover::circuit::InstanceColumn>,
}

impl Circuit for Wide {
    type Config = WideConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> WideConfig {
        let q: Vec<FixedColumn> = (0..self.gates).map(|_| cs.fixed_column()).collect();
        let a: Vec<AdviceColumn> = (0..self.width).map(|_| cs.advice_column(Phase::First)).collect();
        let table = cs.fixed_column();
        let t = cs.lookup_table("small", vec![table.cur()]);
        for (g, qg) in q.iter().enumerate() {
            let i = g % (self.width - 2);
            cs.create_gate(format!("g{g}"), [("mul", qg.cur() * (a[i].cur() * a[i + 1].next() - a[i + 2].cur()))]);
        }
        for l in 0..self.lookups {
            cs.lookup(format!("l{l}"), vec![q[l % q.len()].cur() * a[l % self.width].cur()], t);
        }
        for c in a.iter().step_by(4) {
            cs.enable_equality(*c);
        }
        let public = self.public.then(|| {
            let p = cs.instance_column();
            cs.enable_equality(p);
            p
        });
        WideConfig { q, table, a, public }
    }

    fn assign_fixed(&self, c: &WideConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for (g, q) in c.q.iter().enumerate() {
            fixed.set(*q, g % 4, Fr::ONE)?;
        }
        for v in 0..16u64 {
            fixed.set(c.table, v as usize, Fr::from(v))?;
        }
        if let Some(p) = c.public {
            fixed.copy(c.a[0].cell(0), p.cell(0))?;
        }
        fixed.copy(c.a[0].cell(0), c.a[4].cell(1))
    }

    fn assign_advice(
        &self,
        c: &WideConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        // Zero on the rows the gates and lookups select (0..4) and the copies read: every gate
        // and lookup holds.
        if phase == Phase::First {
            advice.set(c.a[0], 0, Fr::ZERO)?;
            // With a public input (the fixtures whose gas is quoted: wide_public, the wide
            // anvil and size cases), non-zero values on rows no gate or lookup selects, so that
            // the proof's commitments and evaluations are not zero bytes, whose call data is
            // cheaper than a real proof's.
            if self.public {
                for (i, column) in c.a.iter().enumerate() {
                    for row in 4..FILLED_ROWS {
                        advice.set(*column, row, Fr::from((1_000_003 * i + 7_919 * row + 1) as u64))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        if self.public { vec![vec![Fr::ZERO]] } else { Vec::new() }
    }
}

/// The contract's error for a Rust verifier error.
pub fn expected_reason(e: &VerifyError) -> RevertReason {
    match e {
        VerifyError::ProofLength { .. } => RevertReason::ProofLength,
        VerifyError::InstanceCount { .. } => RevertReason::InstanceCount,
        VerifyError::InstanceTooLong { .. } => RevertReason::InstanceTooLong,
        VerifyError::Malformed { source, .. } => match source {
            EncodingError::NonCanonicalScalar => RevertReason::ScalarNotCanonical,
            EncodingError::NonCanonicalCoordinate => RevertReason::CoordinateNotCanonical,
            EncodingError::NotOnCurve => RevertReason::PointNotOnCurve,
            other => panic!("the Rust verifier reported {other:?}, which proofs cannot cause"),
        },
        VerifyError::ConstraintsNotSatisfied => RevertReason::ConstraintsNotSatisfied,
        VerifyError::OpeningFailed => RevertReason::OpeningFailed,
    }
}

/// Calls a deployed verifier: `Ok` when it returned true, its revert reason otherwise.
pub fn run_verifier(
    evm: &mut Evm,
    at: Address,
    proof: &[u8],
    instances: &[Vec<Fr>],
) -> Result<(), Option<RevertReason>> {
    match evm.call(at, &rebuttal_verifier_gen::encode_calldata(proof, instances)).0 {
        o if o.accepted() => Ok(()),
        Outcome::Reverted(data) => Err(RevertReason::from_revert_data(&data)),
        Outcome::Returned(data) => panic!("the verifier returned {data:?} instead of true or reverting"),
        Outcome::Halted(reason) => panic!("the verifier halted: {reason}"),
    }
}

/// Runs the Rust verifier and a deployed one and asserts they agree, down to the reason;
/// returns the Rust result.
pub fn assert_agree(
    vk: &VerifyingKey,
    evm: &mut Evm,
    at: Address,
    proof: &[u8],
    instances: &[Vec<Fr>],
    case: &str,
) -> Result<(), VerifyError> {
    let rust = verify(vk, instances, proof);
    let sol = run_verifier(evm, at, proof, instances);
    match (&rust, &sol) {
        (Ok(()), Ok(())) => {}
        (Err(e), Err(Some(reason))) => {
            assert_eq!(*reason, expected_reason(e), "{case}: Rust says {e}, the contract {reason:?}")
        }
        _ => panic!("{case}: Rust verifier {rust:?}, contract {sol:?}"),
    }
    rust
}

/// Creation and deployed bytecode of a compiled contract.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub creation: Vec<u8>,
    pub deployed: Vec<u8>,
    /// Deployed code of every contract in the source, by name.
    pub all_deployed: Vec<(String, Vec<u8>)>,
}

/// Compiles `source` with solc-js (optimizer on, `via_ir` as given) and returns `contract`.
pub fn compile(source: &str, file: &str, contract: &str, via_ir: bool) -> Compiled {
    let solc = tools_dir().join("node_modules/solc");
    assert!(
        solc.join("package.json").exists(),
        "solc-js not found at {}: run scripts/install-test-tools.sh (or set REBUTTAL_TOOLS_DIR)",
        solc.display()
    );
    let input = serde_json::json!({
        "language": "Solidity",
        "sources": { file: { "content": source } },
        "settings": {
            "optimizer": { "enabled": true, "runs": 200, "details": { "yul": via_ir } },
            "viaIR": via_ir,
            "evmVersion": "cancun",
            "outputSelection": { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode.object"] } }
        }
    });
    let driver = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/solc_driver.js");
    let mut child = Command::new("node")
        .arg(&driver)
        .arg(&solc)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running node (Node.js is needed for solc-js)");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "solc driver failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("solc output is JSON");
    if let Some(errors) = json["errors"].as_array() {
        let fatal: Vec<&str> =
            errors.iter().filter(|e| e["severity"] == "error").filter_map(|e| e["formattedMessage"].as_str()).collect();
        assert!(fatal.is_empty(), "solc errors:\n{}", fatal.join("\n"));
        let warnings: Vec<&str> = errors.iter().filter_map(|e| e["formattedMessage"].as_str()).collect();
        assert!(warnings.is_empty(), "solc warnings on generated code:\n{}", warnings.join("\n"));
    }
    let c = &json["contracts"][file][contract];
    let hex = |v: &serde_json::Value| decode_hex(v.as_str().expect("bytecode in solc output"));
    let all_deployed = json["contracts"][file]
        .as_object()
        .expect("contracts in solc output")
        .iter()
        .map(|(name, c)| (name.clone(), hex(&c["evm"]["deployedBytecode"]["object"])))
        .collect();
    Compiled {
        creation: hex(&c["evm"]["bytecode"]["object"]),
        deployed: hex(&c["evm"]["deployedBytecode"]["object"]),
        all_deployed,
    }
}

/// Compiles a generated verifier (legacy pipeline, optimizer on, Yul optimizer off) and checks
/// every contract in it against EIP-170.
pub fn compile_verifier(g: &GeneratedVerifier) -> Compiled {
    let c = compile(&g.source, &g.file_name, &g.contract_name, false);
    let expected = 1 + g.key_contract_name.is_some() as usize;
    assert_eq!(c.all_deployed.len(), expected, "contracts in the generated source");
    for (name, code) in &c.all_deployed {
        assert!(code.len() <= EIP170_LIMIT, "{name} is {} bytes deployed, over EIP-170's {EIP170_LIMIT}", code.len());
    }
    assert!(c.creation.len() + 32 * g.helpers.len() <= EIP3860_LIMIT, "verifier initcode over EIP-3860's limit");
    // `generate` chooses layouts by the size estimate with a 5 % margin: it must hold.
    assert!(
        c.deployed.len() * 100 <= g.estimated_size * 105,
        "deployed {} bytes, estimated {}: the estimate's margin is too small",
        c.deployed.len(),
        g.estimated_size
    );
    for h in &g.helpers {
        assert!(h.runtime.len() <= EIP170_LIMIT, "{} is {} bytes deployed", h.name, h.runtime.len());
        assert!(h.creation.len() <= EIP3860_LIMIT, "{} initcode is {} bytes", h.name, h.creation.len());
    }
    c
}

pub fn decode_hex(s: &str) -> Vec<u8> {
    let s = s.trim_start_matches("0x");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

pub fn encode_hex(b: &[u8]) -> String {
    let mut s = String::from("0x");
    b.iter().for_each(|x| s.push_str(&format!("{x:02x}")));
    s
}

/// Gas EIP-2028 charges for call data.
pub fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// What a call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Returned this data.
    Returned(Vec<u8>),
    /// Reverted with this data.
    Reverted(Vec<u8>),
    /// Halted (out of gas, invalid opcode, ...).
    Halted(String),
}

impl Outcome {
    /// Whether the verifier accepted: it returned exactly `true`.
    pub fn accepted(&self) -> bool {
        matches!(self, Outcome::Returned(d) if d.len() == 32 && d[..31].iter().all(|&b| b == 0) && d[31] == 1)
    }
}

/// An in-process EVM (Cancun rules, EIP-170 enforced) with one funded sender.
pub struct Evm {
    evm: revm::MainnetEvm<revm::handler::MainnetContext<CacheDB<EmptyDB>>>,
    nonce: u64,
    /// Each transaction's gas limit (30 million unless raised).
    pub gas_limit: u64,
}

const SENDER: Address = Address::new([0x11; 20]);

impl Evm {
    pub fn new() -> Self {
        let ctx = Context::mainnet().with_db(CacheDB::<EmptyDB>::default()).modify_cfg_chained(|cfg| {
            cfg.spec = SpecId::CANCUN;
            cfg.disable_nonce_check = true;
        });
        Self { evm: ctx.build_mainnet(), nonce: 0, gas_limit: 30_000_000 }
    }

    fn tx(&mut self, kind: TxKind, data: Vec<u8>) -> TxEnv {
        self.nonce += 1;
        TxEnv {
            caller: SENDER,
            gas_limit: self.gas_limit,
            gas_price: 0,
            kind,
            value: U256::ZERO,
            data: Bytes::from(data),
            nonce: self.nonce - 1,
            chain_id: Some(1),
            ..Default::default()
        }
    }

    /// Deploys `creation` code; panics if deployment fails (e.g. code above EIP-170's limit).
    pub fn deploy(&mut self, creation: &[u8]) -> Address {
        self.try_deploy(creation).unwrap_or_else(|e| panic!("deployment failed: {e:?}"))
    }

    /// Deploys `creation` code; the failure's revert data or reason otherwise.
    pub fn try_deploy(&mut self, creation: &[u8]) -> Result<Address, Outcome> {
        let tx = self.tx(TxKind::Create, creation.to_vec());
        let result =
            self.evm.transact_commit(tx).map_err(|e| Outcome::Halted(format!("invalid transaction: {e:?}")))?;
        match result {
            ExecutionResult::Success { output: Output::Create(_, Some(address)), .. } => Ok(address),
            ExecutionResult::Revert { output, .. } => Err(Outcome::Reverted(output.to_vec())),
            other => Err(Outcome::Halted(format!("{other:?}"))),
        }
    }

    /// Deploys a generated verifier: its helper contracts, then the verifier with their
    /// addresses as constructor arguments. Returns the verifier's address.
    pub fn deploy_verifier(&mut self, g: &GeneratedVerifier, c: &Compiled) -> Address {
        let addresses: Vec<[u8; 20]> = g.helpers.iter().map(|h| self.deploy(&h.creation).into_array()).collect();
        let mut creation = c.creation.clone();
        creation.extend(g.constructor_args(&addresses).expect("one address per helper"));
        assert!(
            creation.len() <= EIP3860_LIMIT,
            "verifier initcode is {} bytes, over EIP-3860's limit",
            creation.len()
        );
        self.deploy(&creation)
    }

    /// Calls `to` with `data` without committing; returns the outcome and the gas used by the
    /// whole transaction (intrinsic 21,000 and call data included).
    pub fn call(&mut self, to: Address, data: &[u8]) -> (Outcome, u64) {
        let tx = self.tx(TxKind::Call(to), data.to_vec());
        let result = self.evm.transact(tx).expect("call transaction is valid").result;
        let gas = result.tx_gas_used();
        let outcome = match result {
            ExecutionResult::Success { output, .. } => Outcome::Returned(output.data().to_vec()),
            ExecutionResult::Revert { output, .. } => Outcome::Reverted(output.to_vec()),
            ExecutionResult::Halt { reason, .. } => Outcome::Halted(format!("{reason:?}")),
        };
        (outcome, gas)
    }
}
