//! Decoding signed transactions into [`TxInput`].

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::Bytes;

use crate::error::WitnessError;
use crate::model::{AccessListEntry, TxInput, TxSignature};

impl TxInput {
    /// Decodes a signed transaction from its EIP-2718 bytes (legacy RLP or typed) and recovers
    /// its sender. `input` names the transaction in errors. Types 0 to 3 are supported.
    pub fn decode(input: &str, raw: &[u8]) -> Result<TxInput, WitnessError> {
        let first = *raw.first().ok_or_else(|| WitnessError::malformed(input, "empty transaction bytes"))?;
        if first < 0x7f && first > 3 {
            return Err(WitnessError::UnsupportedTxType { input: input.to_string(), tx_type: first });
        }
        let mut buf = raw;
        let env = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| WitnessError::malformed(input, format!("transaction: {e}")))?;
        if !buf.is_empty() {
            return Err(WitnessError::malformed(input, format!("{} trailing bytes after the transaction", buf.len())));
        }
        Self::from_envelope(input, &env)
    }

    /// Converts a decoded envelope, recovering the sender.
    pub fn from_envelope(input: &str, env: &TxEnvelope) -> Result<TxInput, WitnessError> {
        let tx_type = env.tx_type() as u8;
        if tx_type > 3 {
            return Err(WitnessError::UnsupportedTxType { input: input.to_string(), tx_type });
        }
        let sender = env
            .recover_signer()
            .map_err(|e| WitnessError::BadSignature { input: input.to_string(), reason: e.to_string() })?;
        let sig = env.signature();
        let raw = Bytes::from(env.encoded_2718());
        Ok(TxInput {
            tx_type,
            hash: *env.tx_hash(),
            raw,
            sender,
            chain_id: env.chain_id(),
            nonce: env.nonce(),
            gas_limit: env.gas_limit(),
            max_fee_per_gas: env.max_fee_per_gas(),
            max_priority_fee_per_gas: env.max_priority_fee_per_gas(),
            to: env.to(),
            value: env.value(),
            input: env.input().clone(),
            access_list: env
                .access_list()
                .map(|l| {
                    l.0.iter()
                        .map(|i| AccessListEntry { address: i.address, storage_keys: i.storage_keys.clone() })
                        .collect()
                })
                .unwrap_or_default(),
            blob_hashes: env.blob_versioned_hashes().map(|h| h.to_vec()).unwrap_or_default(),
            max_fee_per_blob_gas: env.max_fee_per_blob_gas(),
            signature: TxSignature { y_parity: sig.v(), r: sig.r(), s: sig.s() },
        })
    }
}
