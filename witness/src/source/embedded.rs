//! The embedded default block: a deterministic genesis allocation and a block of real, signed
//! transactions, shipped as `witness/data/embedded-block.json` and rebuilt by [`build`] (the
//! `gen-embedded-block` binary writes it).
//!
//! Transactions: an ETH transfer (legacy), the deploy of an ERC-20, two token transfers (one an
//! access-list transaction), a contract calling the token (with a caught inner revert), a
//! reverted transfer, a SHA3-heavy hash chain, and a transfer that clears a slot (refund). The
//! genesis holds the EIP-4788 beacon-roots contract and the header a parent beacon block root,
//! so the block opens with the beacon-root system call.

use std::collections::BTreeMap;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TxLegacy};
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address, keccak256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde::Deserialize;

use crate::error::WitnessError;
use crate::model::*;

/// The checked-in block.
pub const EMBEDDED_BLOCK_JSON: &str = include_str!("../../data/embedded-block.json");
const CONTRACTS_JSON: &str = include_str!("../../data/contracts/Contracts.json");

/// Chain id of the embedded block.
pub const CHAIN_ID: u64 = 901;
/// Address of the pre-deployed `Caller` contract.
pub const CALLER: Address = address!("00000000000000000000000000000000000ca11e");
/// Address of the pre-deployed `Hasher` contract.
pub const HASHER: Address = address!("0000000000000000000000000000000000004a54");
/// Fee recipient.
pub const COINBASE: Address = address!("00000000000000000000000000000000c0ffee00");

/// Loads the checked-in embedded block.
pub fn load() -> Result<BlockInput, WitnessError> {
    serde_json::from_str(EMBEDDED_BLOCK_JSON).map_err(|e| WitnessError::malformed("embedded-block.json", e))
}

/// The deterministic test key of a named account: keccak256("rebuttal/embedded/" ‖ name).
pub fn test_key(name: &str) -> PrivateKeySigner {
    let k = keccak256(format!("rebuttal/embedded/{name}"));
    PrivateKeySigner::from_bytes(&k).expect("keccak output is a valid secp256k1 key with overwhelming probability")
}

