//! `rebuttal prove`: re-execute a block, prove what today's circuits can prove about it, verify
//! the proof and write it with its verifying key and Solidity verifier.
//!
//! Today's circuits prove the block's keccak256 computations (the keccak circuit over every
//! distinct keccak input the witness records: SHA3 opcodes, code hashes, trie nodes and keys,
//! transaction hashes). The EVM, state, MPT, bytecode, copy and tx circuits are not written
//! yet, so the proof does not yet attest the state transition; the command says so.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rebuttal_circuits::keccak::KeccakCircuit;
use rebuttal_gpu::{BackendChoice, select_backend};
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::{
    KeygenConfig, ProveOptions, QuotientMemory, keygen_with_config, prove_with_options, verify,
};
use rebuttal_prover::srs::Srs;
use rebuttal_verifier_gen::{encode_calldata, generate};
use rebuttal_witness::BlockWitness;

use crate::files::{hex, instances_to_json, write_atomic};
use crate::source::SourceArgs;
use crate::verifier::write_verifier;

/// Seed of the insecure test setup used when no `--srs` is given.
const INSECURE_SETUP_SEED: u64 = 0x7265_6275_7474_616c;

/// Arguments of `rebuttal prove`. With no source option, proves the embedded default block.
#[derive(clap::Args, Debug)]
pub struct ProveArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Directory to write proof.bin, vk.bin, instances.json, the Solidity verifier and its call
    /// data into (created if missing).
    #[arg(long, value_name = "DIR", default_value = "rebuttal-out")]
    pub out: PathBuf,
    /// Arithmetic backend for MSMs and NTTs.
    #[arg(long, value_name = "cpu|cuda|auto", default_value = "auto")]
    pub backend: BackendChoice,
    /// KZG parameters: a snarkjs `.ptau` file, or a PSE halo2 `ParamsKZG` raw file (any other
    /// extension). Without it, an INSECURE seeded test setup is used (its trapdoor is public).
    #[arg(long, value_name = "FILE")]
    pub srs: Option<PathBuf>,
    /// Make the proof zero-knowledge (random blinding; one more quotient piece). Off by
    /// default: a public block has nothing to hide, and plain proofs are reproducible.
    #[arg(long)]
    pub zero_knowledge: bool,
    /// Commit up to N polynomials opened at the same rotations together (N ≥ 2; 1, the
    /// default, commits each on its own). Fewer commitments make the on-chain verifier cheaper
    /// (one elliptic-curve multiplication per commitment); the prover works on polynomials of
    /// degree N·n and needs an SRS of 2^(k + ⌈log2 N⌉) powers.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub packing: u32,
    /// Memory the quotient may use for copies of the committed columns: `auto` (half of what the
    /// system or cgroup has available then), or a size such as `8GiB`, `512MiB`, `0`. Columns
    /// beyond it are transformed in place: less memory, more time, the same proof.
    #[arg(long, value_name = "auto|SIZE", default_value = "auto", value_parser = parse_quotient_memory)]
    pub quotient_memory: QuotientMemory,
}

/// Parses `--quotient-memory`: `auto`, or bytes with an optional `KiB`/`MiB`/`GiB`/`TiB` suffix.
pub fn parse_quotient_memory(text: &str) -> Result<QuotientMemory, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("auto") {
        return Ok(QuotientMemory::Auto);
    }
    let units = [("TiB", 1usize << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)];
    let (number, unit) = units
        .iter()
        .find_map(|&(suffix, unit)| text.strip_suffix(suffix).map(|n| (n.trim(), unit)))
        .unwrap_or((text, 1));
    let bad = || format!("`{text}` is not `auto` or a size such as 8GiB, 512MiB or 0");
    let count: usize = number.parse().map_err(|_| bad())?;
    count.checked_mul(unit).map(QuotientMemory::Bytes).ok_or_else(|| format!("`{text}` is too large"))
}

/// The distinct keccak inputs of a block, in the order the witness first records them.
pub fn block_keccak_inputs(witness: &BlockWitness) -> Vec<Vec<u8>> {
    let mut seen = HashSet::new();
    witness.keccak_inputs.iter().filter(|k| seen.insert(k.input.as_ref())).map(|k| k.input.to_vec()).collect()
}

