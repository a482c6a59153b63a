//! `rebuttal verify`: check a proof against a verifying key and public inputs.

use std::path::PathBuf;

use rebuttal_prover::plonk::{VerifyingKey, verify};

use crate::files::{instances_from_json, read};

/// Arguments of `rebuttal verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Directory written by `rebuttal prove` (reads proof.bin, vk.bin, instances.json there,
    /// unless the files are named one by one).
    #[arg(long, value_name = "DIR", default_value = "rebuttal-out")]
    pub dir: PathBuf,
    /// The verifying key (default: DIR/vk.bin).
    #[arg(long, value_name = "FILE")]
    pub vk: Option<PathBuf>,
    /// The proof (default: DIR/proof.bin).
    #[arg(long, value_name = "FILE")]
    pub proof: Option<PathBuf>,
    /// The public inputs as JSON (default: DIR/instances.json).
    #[arg(long, value_name = "FILE")]
    pub instances: Option<PathBuf>,
}

/// Runs `rebuttal verify`: succeeds only if the proof is valid.
pub fn run(args: &VerifyArgs) -> Result<(), Box<dyn std::error::Error>> {
    let vk_path = args.vk.clone().unwrap_or_else(|| args.dir.join("vk.bin"));
    let proof_path = args.proof.clone().unwrap_or_else(|| args.dir.join("proof.bin"));
    let inst_path = args.instances.clone().unwrap_or_else(|| args.dir.join("instances.json"));
    let vk = VerifyingKey::from_bytes(&read(&vk_path)?).map_err(|e| format!("{}: {e}", vk_path.display()))?;
    let proof = read(&proof_path)?;
    let text = String::from_utf8(read(&inst_path)?).map_err(|_| format!("{}: not UTF-8", inst_path.display()))?;
    let instances = instances_from_json(&text, &inst_path)?;
    verify(&vk, &instances, &proof).map_err(|e| format!("{}: invalid proof: {e}", proof_path.display()))?;
    println!("valid: {} verifies against {}", proof_path.display(), vk_path.display());
    Ok(())
}