#[derive(Deserialize)]
struct Compiled {
    contracts: BTreeMap<String, CompiledContract>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompiledContract {
    bytecode: Bytes,
    deployed_bytecode: Bytes,
}

fn compiled() -> Result<Compiled, WitnessError> {
    serde_json::from_str(CONTRACTS_JSON).map_err(|e| WitnessError::malformed("Contracts.json", e))
}

fn selector(sig: &str) -> Vec<u8> {
    keccak256(sig.as_bytes())[..4].to_vec()
}

fn word_addr(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

fn calldata(sig: &str, args: &[[u8; 32]]) -> Bytes {
    let mut out = selector(sig);
    for a in args {
        out.extend_from_slice(a);
    }
    out.into()
}

fn sign(
    signer: &PrivateKeySigner,
    tx: impl SignableTransaction<alloy_primitives::Signature> + Into<TxEnvelopeBuilder>,
) -> Result<TxEnvelope, WitnessError> {
    let sig = signer
        .sign_hash_sync(&tx.signature_hash())
        .map_err(|e| WitnessError::BadSignature { input: "embedded block".into(), reason: e.to_string() })?;
    Ok(tx.into().with_signature(sig))
}

/// Wraps the supported unsigned transaction types so that [`sign`] can build an envelope.
enum TxEnvelopeBuilder {
    Legacy(TxLegacy),
    Eip2930(TxEip2930),
    Eip1559(TxEip1559),
}

impl From<TxLegacy> for TxEnvelopeBuilder {
    fn from(t: TxLegacy) -> Self {
        Self::Legacy(t)
    }
}
impl From<TxEip2930> for TxEnvelopeBuilder {
    fn from(t: TxEip2930) -> Self {
        Self::Eip2930(t)
    }
}
impl From<TxEip1559> for TxEnvelopeBuilder {
    fn from(t: TxEip1559) -> Self {
        Self::Eip1559(t)
    }
}

impl TxEnvelopeBuilder {
    fn with_signature(self, sig: alloy_primitives::Signature) -> TxEnvelope {
        match self {
            Self::Legacy(t) => TxEnvelope::Legacy(t.into_signed(sig)),
            Self::Eip2930(t) => TxEnvelope::Eip2930(t.into_signed(sig)),
            Self::Eip1559(t) => TxEnvelope::Eip1559(t.into_signed(sig)),
        }
    }
}

const GWEI: u128 = 1_000_000_000;

fn eip1559(nonce: u64, to: TxKind, value: U256, input: Bytes, gas_limit: u64) -> TxEip1559 {
    TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit,
        max_fee_per_gas: 3 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to,
        value,
        access_list: AccessList::default(),
        input,
    }
}

/// Builds the embedded block from the compiled contracts and the test keys. Deterministic:
/// signatures use RFC 6979 nonces. Expectations (post-state root and logs hash) are filled by
/// tracing the block, so that the checked-in file pins them.
pub fn build() -> Result<BlockInput, WitnessError> {
    let c = compiled()?;
    let get = |n: &str| {
        c.contracts.get(n).ok_or_else(|| WitnessError::malformed("Contracts.json", format!("no contract {n}")))
    };
    let (token, caller, hasher) = (get("Token")?, get("Caller")?, get("Hasher")?);
    let (alice, bob, carol) = (test_key("alice"), test_key("bob"), test_key("carol"));
    let ether = U256::from(10).pow(U256::from(18));
    let mut accounts = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for s in [&alice, &bob, &carol] {
        accounts.insert(
            s.address(),
            PreAccount {
                balance: U256::from(100) * ether,
                code_hash: revm::primitives::KECCAK_EMPTY,
                exists: true,
                ..Default::default()
            },
        );
    }
    // The EIP-4788 beacon-roots contract, as on every Cancun chain (deployed by a creation
    // transaction, hence nonce 1), so that the block's system call runs.
    let beacon_code = alloy_eips::eip4788::BEACON_ROOTS_CODE.clone();
    for (addr, code) in [
        (CALLER, &caller.deployed_bytecode),
        (HASHER, &hasher.deployed_bytecode),
        (crate::execute::system::BEACON_ROOTS_ADDRESS, &beacon_code),
    ] {
        let h = keccak256(code);
        codes.insert(h, code.clone());
        accounts.insert(addr, PreAccount { nonce: 1, code_hash: h, exists: true, ..Default::default() });
    }
    let token_addr = alice.address().create(1);
    let supply = U256::from(1_000_000u64) * ether;
    let mut deploy = token.bytecode.to_vec();
    deploy.extend_from_slice(&supply.to_be_bytes::<32>());
    let transfer = "transfer(address,uint256)";
    let txs = [
        // 0: plain ETH transfer, legacy EIP-155 transaction.
        sign(
            &alice,
            TxLegacy {
                chain_id: Some(CHAIN_ID),
                nonce: 0,
                gas_price: 2 * GWEI,
                gas_limit: 21_000,
                to: TxKind::Call(bob.address()),
                value: ether,
                input: Bytes::new(),
            },
        )?,
        // 1: deploy the ERC-20.
        sign(&alice, eip1559(1, TxKind::Create, U256::ZERO, deploy.into(), 1_000_000))?,
        // 2: token transfer alice -> bob.
        sign(
            &alice,
            eip1559(
                2,
                TxKind::Call(token_addr),
                U256::ZERO,
                calldata(transfer, &[word_addr(bob.address()), (U256::from(1000) * ether).to_be_bytes()]),
                100_000,
            ),
        )?,
        // 3: token transfer bob -> carol, an access-list transaction.
        sign(
            &bob,
            TxEip2930 {
                chain_id: CHAIN_ID,
                nonce: 0,
                gas_price: 2 * GWEI,
                gas_limit: 100_000,
                to: TxKind::Call(token_addr),
                value: U256::ZERO,
                access_list: AccessList(vec![AccessListItem { address: token_addr, storage_keys: vec![] }]),
                input: calldata(transfer, &[word_addr(carol.address()), (U256::from(250) * ether).to_be_bytes()]),
            },
        )?,
        // 4: a contract calling another: Caller.poke reads carol's token balance, logs it and
        //    tries a transfer that the token refuses (caught inner revert).
        sign(
            &carol,
            eip1559(
                0,
                TxKind::Call(CALLER),
                U256::ZERO,
                calldata(
                    "poke(address,address,uint256)",
                    &[word_addr(token_addr), word_addr(carol.address()), (U256::from(10) * ether).to_be_bytes()],
                ),
                200_000,
            ),
        )?,
        // 5: a reverted call: carol transfers more tokens than she has.
        sign(
            &carol,
            eip1559(
                1,
                TxKind::Call(token_addr),
                U256::ZERO,
                calldata(transfer, &[word_addr(alice.address()), (U256::from(1_000_000) * ether).to_be_bytes()]),
                100_000,
            ),
        )?,
        // 6: SHA3-heavy: a 64-round hash chain.
        sign(
            &bob,
            eip1559(
                1,
                TxKind::Call(HASHER),
                U256::ZERO,
                calldata("chain(bytes32,uint256)", &[keccak256("rebuttal").0, U256::from(64).to_be_bytes()]),
                300_000,
            ),
        )?,
        // 7: carol sends all her tokens back: her balance slot is cleared (a gas refund).
        sign(
            &carol,
            eip1559(
                2,
                TxKind::Call(token_addr),
                U256::ZERO,
                calldata(transfer, &[word_addr(alice.address()), (U256::from(250) * ether).to_be_bytes()]),
                100_000,
            ),
        )?,
    ];
    let transactions = txs
        .iter()
        .enumerate()
        .map(|(i, env)| TxInput::from_envelope(&format!("embedded tx {i}"), env))
        .collect::<Result<Vec<_>, _>>()?;
    let parent_hash = keccak256("rebuttal/embedded/parent");
    let header = BlockHeader {
        number: 1,
        timestamp: 1_700_000_012,
        coinbase: COINBASE,
        gas_limit: 30_000_000,
        base_fee: GWEI as u64,
        difficulty: U256::ZERO,
        prev_randao: keccak256("rebuttal/embedded/randao"),
        excess_blob_gas: Some(0),
        parent_hash,
        state_root: None,
        block_hashes: [(0u64, parent_hash)].into_iter().collect(),
        parent_beacon_block_root: Some(keccak256("rebuttal/embedded/parent-beacon-root")),
    };
    let mut input = BlockInput {
        source: "embedded".into(),
        chain: ChainConfig { chain_id: CHAIN_ID, fork: Fork::Cancun },
        header,
        transactions,
        withdrawals: Vec::new(),
        pre_state: PreState { state_root: B256::ZERO, complete: true, accounts, codes, ..Default::default() },
        expected: Expected::default(),
    };
    input.pre_state.state_root = crate::mpt_witness::pre_state_tries(&input)?.root();
    let w = crate::trace(&input)?;
    if !w.checks.all_pass() {
        return Err(WitnessError::CheckFailed { check: "embedded block", detail: format!("{:?}", w.checks) });
    }
    input.header.state_root = Some(w.mpt.post_root);
    input.expected = Expected { state_root: Some(w.mpt.post_root), logs_hash: Some(w.logs_hash), invalid_tx: false };
    Ok(input)
}

/// Serializes a block input as pretty JSON (the format of the checked-in file).
pub fn to_pretty_json(input: &BlockInput) -> Result<String, WitnessError> {
    serde_json::to_string_pretty(input)
        .map(|s| s + "\n")
        .map_err(|e| WitnessError::Codec { format: "json", reason: e.to_string() })
}
