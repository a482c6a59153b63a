//! The JSON-RPC source against a real node: start anvil, send a transfer, a deployment and a
//! storage-writing call, mine them into one block, rebuild the block from RPC, re-execute it and
//! reproduce the node's own state root. Then deletions whose branches collapse onto siblings
//! that no touched key's proof reveals: a cleared slot (onto a leaf) and an account created and
//! selfdestructed in one transaction (onto a branch).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address, keccak256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use rebuttal_witness::execute::system::BEACON_ROOTS_ADDRESS;
use rebuttal_witness::source::rpc::{RpcOptions, fetch_block};
use rebuttal_witness::trie::{AccountLeaf, Node, Trie, storage_value_rlp, verify_proof};
use rebuttal_witness::{TrieUpdateKind, WitnessSummary, trace};
use revm::primitives::KECCAK_EMPTY;

/// anvil's first dev account (public, well known).
const DEV_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const CHAIN_ID: u64 = 31337;

fn anvil_path() -> PathBuf {
    let tools = std::env::var_os("REBUTTAL_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools"));
    let p = tools.join("node_modules/.bin/anvil");
    assert!(
        p.exists(),
        "anvil not found at {}: run scripts/test.sh (it installs the test tools with scripts/install-test-tools.sh)",
        p.display()
    );
    p
}

/// The node we started; stopped when dropped.
struct AnvilNode(Child);

impl Drop for AnvilNode {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn sign(key: &PrivateKeySigner, tx: TxEip1559) -> Bytes {
    let sig = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::Eip1559(tx.into_signed(sig)).encoded_2718().into()
}

fn sign_legacy(key: &PrivateKeySigner, tx: TxLegacy) -> Bytes {
    let sig = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::Legacy(tx.into_signed(sig)).encoded_2718().into()
}

fn tx(nonce: u64, to: TxKind, value: U256, input: Vec<u8>, gas_limit: u64) -> TxEip1559 {
    TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to,
        value,
        access_list: Default::default(),
        input: input.into(),
    }
}

/// Starts anvil (Cancun, manual mining) on a free loopback port and waits until it answers;
/// mines block 1, empty: anvil's genesis header carries no real state root, so traced blocks
/// start at 2. The node stops when the returned guard drops.
fn start_anvil(rt: &tokio::runtime::Runtime) -> (AnvilNode, String) {
    let anvil = anvil_path();
    let port = free_port();
    let child = Command::new(&anvil)
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--hardfork", "cancun", "--no-mining", "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", anvil.display()));
    let node = AnvilNode(child);
    let url = format!("http://127.0.0.1:{port}");
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    rt.block_on(async {
        let start = Instant::now();
        loop {
            match tokio::time::timeout(Duration::from_secs(2), provider.get_chain_id()).await {
                Ok(Ok(id)) => {
                    assert_eq!(id, CHAIN_ID);
                    break;
                }
                _ if start.elapsed() < Duration::from_secs(30) => tokio::time::sleep(Duration::from_millis(200)).await,
                _ => panic!("anvil did not answer on {url} within 30 s"),
            }
        }
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    });
    (node, url)
}