/// Loads `--srs` for `2^k` rows, or makes the insecure test setup.
pub fn load_srs(path: Option<&Path>, k: u32) -> Result<Srs, Box<dyn std::error::Error>> {
    let Some(path) = path else {
        tracing::warn!("no --srs given: using an INSECURE test setup whose trapdoor is public (fine for testing only)");
        return Ok(Srs::unsafe_setup(k, INSECURE_SETUP_SEED)?);
    };
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ptau")) {
        return Srs::read_ptau_file(path, k).map_err(|e| err(&e).into());
    }
    let file = std::fs::File::open(path).map_err(|e| err(&e))?;
    let srs = Srs::read_params_kzg(std::io::BufReader::new(file)).map_err(|e| err(&e))?;
    srs.cut(k).map_err(|e| err(&e).into())
}

fn stage<T, E>(what: &str, f: impl FnOnce() -> Result<T, E>) -> Result<(T, Duration), E> {
    let bar = ProgressBar::new_spinner().with_message(what.to_string());
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"));
    bar.enable_steady_tick(Duration::from_millis(200));
    let start = Instant::now();
    let result = f();
    let elapsed = start.elapsed();
    bar.finish_and_clear();
    result.map(|v| (v, elapsed))
}

/// The commitments a proof of `pk` carries (W and W' included).
fn pk_commitments(pk: &rebuttal_prover::plonk::ProvingKey) -> usize {
    rebuttal_prover::plonk::proof::ProofShape::new(pk.vk().extended(), pk.vk().k()).num_points()
}

