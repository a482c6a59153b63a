//! A generated verifier on a real node: deploy it on anvil, verify a proof with `eth_call` and
//! with a transaction, and read the gas from the receipt; for a one-contract verifier, for a
//! verifier of a packed key (`KeygenConfig::packing`), and for a verifier split over helper
//! contracts.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use common::*;
use rebuttal_verifier_gen::{GeneratedVerifier, RevertReason, encode_calldata, generate};
use serde_json::{Value, json};

fn anvil_path() -> PathBuf {
    let p = tools_dir().join("node_modules/.bin/anvil");
    assert!(p.exists(), "anvil not found at {}: run scripts/install-test-tools.sh", p.display());
    p
}

/// The node we started; stopped when dropped.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn hex_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().expect("hex quantity").trim_start_matches("0x"), 16).expect("hex quantity")
}

/// A running anvil node with a funded account.
struct Anvil {
    _node: Node,
    provider: RootProvider,
    from: String,
}

impl Anvil {
    async fn start() -> Self {
        let anvil = anvil_path();
        let port = free_port();
        let child = Command::new(&anvil)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--hardfork", "cancun", "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", anvil.display()));
        let node = Node(child);
        let url = format!("http://127.0.0.1:{port}");
        let provider = ProviderBuilder::new().disable_recommended_fillers().connect_http(url.parse().unwrap());
        let start = Instant::now();
        while tokio::time::timeout(Duration::from_secs(2), provider.get_chain_id()).await.map_or(true, |r| r.is_err()) {
            assert!(start.elapsed() < Duration::from_secs(30), "anvil did not answer on {url} within 30 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let accounts: Vec<String> = provider.raw_request("eth_accounts".into(), ()).await.unwrap();
        Self { _node: node, provider, from: accounts[0].clone() }
    }

    /// Sends a transaction and waits for its receipt.
    async fn send(&self, mut tx: Value) -> Value {
        tx["from"] = json!(self.from);
        let hash: String = self.provider.raw_request("eth_sendTransaction".into(), (tx,)).await.unwrap();
        let start = Instant::now();
        loop {
            let receipt: Value =
                self.provider.raw_request("eth_getTransactionReceipt".into(), (hash.clone(),)).await.unwrap();
            if !receipt.is_null() {
                break receipt;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "transaction {hash} not mined within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Deploys `creation`; returns the address and the deployed code's length.
    async fn deploy(&self, creation: &[u8]) -> (String, usize) {
        let receipt = self.send(json!({ "data": encode_hex(creation), "gas": "0x1c9c380" })).await;
        assert_eq!(receipt["status"], "0x1", "deployment failed: {receipt}");
        let address = receipt["contractAddress"].as_str().expect("contract address").to_string();
        let code: String = self.provider.raw_request("eth_getCode".into(), (address.clone(), "latest")).await.unwrap();
        let len = decode_hex(&code).len();
        assert!(len <= EIP170_LIMIT);
        (address, len)
    }

    /// Deploys a generated verifier: its helpers, then the verifier with their addresses.
    /// Returns the verifier's address and every contract's deployed length.
    async fn deploy_verifier(&self, g: &GeneratedVerifier, c: &Compiled) -> (String, Vec<usize>) {
        let mut addresses = Vec::new();
        let mut lengths = Vec::new();
        for h in &g.helpers {
            let (address, len) = self.deploy(&h.creation).await;
            assert_eq!(len, h.runtime.len());
            addresses.push(decode_hex(&address).try_into().expect("20-byte address"));
            lengths.push(len);
        }
        let mut creation = c.creation.clone();
        creation.extend(g.constructor_args(&addresses).unwrap());
        let (address, len) = self.deploy(&creation).await;
        assert_eq!(len, c.deployed.len());
        lengths.insert(0, len);
        (address, lengths)
    }

    async fn eth_call(&self, to: &str, data: &[u8]) -> Result<Vec<u8>, String> {
        let call = json!({ "from": self.from, "to": to, "data": encode_hex(data), "gas": "0x1c9c380" });
        self.provider
            .raw_request::<_, String>("eth_call".into(), (call, "latest"))
            .await
            .map(|out| decode_hex(&out))
            .map_err(|e| format!("{e:?}"))
    }
}

/// Deploys `g` for `f`, checks `eth_call` and transactions for a valid and a tampered proof
/// (the tampering flips the proof's last byte: W' off the curve), and returns the valid
/// transaction's gas and every contract's deployed length.
fn verify_on_anvil(f: &Fixture, g: &GeneratedVerifier, tx_gas: u64) -> (u64, Vec<usize>) {
    let compiled = compile_verifier(g);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let node = Anvil::start().await;
        let (address, lengths) = node.deploy_verifier(g, &compiled).await;

        // eth_call: a valid proof returns true; a tampered one reverts with the contract's error.
        let data = encode_calldata(&f.proof, &f.instances);
        let mut t = vec![0u8; 32];
        t[31] = 1;
        assert_eq!(node.eth_call(&address, &data).await.unwrap(), t);
        let mut bad = f.proof.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let bad_data = encode_calldata(&bad, &f.instances);
        let err = node.eth_call(&address, &bad_data).await.unwrap_err();
        let selector = encode_hex(&RevertReason::PointNotOnCurve.selector());
        assert!(err.contains(&selector[2..]), "expected a PointNotOnCurve revert, got {err}");

        // A transaction: accepted, gas from the receipt.
        let gas_hex = format!("{tx_gas:#x}");
        let receipt = node.send(json!({ "to": address, "data": encode_hex(&data), "gas": gas_hex })).await;
        assert_eq!(receipt["status"], "0x1", "verification transaction failed: {receipt}");
        let gas = hex_u64(&receipt["gasUsed"]);
        let calldata = calldata_gas(&data);
        assert!(gas > 21_000 + calldata && gas < tx_gas);
        // The same transaction with the tampered proof is mined as failed.
        let receipt = node.send(json!({ "to": address, "data": encode_hex(&bad_data), "gas": gas_hex })).await;
        assert_eq!(receipt["status"], "0x0", "a tampered proof's transaction succeeded: {receipt}");
        (gas, lengths)
    })
}

/// Deploys `f`'s single-contract verifier on anvil, verifies with `eth_call` and a transaction,
/// prints the receipt's gas split, and returns it.
fn single_contract_gas_on_anvil(name: &str, f: &Fixture) -> u64 {
    assert!(f.generated.helpers.is_empty());
    let (gas, lengths) = verify_on_anvil(f, &f.generated, 500_000);
    let calldata = calldata_gas(&encode_calldata(&f.proof, &f.instances));
    println!(
        "anvil: {name} verifier {} bytes deployed; verification transaction {gas} gas \
         (21000 base + {calldata} call data + {} execution)",
        lengths[0],
        gas - 21_000 - calldata
    );
    gas
}

#[test]
fn deployed_on_anvil_the_verifier_accepts_with_eth_call_and_a_transaction() {
    assert!(single_contract_gas_on_anvil("fibonacci", &fibonacci()) < 500_000);
}

#[test]
fn a_packed_key_verifier_deploys_and_verifies_on_anvil() {
    // About 20 commitments and one instance column unpacked: the packed verifier's gas target.
    assert!(single_contract_gas_on_anvil("wide_public_packed", &wide_public_packed()) < 300_000);
}

#[test]
fn a_verifier_split_over_helpers_deploys_and_verifies_on_anvil() {
    // 500 advice columns and gates: the constraints and the key are in four helper contracts.
    let f = fixture_of("wide 500", &Wide { width: 500, gates: 500, lookups: 48, public: true }, 6);
    let g = generate(&f.vk).unwrap();
    assert!(g.helpers.len() >= 3, "{} helpers", g.helpers.len());
    let (gas, lengths) = verify_on_anvil(&f, &g, 15_000_000);
    let calldata = calldata_gas(&encode_calldata(&f.proof, &f.instances));
    println!(
        "anvil: 500-column verifier, contracts of {lengths:?} bytes; verification transaction {gas} gas \
         (21000 base + {calldata} call data + {} execution)",
        gas - 21_000 - calldata
    );
}
