//! `rebuttal verifier`: write the Solidity verifier of a verifying key (with its helper
//! contracts and deployment manifest when it is split), and optionally the call data of
//! `verifyProof(proof, instances)` for `cast`/`eth_call`.

use std::path::{Path, PathBuf};

use rebuttal_prover::plonk::VerifyingKey;
use rebuttal_verifier_gen::{GeneratedVerifier, SOLC_SETTINGS, encode_calldata, generate};

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
    let extra = write_verifier(&args.out, &generated)?;
    println!(
        "verifier: {} (contract {}; proofs of exactly {} bytes; {} proof commitments, {} key commitments; {})",
        args.out.display(),
        generated.contract_name,
        generated.proof_len,
        generated.proof_commitments,
        generated.vk_commitments,
        generated.layout
    );
    if let Some(manifest) = extra.last() {
        println!(
            "helpers: {} contracts to deploy first ({}); deployment order and constructor arguments in {}",
            generated.helpers.len(),
            extra[..extra.len() - 1].iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            manifest.display()
        );
    }
    Ok(())
}

/// Writes a generated verifier: the Solidity source at `out` and, when the verifier has helper
/// contracts, each helper's creation code as hex (`<stem>.helper<i>.hex`) and the deployment
/// manifest (`<stem>.deploy.json`) beside it. Returns the extra files, the manifest last.
pub fn write_verifier(out: &Path, g: &GeneratedVerifier) -> Result<Vec<PathBuf>, String> {
    write_atomic(out, g.source.as_bytes())?;
    if g.helpers.is_empty() {
        return Ok(Vec::new());
    }
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Verifier".into());
    let beside = |name: String| out.with_file_name(name);
    let mut written = Vec::new();
    let mut helpers = Vec::new();
    for (i, h) in g.helpers.iter().enumerate() {
        let path = beside(format!("{stem}.helper{i}.hex"));
        write_atomic(&path, format!("0x{}\n", hex(&h.creation)).as_bytes())?;
        helpers.push(serde_json::json!({
            "index": i,
            "name": h.name,
            "computes": h.role.to_string(),
            "creation_code_file": path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "code_hash": format!("0x{}", hex(&h.code_hash)),
            "deployed_bytes": h.runtime.len(),
        }));
        written.push(path);
    }
    let source = out.file_name().map(|f| f.to_string_lossy().into_owned());
    let settings: serde_json::Value = serde_json::from_str(SOLC_SETTINGS).map_err(|e| e.to_string())?;
    let manifest = serde_json::json!({
        "source": source,
        "contract": g.contract_name,
        "solc": { "version": "0.8.37", "settings": settings },
        "layout": g.layout.to_string(),
        "helpers": helpers,
        "constructor": format!("address[{}] helpers: the helpers' addresses in index order", g.helpers.len()),
        "deploy": [
            "1. Deploy every helper (any order, any account): a contract-creation transaction whose data is the \
             helper's creation code (its .hex file). Each deploys exactly the code whose hash is code_hash.",
            format!(
                "2. Compile {} with solc 0.8.37 and the settings above, and deploy {} with its creation code \
                 followed by abi.encode(address[{}] helpers). The constructor reverts with \
                 HelperCodeMismatch(i) unless helper i's code hash is code_hash.",
                source.as_deref().unwrap_or("the source"),
                g.contract_name,
                g.helpers.len()
            ),
            "3. Call verifyProof(bytes proof, uint256[] instances) on that contract; it returns true or reverts.",
        ],
    });
    let path = beside(format!("{stem}.deploy.json"));
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    write_atomic(&path, text.as_bytes())?;
    written.push(path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use rebuttal_prover::backend::CpuBackend;
    use rebuttal_prover::plonk::keygen;
    use rebuttal_prover::srs::Srs;
    use rebuttal_prover::testing::Fibonacci;
    use rebuttal_verifier_gen::{ConstraintPlacement, KeyPlacement, Layout, MsmCode, generate_with};

    use super::*;

    #[test]
    fn a_split_verifier_is_written_with_its_helpers_and_manifest() {
        let circuit = Fibonacci { start: (1, 2), steps: 9, claim: None };
        let srs = Srs::unsafe_setup(5, 1).unwrap();
        let pk = keygen(&srs, &circuit, 5, &CpuBackend).unwrap();
        let layout =
            Layout { msm: MsmCode::Loop, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers };
        let g = generate_with(pk.vk(), layout).unwrap();
        let dir = std::env::temp_dir().join(format!("rebuttal-verifier-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let extra = write_verifier(&dir.join("V.sol"), &g).unwrap();
        assert_eq!(extra.len(), g.helpers.len() + 1);
        assert!(std::fs::read_to_string(dir.join("V.sol")).unwrap().contains("HelperCodeMismatch"));
        let hex0 = std::fs::read_to_string(dir.join("V.helper0.hex")).unwrap();
        assert_eq!(hex0.trim(), format!("0x{}", hex(&g.helpers[0].creation)));
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("V.deploy.json")).unwrap()).unwrap();
        assert_eq!(manifest["contract"], "RebuttalVerifier");
        assert_eq!(manifest["helpers"].as_array().unwrap().len(), g.helpers.len());
        assert_eq!(manifest["helpers"][1]["code_hash"], format!("0x{}", hex(&g.helpers[1].code_hash)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
