//! `rebuttal verifier`: write the Solidity verifier of a verifying key, and optionally the call
//! data of `verifyProof(proof, instances)` for `cast`/`eth_call`.

use std::path::PathBuf;

use rebuttal_prover::plonk::VerifyingKey;
use rebuttal_verifier_gen::{encode_calldata, generate};

use crate::files::{hex, instances_from_json, read, write_atomic};

/// Arguments of `rebuttal verifier`.
#[derive(clap::Args, Debug)]
pub struct VerifierArgs {
    /// The verifying key (as written by `rebuttal prove`).
    #[arg(long, value_name = "FILE", default_value = "rebuttal-out/vk.bin")]
    pub vk: PathBuf,
    /// Where to write the Solidity source.
    #[arg(long, value_name = "FILE", default_value = "Verifier.sol")]
    pub out: PathBuf,
    /// A proof to encode as call data (needs --instances and --calldata).
    #[arg(long, value_name = "FILE", requires_all = ["instances", "calldata"])]
    pub proof: Option<PathBuf>,
    /// The proof's public inputs as JSON.
    #[arg(long, value_name = "FILE", requires = "proof")]
    pub instances: Option<PathBuf>,
    /// Where to write the `verifyProof` call data (hex).
    #[arg(long, value_name = "FILE", requires = "proof")]
    pub calldata: Option<PathBuf>,
}

/// Runs `rebuttal verifier`.
pub fn run(args: &VerifierArgs) -> Result<(), Box<dyn std::error::Error>> {
    let vk = VerifyingKey::from_bytes(&read(&args.vk)?).map_err(|e| format!("{}: {e}", args.vk.display()))?;
    let generated = generate(&vk)?;
    if let (Some(proof_path), Some(inst_path), Some(out)) = (&args.proof, &args.instances, &args.calldata) {
        let proof = read(proof_path)?;
        let text = String::from_utf8(read(inst_path)?).map_err(|_| format!("{}: not UTF-8", inst_path.display()))?;
        let instances = instances_from_json(&text, inst_path)?;
        write_atomic(out, format!("0x{}\n", hex(&encode_calldata(&proof, &instances))).as_bytes())?;
        println!("call data: {}", out.display());
    }
    write_atomic(&args.out, generated.source.as_bytes())?;
    println!(
        "verifier: {} (contract {}; proofs of exactly {} bytes; {} proof commitments, {} key commitments)",
        args.out.display(),
        generated.contract_name,
        generated.proof_len,
        generated.proof_commitments,
        generated.vk_commitments
    );
    Ok(())
}
