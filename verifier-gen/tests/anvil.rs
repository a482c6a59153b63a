//! A generated verifier on a real node: deploy it on anvil, verify a proof with `eth_call` and
//! with a transaction, and read the gas from the receipt.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy_provider::{Provider, ProviderBuilder};
use common::*;
use rebuttal_verifier_gen::{RevertReason, encode_calldata};
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

#[test]
fn deployed_on_anvil_the_verifier_accepts_with_eth_call_and_a_transaction() {
    let f = fibonacci();
    let compiled = compile_verifier(&f.generated);
    let anvil = anvil_path();
    let port = free_port();
    let child = Command::new(&anvil)
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--hardfork", "cancun", "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", anvil.display()));
    let _node = Node(child);
    let url = format!("http://127.0.0.1:{port}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    rt.block_on(async {
        let start = Instant::now();
        while tokio::time::timeout(Duration::from_secs(2), provider.get_chain_id()).await.map_or(true, |r| r.is_err()) {
            assert!(start.elapsed() < Duration::from_secs(30), "anvil did not answer on {url} within 30 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let accounts: Vec<String> = provider.raw_request("eth_accounts".into(), ()).await.unwrap();
        let from = accounts[0].clone();
        let send = |tx: Value| {
            let provider = &provider;
            async move {
                let hash: String = provider.raw_request("eth_sendTransaction".into(), (tx,)).await.unwrap();
                let start = Instant::now();
                loop {
                    let receipt: Value =
                        provider.raw_request("eth_getTransactionReceipt".into(), (hash.clone(),)).await.unwrap();
                    if !receipt.is_null() {
                        break receipt;
                    }
                    assert!(start.elapsed() < Duration::from_secs(30), "transaction {hash} not mined within 30 s");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };

        // Deploy.
        let receipt = send(json!({ "from": from, "data": encode_hex(&compiled.creation), "gas": "0x1c9c380" })).await;
        assert_eq!(receipt["status"], "0x1", "deployment failed: {receipt}");
        let address = receipt["contractAddress"].as_str().expect("contract address").to_string();
        let code: String = provider.raw_request("eth_getCode".into(), (address.clone(), "latest")).await.unwrap();
        let deployed = decode_hex(&code);
        assert_eq!(deployed.len(), compiled.deployed.len());
        assert!(deployed.len() <= EIP170_LIMIT);

        // eth_call: a valid proof returns true; a tampered one reverts with the contract's error.
        let data = encode_calldata(&f.proof, &f.instances);
        let call = json!({ "from": from, "to": address, "data": encode_hex(&data) });
        let out: String = provider.raw_request("eth_call".into(), (call, "latest")).await.unwrap();
        assert_eq!(decode_hex(&out), {
            let mut t = vec![0u8; 32];
            t[31] = 1;
            t
        });
        let mut bad = f.proof.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let bad_data = encode_calldata(&bad, &f.instances);
        let call = json!({ "from": from, "to": address, "data": encode_hex(&bad_data) });
        let err = provider.raw_request::<_, String>("eth_call".into(), (call, "latest")).await.unwrap_err();
        let selector = encode_hex(&RevertReason::PointNotOnCurve.selector());
        assert!(format!("{err:?}").contains(&selector[2..]), "expected a PointNotOnCurve revert, got {err:?}");

        // A transaction: accepted, gas from the receipt.
        let receipt = send(json!({ "from": from, "to": address, "data": encode_hex(&data), "gas": "0x7a120" })).await;
        assert_eq!(receipt["status"], "0x1", "verification transaction failed: {receipt}");
        let gas = hex_u64(&receipt["gasUsed"]);
        let calldata = calldata_gas(&data);
        println!(
            "anvil: fibonacci verifier {} bytes deployed; verification transaction {gas} gas \
             (21000 base + {calldata} call data + {} execution)",
            deployed.len(),
            gas - 21_000 - calldata
        );
        assert!(gas > 21_000 + calldata && gas < 500_000);
        // The same transaction with the tampered proof is mined as failed.
        let receipt =
            send(json!({ "from": from, "to": address, "data": encode_hex(&bad_data), "gas": "0x7a120" })).await;
        assert_eq!(receipt["status"], "0x0", "a tampered proof's transaction succeeded: {receipt}");
    });
}