#[test]
fn rpc_source_reproduces_anvil_state_root() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (_node, url) = start_anvil(&rt);
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let beacon_code_len = rt.block_on(async {
        let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
        let me = key.address();
        let contract = me.create(1);
        // Runtime: SSTORE(0, calldata[0..32]); SSTORE(1, CALLER); STOP.
        let runtime = [0x60, 0x00, 0x35, 0x60, 0x00, 0x55, 0x33, 0x60, 0x01, 0x55, 0x00];
        let mut init = vec![0x60, 0x0b, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x0b, 0x60, 0x00, 0xf3];
        init.extend_from_slice(&runtime);
        let bob: Address = address!("00000000000000000000000000000000000b0b00");
        // A generic setter, SSTORE(calldata[0..32], calldata[32..64]), for the deletion below.
        let setter_runtime = [0x60, 0x20, 0x35, 0x60, 0x00, 0x35, 0x55, 0x00];
        let mut setter_init = vec![0x60, 0x08, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x08, 0x60, 0x00, 0xf3];
        setter_init.extend_from_slice(&setter_runtime);
        let setter = me.create(3);
        let set = |slot: u64, value: u64| {
            let mut cd = U256::from(slot).to_be_bytes::<32>().to_vec();
            cd.extend_from_slice(&U256::from(value).to_be_bytes::<32>());
            cd
        };
        let raws = [
            sign_legacy(
                &key,
                TxLegacy {
                    chain_id: Some(CHAIN_ID),
                    nonce: 0,
                    gas_price: 20_000_000_000,
                    gas_limit: 21_000,
                    to: TxKind::Call(bob),
                    value: U256::from(10).pow(U256::from(18)),
                    input: Bytes::new(),
                },
            ),
            sign(&key, tx(1, TxKind::Create, U256::ZERO, init, 200_000)),
            sign(&key, tx(2, TxKind::Call(contract), U256::ZERO, B256::with_last_byte(42).to_vec(), 100_000)),
            sign(&key, tx(3, TxKind::Create, U256::ZERO, setter_init, 200_000)),
            sign(&key, tx(4, TxKind::Call(setter), U256::ZERO, set(0, 7), 100_000)),
            sign(&key, tx(5, TxKind::Call(setter), U256::ZERO, set(1, 9), 100_000)),
        ];
        for raw in &raws {
            let _pending = provider.send_raw_transaction(raw).await.unwrap();
        }
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        let n = provider.get_block_number().await.unwrap();
        assert_eq!(n, 2, "all six transactions in block 2");
        // Block 3 clears slot 0: the setter's storage trie (slots 0 and 1: a branch with two
        // leaves) collapses onto slot 1's leaf, which no transaction of block 3 touches.
        let raw = sign(&key, tx(6, TxKind::Call(setter), U256::ZERO, set(0, 0), 100_000));
        let _pending = provider.send_raw_transaction(&raw).await.unwrap();
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        assert_eq!(provider.get_block_number().await.unwrap(), 3);
        // anvil's genesis has no EIP-4788 contract, so the beacon-root system call is skipped
        // (anvil 1.x does not run it even where the contract is installed with anvil_setCode:
        // the timestamp slot stays zero), and the skip must reproduce anvil's roots.
        let code = provider.get_code_at(BEACON_ROOTS_ADDRESS).number(2).await.unwrap();
        println!("anvil: the beacon-roots contract has {} bytes of code", code.len());
        code.len()
    });
    for use_prestate_tracer in [true, false] {
        let opts = RpcOptions { timeout: Duration::from_secs(20), use_prestate_tracer, ..Default::default() };
        let input = fetch_block(&url, 2, &opts).unwrap();
        assert_eq!(input.transactions.len(), 6);
        assert!(!input.pre_state.complete && !input.pre_state.proof_nodes.is_empty());
        let w = trace(&input).unwrap();
        let s = WitnessSummary::of(&w);
        println!("anvil block 2 (prestate tracer: {use_prestate_tracer}):\n{s}");
        assert_eq!(
            w.checks.state_root_matches,
            Some(true),
            "post-state root {} vs the node's {:?}",
            w.mpt.post_root,
            input.header.state_root
        );
        assert!(w.checks.all_pass(), "{:?}", w.checks);
        assert!(w.txs.iter().all(|t| t.status == rebuttal_witness::TxStatus::Success));
        assert!(w.rws.iter().any(|e| e.is_write && matches!(e.op, rebuttal_witness::RwOp::Storage { .. })));
        // The header's parent beacon root drives the system call, which runs exactly when the
        // contract has code.
        let root = input.header.parent_beacon_block_root;
        println!("anvil block 2: parent beacon block root {root:?}, system calls {:?}", w.system_calls);
        assert!(root.is_some(), "a Cancun header carries the parent beacon block root");
        assert_eq!(w.system_calls.len(), 1);
        assert_eq!(w.system_calls[0].skipped, beacon_code_len == 0);
    }
    // Block 3 clears slot 0, which collapses the setter's storage branch onto slot 1's leaf,
    // untouched and so unrevealed. anvil has no debug_executionWitness, and it keeps a
    // zero-valued leaf for the cleared slot in the trie its roots commit to (not Ethereum's
    // trie, which deletes it), so the post-state proof of the slot shows no collapse. The
    // source then reveals the sibling by the parent-block proof of a probe slot whose path runs
    // through it, and the trace computes Ethereum's root: the setter's storage is slot 1 alone,
    // and the block's root differs from anvil's.
    let setter_slot = |slot: u64| keccak256(U256::from(slot).to_be_bytes::<32>());
    let input = fetch_block(&url, 3, &RpcOptions { timeout: Duration::from_secs(20), ..Default::default() }).unwrap();
    assert!(input.pre_state.deletion_proofs.is_empty(), "the probe made the post-state proofs unnecessary");
    let setter = input.transactions[0].to.unwrap();
    let proof = rt.block_on(async {
        let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
        provider.get_proof(setter, vec![B256::ZERO]).number(3).await.unwrap()
    });
    let last = Node::decode(proof.storage_proof[0].proof.last().unwrap()).unwrap();
    assert!(
        matches!(&last, Node::Leaf { value, .. } if value.as_slice() == [0x80]),
        "anvil now deletes cleared slots ({last:?}): assert that block 3 traces to its root instead"
    );
    let w = trace(&input).unwrap();
    let u =
        w.mpt.updates.iter().find(|u| u.kind == TrieUpdateKind::Storage { address: setter, key: U256::ZERO }).unwrap();
    let sibling = u.sibling.as_ref().expect("the branch collapses onto slot 1's leaf");
    let node = sibling.node.as_ref().expect("the probe revealed it");
    assert!(input.pre_state.sibling_nodes.contains(node) && !input.pre_state.proof_nodes.contains(node));
    assert!(matches!(Node::decode(node).unwrap(), Node::Leaf { .. }));
    let mut slot1_alone = Trie::new();
    slot1_alone.insert(setter_slot(1).as_slice(), storage_value_rlp(U256::from(9))).unwrap();
    assert_eq!(u.new_root, slot1_alone.root_hash());
    assert!(w.checks.mpt_updates.is_none() && w.checks.mpt_siblings.is_none(), "{:?}", w.checks);
    assert_eq!(w.checks.state_root_matches, Some(false), "anvil's root keeps the zero leaf");
    // Without probing, the post-state proof is all the source has, and it contradicts the
    // deletion: a clean error naming the slot, the block and the problem.
    let opts = RpcOptions { timeout: Duration::from_secs(20), max_probe_nibbles: 0, ..Default::default() };
    match fetch_block(&url, 3, &opts) {
        Err(rebuttal_witness::WitnessError::ProofMismatch { input, reason, .. }) => {
            assert!(input.contains("block 3") && input.contains("slot 0x0") && input.contains(&setter.to_string()));
            assert!(reason.contains("holding 0x80"), "{reason}");
        }
        other => panic!("expected the post-state proof to contradict the deletion, got {other:?}"),
    }
}

