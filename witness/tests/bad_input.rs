//! Bad input gives a clear error naming the input, never a panic.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use rebuttal_witness::WitnessError;
use rebuttal_witness::model::TxInput;
use rebuttal_witness::source::rpc::{RpcOptions, fetch_block};
use rebuttal_witness::source::state_test::parse_cases;

const ADD11: &str = include_str!("../test-data/ethereum-tests/GeneralStateTests/stExample/add11.json");

#[test]
fn malformed_json_names_the_file() {
    let err = parse_cases("broken.json", "{ \"x\": [1, 2", "Cancun").unwrap_err();
    assert!(matches!(err, WitnessError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("broken.json"), "{err}");
    // Well-formed JSON of the wrong shape is malformed too.
    let err = parse_cases("shape.json", "{\"t\": {\"env\": 3}}", "Cancun").unwrap_err();
    assert!(err.to_string().contains("shape.json"), "{err}");
}

#[test]
fn unknown_fork_is_rejected() {
    let err = parse_cases("add11.json", ADD11, "Frontier2").unwrap_err();
    match &err {
        WitnessError::UnsupportedFork { fork, input } => {
            assert_eq!(fork, "Frontier2");
            assert_eq!(input, "add11.json");
        }
        other => panic!("{other}"),
    }
    assert!(rebuttal_witness::model::Fork::parse("x", "Prague").is_err());
}

#[test]
fn unsupported_transaction_types_are_rejected() {
    // EIP-7702 (type 4) and an unknown type 0x05.
    for ty in [4u8, 5] {
        let err = TxInput::decode("tx 0", &[ty, 0xc0]).unwrap_err();
        match err {
            WitnessError::UnsupportedTxType { tx_type, input } => {
                assert_eq!(tx_type, ty);
                assert_eq!(input, "tx 0");
            }
            other => panic!("{other}"),
        }
    }
    assert!(matches!(TxInput::decode("tx 1", &[]), Err(WitnessError::Malformed { .. })));
    assert!(matches!(TxInput::decode("tx 2", &[0x02, 0x01, 0x02]), Err(WitnessError::Malformed { .. })));
}

#[test]
fn bad_signature_is_rejected() {
    let cases = parse_cases("add11.json", ADD11, "Cancun").unwrap();
    let mut raw = cases[0].input.transactions[0].raw.to_vec();
    // Flip a byte of s (the last bytes of the RLP): the sender changes or recovery fails.
    let n = raw.len();
    raw[n - 2] ^= 0xff;
    match TxInput::decode("tampered", &raw) {
        Ok(tx) => assert_ne!(tx.sender, cases[0].input.transactions[0].sender),
        Err(e) => assert!(matches!(e, WitnessError::BadSignature { .. } | WitnessError::Malformed { .. }), "{e}"),
    }
}

#[test]
fn invalid_transaction_is_an_error_naming_it() {
    let mut case = parse_cases("add11.json", ADD11, "Cancun").unwrap().remove(0);
    // Take all of the sender's balance away.
    let sender = case.input.transactions[0].sender;
    case.input.pre_state.accounts.get_mut(&sender).unwrap().balance = alloy_primitives::U256::ZERO;
    case.input.pre_state.state_root = Default::default();
    match rebuttal_witness::trace(&case.input) {
        Err(WitnessError::InvalidTransaction { index, .. }) => assert_eq!(index, 0),
        other => panic!("expected an invalid transaction, got {other:?}"),
    }
}

fn serve_once(respond: impl FnOnce(std::net::TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((s, _)) = listener.accept() {
            respond(s);
        }
    });
    format!("http://{addr}")
}

#[test]
fn rpc_error_answer_is_an_error() {
    let url = serve_once(|mut s| {
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let body = r#"{"jsonrpc":"2.0","id":0,"error":{"code":-32601,"message":"the method does not exist"}}"#;
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    let opts = RpcOptions { timeout: Duration::from_secs(5), ..Default::default() };
    match fetch_block(&url, 1, &opts) {
        Err(WitnessError::Rpc { url: u, method, .. }) => {
            assert_eq!(u, url);
            assert_eq!(method, "eth_chainId");
        }
        other => panic!("expected an RPC error, got {other:?}"),
    }
}

#[test]
fn rpc_that_hangs_times_out() {
    let url = serve_once(|s| {
        // Accept, never answer; hold the connection until the client gives up.
        std::thread::sleep(Duration::from_secs(5));
        drop(s);
    });
    let opts = RpcOptions { timeout: Duration::from_millis(500), ..Default::default() };
    let start = Instant::now();
    let err = fetch_block(&url, 1, &opts).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(4), "took {:?}", start.elapsed());
    assert!(err.to_string().contains("no answer within"), "{err}");
}

#[test]
fn rpc_bad_url_is_malformed() {
    let err = fetch_block("not a url", 1, &RpcOptions::default()).unwrap_err();
    assert!(matches!(err, WitnessError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("not a url"));
}

mod fuzz {
    use proptest::prelude::*;
    use rebuttal_witness::model::TxInput;
    use rebuttal_witness::trie::{Node, verify_proof};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Arbitrary bytes never panic the decoders; they give a value or an error.
        #[test]
        fn decoders_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Node::decode(&bytes);
            let _ = TxInput::decode("fuzz", &bytes);
            let _ = rebuttal_witness::codec::from_binary(&bytes);
            let _ = verify_proof(alloy_primitives::B256::repeat_byte(3), &[1, 2, 3], &[bytes.clone().into()]);
            let mut with_magic = b"RBTW\x01\x00".to_vec();
            with_magic.extend_from_slice(&bytes);
            let _ = rebuttal_witness::codec::from_binary(&with_magic);
            // A random body is never a valid witness.
            prop_assert!(rebuttal_witness::codec::from_binary(&with_magic).is_err());
        }
    }
}
