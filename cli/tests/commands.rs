//! The `rebuttal` binary's commands on small proofs: `verify` accepts a valid proof and rejects
//! a tampered one or wrong public inputs with an error naming the file; `verifier` writes the
//! Solidity verifier and call data; `stats` prints the keccak circuit's figures; bad files are
//! errors, never panics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ff::{Field, PrimeField};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config, prove};
use rebuttal_prover::srs::Srs;
use rebuttal_prover::testing::Fibonacci;

fn rebuttal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rebuttal")).args(args).output().expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rebuttal-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hex32(v: &Fr) -> String {
    let mut be = v.to_repr().as_ref().to_vec();
    be.reverse();
    format!("\"0x{}\"", be.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn instances_json(instances: &[Vec<Fr>]) -> String {
    let cols: Vec<String> =
        instances.iter().map(|c| format!("[{}]", c.iter().map(hex32).collect::<Vec<_>>().join(","))).collect();
    format!("[{}]", cols.join(","))
}

/// Writes vk.bin, proof.bin and instances.json of a small Fibonacci proof into `dir`.
fn write_fibonacci_proof(dir: &Path, config: KeygenConfig) -> Vec<Vec<Fr>> {
    let circuit = Fibonacci { start: (1, 1), steps: 20, claim: None };
    let k = 6;
    let srs = Srs::unsafe_setup(k + config.packing.next_power_of_two().trailing_zeros(), 7).unwrap();
    let pk = keygen_with_config(&srs, &circuit, k, &CpuBackend, config).unwrap();
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    let instances = circuit.instances();
    std::fs::write(dir.join("vk.bin"), pk.vk().to_bytes()).unwrap();
    std::fs::write(dir.join("proof.bin"), &proof).unwrap();
    std::fs::write(dir.join("instances.json"), instances_json(&instances)).unwrap();
    instances
}

#[test]
fn verify_accepts_a_valid_proof_and_rejects_tampering() {
    for (name, zero_knowledge, packing) in [("verify", false, 1), ("verify-zk", true, 1), ("verify-packed", false, 4)] {
        verify_command_on(name, KeygenConfig { zero_knowledge, packing });
    }
}

fn verify_command_on(name: &str, config: KeygenConfig) {
    let dir = scratch(name);
    let instances = write_fibonacci_proof(&dir, config);
    let d = dir.to_str().unwrap();

    let ok = rebuttal(&["verify", "--dir", d]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("valid"));

    let mut proof = std::fs::read(dir.join("proof.bin")).unwrap();
    proof[100] ^= 1;
    std::fs::write(dir.join("bad-proof.bin"), &proof).unwrap();
    let bad = rebuttal(&["verify", "--dir", d, "--proof", dir.join("bad-proof.bin").to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("bad-proof.bin") && text(&bad).contains("invalid proof"), "{}", text(&bad));

    let mut wrong = instances.clone();
    wrong[0][2] += Fr::ONE;
    std::fs::write(dir.join("wrong.json"), instances_json(&wrong)).unwrap();
    let bad = rebuttal(&["verify", "--dir", d, "--instances", dir.join("wrong.json").to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("invalid proof"), "{}", text(&bad));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn malformed_files_are_errors_naming_the_file() {
    let dir = scratch("malformed");
    write_fibonacci_proof(&dir, KeygenConfig::default());
    let d = dir.to_str().unwrap();
    std::fs::write(dir.join("junk.bin"), b"RBVK\0\0\0\x01 not a key").unwrap();
    std::fs::write(dir.join("junk.json"), b"{\"not\": \"instances\"}").unwrap();
    for (flag, file) in [("--vk", "junk.bin"), ("--instances", "junk.json"), ("--proof", "missing.bin")] {
        let out = rebuttal(&["verify", "--dir", d, flag, dir.join(file).to_str().unwrap()]);
        assert!(!out.status.success());
        let t = text(&out);
        assert!(t.contains(file) && t.contains("error:") && !t.contains("panicked"), "{flag}: {t}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verifier_writes_solidity_and_call_data() {
    let dir = scratch("verifier");
    write_fibonacci_proof(&dir, KeygenConfig::default());
    let p = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let out = rebuttal(&[
        "verifier",
        "--vk",
        &p("vk.bin"),
        "--out",
        &p("Verifier.sol"),
        "--proof",
        &p("proof.bin"),
        "--instances",
        &p("instances.json"),
        "--calldata",
        &p("calldata.hex"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let sol = std::fs::read_to_string(dir.join("Verifier.sol")).unwrap();
    assert!(sol.contains("pragma solidity") && sol.contains("function verifyProof"));
    let calldata = std::fs::read_to_string(dir.join("calldata.hex")).unwrap();
    let proof_len = std::fs::read(dir.join("proof.bin")).unwrap().len();
    // selector + offsets + proof (padded) + instances: at least the proof's hex digits.
    assert!(calldata.starts_with("0x") && calldata.trim().len() > 2 + 2 * (4 + proof_len));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stats_keccak_prints_the_cost_per_permutation() {
    let out = rebuttal(&["stats", "keccak"]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("per keccak-f") && t.contains("committed cells") && t.contains("advice"), "{t}");
}

#[test]
fn a_bad_quotient_memory_size_is_an_error_naming_it() {
    let out = rebuttal(&["prove", "--quotient-memory", "lots"]);
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("--quotient-memory") && t.contains("`lots`") && !t.contains("panicked"), "{t}");
}

#[test]
fn a_bad_packing_is_an_error_naming_it() {
    for bad in ["0", "many", "5000"] {
        let out = rebuttal(&["prove", "--packing", bad]);
        assert!(!out.status.success());
        let t = text(&out);
        assert!(t.contains("--packing") && t.contains(bad) && !t.contains("panicked"), "{bad}: {t}");
    }
}