/// `CALLER SELFDESTRUCT`: the init code the factory deploys, which deletes itself at once.
const SELF_DESTRUCTING_INIT: [u8; 2] = [0x33, 0xff];

/// Factory runtime: CREATE2(value 0, init code `SELF_DESTRUCTING_INIT`, salt calldata[0..32]).
const FACTORY_RUNTIME: [u8; 18] = [
    0x61, 0x33, 0xff, 0x60, 0x00, 0x52, // MSTORE(0, 0x33ff): the init code at bytes 30..32
    0x60, 0x00, 0x35, 0x60, 0x02, 0x60, 0x1e, 0x60, 0x00, 0xf5, // CREATE2(0, 30, 2, salt)
    0x50, 0x00, // POP STOP
];

fn nibbles_of(a: &Address, n: usize) -> Vec<u8> {
    keccak256(a).iter().flat_map(|b| [b >> 4, b & 0x0f]).take(n).collect()
}

/// A real account deletion onto a branch sibling. Block 2 funds three addresses whose hashed
/// keys share three nibbles `q` that no other account of the chain has: `d` (the CREATE2
/// address the factory will use) under `q‖a`, and `x1`, `x2` under `q‖b` (so the node at `q‖b`
/// is a branch). Block 3 creates a contract at `d` that selfdestructs in the same transaction
/// (EIP-6780: the account is deleted, with the balance it had before), which collapses the
/// branch at `q` onto the branch at `q‖b`, which no touched key's proof reveals.
#[test]
fn rpc_source_deletes_an_account_onto_a_branch_sibling() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (_node, url) = start_anvil(&rt);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let me = key.address();
    let factory = me.create(0);
    let init_hash = keccak256(SELF_DESTRUCTING_INIT);
    let (d, salt, x1, x2) = rt.block_on(async {
        let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
        // Every account the chain has (dev accounts, what genesis installs, the coinbase) and
        // the block's own: `q` must be free of them.
        let mut known: Vec<Address> = provider.get_accounts().await.unwrap();
        known.extend([me, factory, Address::ZERO, BEACON_ROOTS_ADDRESS]);
        let block = provider.get_block_by_number(1.into()).await.unwrap().unwrap();
        known.push(block.header.beneficiary);
        let taken: Vec<Vec<u8>> = known.iter().map(|a| nibbles_of(a, 3)).collect();
        let salt_of = |i: u64| B256::from(U256::from(i).to_be_bytes::<32>());
        let (salt, d) = (0u64..)
            .map(|i| (salt_of(i), factory.create2(salt_of(i), init_hash)))
            .find(|(_, d)| !taken.contains(&nibbles_of(d, 3)))
            .unwrap();
        let q = nibbles_of(&d, 4);
        let b = (q[3] + 1) % 16;
        let under = |a: &Address| nibbles_of(a, 4) == [q[0], q[1], q[2], b];
        let plain = |i: u64| Address::left_padding_from(&(0xa11c_e000_0000_u64 + i).to_be_bytes());
        let x1 = (0u64..).map(plain).find(under).unwrap();
        let x2 = (0u64..).map(plain).find(|a| under(a) && nibbles_of(a, 5)[4] != nibbles_of(&x1, 5)[4]).unwrap();
        let mut init = vec![0x60, FACTORY_RUNTIME.len() as u8, 0x60, 0x0c, 0x60, 0x00, 0x39];
        init.extend([0x60, FACTORY_RUNTIME.len() as u8, 0x60, 0x00, 0xf3]);
        init.extend(FACTORY_RUNTIME);
        let one_wei = |nonce, to| sign(&key, tx(nonce, TxKind::Call(to), U256::from(1), Vec::new(), 21_000));
        let raws = [
            sign(&key, tx(0, TxKind::Create, U256::ZERO, init, 200_000)),
            one_wei(1, d),
            one_wei(2, x1),
            one_wei(3, x2),
        ];
        for raw in &raws {
            let _pending = provider.send_raw_transaction(raw).await.unwrap();
        }
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        assert_eq!(provider.get_code_at(factory).await.unwrap().as_ref(), FACTORY_RUNTIME);
        let raw = sign(&key, tx(4, TxKind::Call(factory), U256::ZERO, salt.to_vec(), 200_000));
        let _pending = provider.send_raw_transaction(&raw).await.unwrap();
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        assert_eq!(provider.get_block_number().await.unwrap(), 3);
        (d, salt, x1, x2)
    });
    println!("anvil: d {d} (salt {salt}), x1 {x1}, x2 {x2}");
    // anvil does not delete d: its trie keeps an empty account leaf for it (Ethereum's trie
    // removes a destroyed account; so does our witness).
    let (anvil_root, anvil_proof_of_d, x1_proof) = rt.block_on(async {
        let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
        let root = provider.get_block_by_number(3.into()).await.unwrap().unwrap().header.state_root;
        let after = provider.get_proof(d, Vec::new()).number(3).await.unwrap();
        let x1_proof = provider.get_proof(x1, Vec::new()).number(2).await.unwrap().account_proof;
        (root, after.account_proof, x1_proof)
    });
    let leaf = verify_proof(anvil_root, keccak256(d).as_slice(), &anvil_proof_of_d).unwrap();
    let leaf = leaf.map(|l| AccountLeaf::decode(&l).unwrap());
    assert!(
        leaf.is_some_and(|l| l.nonce == 0 && l.balance.is_zero() && l.code_hash == KECCAK_EMPTY),
        "anvil now deletes destroyed accounts ({leaf:?}): assert that block 3 traces to its root instead"
    );
    let deletion = TrieUpdateKind::Account { address: d };
    let opts = RpcOptions { timeout: Duration::from_secs(20), ..Default::default() };
    // The witness must be Ethereum's: anvil's block-3 trie without d's empty leaf. Deleting d
    // from the partial trie of anvil's proof needs the same sibling, which x1's proof holds.
    let ethereum_root = |sibling: &Bytes| {
        let nodes = anvil_proof_of_d.iter().chain([sibling]);
        let mut t = Trie::from_nodes(anvil_root, nodes.map(|n| n.as_ref())).unwrap();
        t.remove(keccak256(d).as_slice()).unwrap();
        t.root_hash()
    };
    let check = |input: &rebuttal_witness::BlockInput| {
        assert!(!input.pre_state.accounts.contains_key(&x1) && !input.pre_state.accounts.contains_key(&x2));
        let w = trace(input).unwrap();
        let u = w.mpt.updates.iter().find(|u| u.kind == deletion).expect("block 3 deletes d");
        assert!(u.new_value.is_empty());
        let sibling = u.sibling.clone().expect("the deletion collapses d's branch");
        let node = sibling.node.clone().expect("the sibling's node is in the witness");
        assert!(matches!(Node::decode(&node).unwrap(), Node::Branch { .. }), "the sibling is a branch");
        assert!(input.pre_state.sibling_nodes.contains(&node) && !input.pre_state.proof_nodes.contains(&node));
        assert!(input.pre_state.deletion_proofs.is_empty());
        assert_eq!(w.mpt.post_root, ethereum_root(&node));
        assert_eq!(w.checks.state_root_matches, Some(false), "anvil's root keeps d");
        assert!(w.checks.rw_replay.is_none() && w.checks.mpt_updates.is_none() && w.checks.mpt_siblings.is_none());
        w
    };
    // anvil has no debug_executionWitness: the sibling branch's node comes from the
    // parent-block proof of a probe address.
    let probed = fetch_block(&url, 3, &opts).unwrap();
    let w = check(&probed);
    println!("anvil block 3 (account deletion):\n{}", WitnessSummary::of(&w));
    // A node with debug_executionWitness (anvil behind a proxy that answers it with the nodes
    // of x1's proof, as a real witness would include them) supplies it without probing.
    let (proxy_url, witness_calls) = witness_proxy(&url, x1_proof);
    let no_probe = RpcOptions { max_probe_nibbles: 0, ..opts.clone() };
    let from_witness = fetch_block(&proxy_url, 3, &no_probe).unwrap();
    assert_eq!(witness_calls.load(Ordering::SeqCst), 1);
    assert_eq!(check(&from_witness).mpt, w.mpt);
    // Neither: the post-state proof of d is all there is, and it shows d present (anvil's
    // empty leaf), against the block's deletion: a clean error naming the account and block.
    match fetch_block(&url, 3, &no_probe) {
        Err(rebuttal_witness::WitnessError::ProofMismatch { input, reason, root }) => {
            assert_eq!(root, anvil_root);
            assert!(input.contains("block 3") && input.contains(&d.to_string()), "{input}");
            assert!(reason.contains("shows it present"), "{reason}");
        }
        other => panic!("expected the post-state proof to contradict the deletion, got {other:?}"),
    }
}