/// Runs `rebuttal prove`.
pub fn run(args: &ProveArgs) -> Result<(), Box<dyn std::error::Error>> {
    let input = args.source.load_one()?;
    let (witness, t_trace) = stage("re-executing the block", || rebuttal_witness::trace(&input))?;
    if !witness.checks.all_pass() {
        return Err(format!("{}: the witness self-checks fail: {:?}", witness.source, witness.checks).into());
    }
    let inputs = block_keccak_inputs(&witness);
    let input_bytes: usize = inputs.iter().map(Vec::len).sum();
    let circuit = KeccakCircuit::new(inputs)?;
    let k = circuit.k();
    let backend = select_backend(args.backend)?;
    let packing = args.packing as usize;
    let srs = load_srs(args.srs.as_deref(), k + packing.next_power_of_two().trailing_zeros())?;
    let config = KeygenConfig { zero_knowledge: args.zero_knowledge, packing };
    let (pk, t_keygen) = stage("keygen", || keygen_with_config(&srs, &circuit, k, backend.as_ref(), config))?;
    let options = ProveOptions { quotient_memory: args.quotient_memory };
    let (proof, t_prove) =
        stage("proving", || prove_with_options(&pk, &circuit, backend.as_ref(), &mut rand_core::OsRng, &options))?;
    let instances = circuit.instances();
    let ((), t_verify) = stage("verifying", || verify(pk.vk(), &instances, &proof))?;
    // A verifier the generator cannot lay out is reported; the proof is still written.
    let verifier = generate(pk.vk());
    let calldata = encode_calldata(&proof, &instances);

    std::fs::create_dir_all(&args.out).map_err(|e| format!("creating {}: {e}", args.out.display()))?;
    let vk_bytes = pk.vk().to_bytes();
    write_atomic(&args.out.join("proof.bin"), &proof)?;
    write_atomic(&args.out.join("vk.bin"), &vk_bytes)?;
    write_atomic(&args.out.join("instances.json"), instances_to_json(&instances).as_bytes())?;
    let helper_files = match &verifier {
        Ok(v) => write_verifier(&args.out.join(&v.file_name), v)?,
        Err(_) => Vec::new(),
    };
    write_atomic(&args.out.join("calldata.hex"), format!("0x{}\n", hex(&calldata)).as_bytes())?;

    let secs = |d: Duration| d.as_secs_f64();
    println!("block:            {}", witness.source);
    println!("re-executed in:   {:.3} s ({} txs, self-checks pass)", secs(t_trace), witness.txs.len());
    println!(
        "proven:           keccak256 of the block's {} distinct keccak inputs ({} bytes, {} keccak-f) at k = {k}",
        circuit.inputs().len(),
        input_bytes,
        circuit.num_permutations()
    );
    println!("not yet proven:   EVM execution, state, MPT, bytecode, copy and tx circuits (not written yet)");
    println!("backend:          {}", backend.name());
    println!("zero-knowledge:   {}", if config.zero_knowledge { "on" } else { "off (default)" });
    match config.packing {
        1 => println!("packing:          off (default)"),
        p => println!("packing:          up to {p} polynomials per commitment ({} commitments)", pk_commitments(&pk)),
    }
    println!("quotient memory:  {:?}", args.quotient_memory);
    println!("keygen:           {:.3} s", secs(t_keygen));
    println!("prove:            {:.3} s ({} proof bytes)", secs(t_prove), proof.len());
    println!("verify (Rust):    {:.3} s — valid", secs(t_verify));
    match &verifier {
        Ok(v) => {
            println!(
                "Solidity:         {} (contract {}, {} source bytes; {})",
                args.out.join(&v.file_name).display(),
                v.contract_name,
                v.source.len(),
                v.layout
            );
            if let Some(manifest) = helper_files.last() {
                println!(
                    "helpers:          {} helper contracts to deploy first ({} files); order and constructor \
                     arguments in {}",
                    v.helpers.len(),
                    helper_files.len() - 1,
                    manifest.display()
                );
            }
        }
        Err(e) => println!("NOTE:             no Solidity verifier for this key: {e}"),
    }
    println!("written:          proof.bin, vk.bin, instances.json, calldata.hex in {}", args.out.display());
    if args.srs.is_none() {
        println!("WARNING:          insecure test setup (no --srs): do not deploy this verifier");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_embedded_block_keccak_inputs_are_distinct_and_complete() {
        let input = rebuttal_witness::source::embedded::load().unwrap();
        let witness = rebuttal_witness::trace(&input).unwrap();
        let inputs = block_keccak_inputs(&witness);
        let distinct: HashSet<&[u8]> = witness.keccak_inputs.iter().map(|k| k.input.as_ref()).collect();
        assert_eq!(inputs.len(), distinct.len());
        assert!(inputs.iter().all(|i| distinct.contains(i.as_slice())));
        // First-seen order: the first recorded input comes first.
        assert_eq!(inputs[0], witness.keccak_inputs[0].input.to_vec());
    }

    #[test]
    fn a_missing_or_malformed_srs_file_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("rebuttal-cli-srs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.ptau");
        assert!(load_srs(Some(&missing), 5).unwrap_err().to_string().contains("missing.ptau"));
        let junk = dir.join("junk.params");
        std::fs::write(&junk, b"\x05\0\0\0 too short").unwrap();
        assert!(load_srs(Some(&junk), 5).unwrap_err().to_string().contains("junk.params"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn quotient_memory_sizes_parse_and_garbage_is_an_error_naming_it() {
        assert_eq!(parse_quotient_memory("auto"), Ok(QuotientMemory::Auto));
        assert_eq!(parse_quotient_memory("AUTO"), Ok(QuotientMemory::Auto));
        assert_eq!(parse_quotient_memory("0"), Ok(QuotientMemory::Bytes(0)));
        assert_eq!(parse_quotient_memory("4096"), Ok(QuotientMemory::Bytes(4096)));
        assert_eq!(parse_quotient_memory("512MiB"), Ok(QuotientMemory::Bytes(512 << 20)));
        assert_eq!(parse_quotient_memory("8 GiB"), Ok(QuotientMemory::Bytes(8 << 30)));
        assert_eq!(parse_quotient_memory("100B"), Ok(QuotientMemory::Bytes(100)));
        for bad in ["", "lots", "8GB", "-1", "1.5GiB", "GiB"] {
            let err = parse_quotient_memory(bad).unwrap_err();
            assert!(err.contains(&format!("`{}`", bad.trim())), "{bad}: {err}");
        }
        assert!(parse_quotient_memory(&format!("{}TiB", usize::MAX)).unwrap_err().contains("too large"));
    }
}