/// A JSON-RPC proxy to `upstream` that answers `debug_executionWitness` itself, with `nodes`
/// as the witness's trie nodes; returns its URL and a count of those calls.
fn witness_proxy(upstream: &str, nodes: Vec<Bytes>) -> (String, Arc<AtomicUsize>) {
    let upstream = upstream.trim_start_matches("http://").to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (upstream, nodes, counter) = (upstream.clone(), nodes.clone(), counter.clone());
            std::thread::spawn(move || serve_proxy(conn, &upstream, &nodes, &counter));
        }
    });
    (url, calls)
}

/// Serves one keep-alive connection of the proxy until the client closes it.
fn serve_proxy(conn: TcpStream, upstream: &str, nodes: &[Bytes], calls: &AtomicUsize) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    while let Some(body) = read_http(&mut reader) {
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let answer = if request["method"] == "debug_executionWitness" {
            calls.fetch_add(1, Ordering::SeqCst);
            let witness = serde_json::json!({ "state": nodes, "codes": [], "keys": [], "headers": [] });
            serde_json::json!({ "jsonrpc": "2.0", "id": request["id"], "result": witness }).to_string().into_bytes()
        } else {
            let mut up = TcpStream::connect(upstream).unwrap();
            write!(
                up,
                "POST / HTTP/1.1\r\nhost: {upstream}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .unwrap();
            up.write_all(&body).unwrap();
            read_http(&mut BufReader::new(up)).unwrap()
        };
        let head =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", answer.len());
        if out.write_all(head.as_bytes()).and_then(|_| out.write_all(&answer)).is_err() {
            return;
        }
    }
}

/// Reads one HTTP/1.1 message (request or response) and returns its body; None at the end of
/// the stream. Handles content-length and chunked bodies.
fn read_http(r: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = String::new();
    let (mut length, mut chunked) = (0, false);
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
        chunked |= l.starts_with("transfer-encoding:") && l.contains("chunked");
    }
    let mut body = Vec::new();
    if !chunked {
        body.resize(length, 0);
        r.read_exact(&mut body).ok()?;
        return Some(body);
    }
    loop {
        line.clear();
        r.read_line(&mut line).ok()?;
        let size = usize::from_str_radix(line.trim(), 16).unwrap();
        let mut chunk = vec![0; size + 2];
        r.read_exact(&mut chunk).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}
