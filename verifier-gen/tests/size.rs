//! How the generated verifier grows with the circuit, and that it always fits: synthetic wide
//! circuits (many columns, gates, lookups and equality columns) are proven, their verifiers
//! generated with the layout `generate` picks, every contract checked against EIP-170 and
//! EIP-3860, and the proofs verified in revm, valid and tampered, against the Rust verifier.

mod common;

use common::*;
use ff::Field;
use rebuttal_prover::arith::{Fr, G1, G1Affine};
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::encoding::g1_to_bytes;
use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config};
use rebuttal_prover::srs::Srs;
use rebuttal_verifier_gen::abi::{HELPER_CODE_MISMATCH, selector, word};
use rebuttal_verifier_gen::{
    ConstraintPlacement, HelperRole, KeyPlacement, Layout, MsmCode, SEPARATE_KEY_FROM, encode_calldata, generate,
    generate_with,
};

/// Every contract of a generated verifier: `name bytes` for the table.
fn sizes(g: &rebuttal_verifier_gen::GeneratedVerifier, c: &Compiled) -> String {
    let mut parts: Vec<String> = c.all_deployed.iter().map(|(name, code)| format!("{name} {}", code.len())).collect();
    parts.extend(g.helpers.iter().map(|h| format!("{} ({}) {}", h.name, h.role, h.runtime.len())));
    parts.join(" + ")
}

#[test]
fn deployed_size_grows_with_the_circuit() {
    println!(
        "| advice | gates | lookups | proof commitments | VK commitments | layout | deployed bytes (verifier + key contract) | gas |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (width, gates, lookups, placement) in [
        (8, 8, 2, KeyPlacement::Inline),
        (8, 8, 2, KeyPlacement::Separate),
        (24, 24, 6, KeyPlacement::Inline),
        (48, 40, 10, KeyPlacement::Inline),
        (48, 40, 10, KeyPlacement::Separate),
        (72, 64, 12, KeyPlacement::Separate),
    ] {
        let f = fixture_of("wide", &Wide::new(width, gates, lookups), 6);
        let generated = generate_with(&f.vk, placement).unwrap();
        let auto = generate(&f.vk).unwrap();
        // These all fit one contract (plus the key contract): `generate` keeps today's layout.
        assert_eq!(auto.layout.msm, MsmCode::StraightLine);
        assert!(auto.helpers.is_empty());
        assert_eq!(auto.key_contract_name.is_some(), generated.vk_commitments >= SEPARATE_KEY_FROM);
        // Every contract of the source fits EIP-170 (checked by compile_verifier).
        let c = compile_verifier(&generated);
        let mut evm = Evm::new();
        let at = evm.deploy(&c.creation);
        let (out, gas) = evm.call(at, &encode_calldata(&f.proof, &f.instances));
        assert!(out.accepted(), "{width} columns, {placement:?}: {out:?}");
        let mut bad = f.proof.clone();
        bad[10] ^= 1;
        assert!(!evm.call(at, &encode_calldata(&bad, &f.instances)).0.accepted());
        let sizes: Vec<String> = c.all_deployed.iter().map(|(_, code)| code.len().to_string()).collect();
        println!(
            "| {width} | {gates} | {lookups} | {} | {} | {placement:?} | {} | {gas} |",
            generated.proof_commitments,
            generated.vk_commitments,
            sizes.join(" + ")
        );
    }
}

/// The verifier of a circuit far beyond one contract (with the key `config` makes): every
/// contract fits, a valid proof is accepted, and tampered proofs and instances are rejected for
/// the Rust verifier's reason.
fn wide_circuit_fits_and_agrees(
    width: usize,
    lookups: usize,
    config: KeygenConfig,
) -> (Fixture, rebuttal_verifier_gen::GeneratedVerifier) {
    let circuit = Wide { width, gates: width, lookups, public: true };
    let f = fixture_with("wide", &circuit, 6, config);
    let t = std::time::Instant::now();
    let g = generate(&f.vk).unwrap();
    let generate_time = t.elapsed();
    let t = std::time::Instant::now();
    let c = compile_verifier(&g);
    let compile_time = t.elapsed();
    let mut evm = Evm::new();
    let at = evm.deploy_verifier(&g, &c);
    let data = encode_calldata(&f.proof, &f.instances);
    let (out, gas) = evm.call(at, &data);
    assert!(out.accepted(), "{width} columns: valid proof rejected: {out:?}");
    let evals = 64 * (g.proof_commitments - 2);
    let mut cases: Vec<(String, Vec<u8>, Vec<Vec<Fr>>)> = Vec::new();
    for (what, at) in
        [("first evaluation", evals + 31), ("an evaluation", evals + 32 * 7 + 3), ("commitment 3", 64 * 3 + 63)]
    {
        let mut p = f.proof.clone();
        p[at] ^= 1;
        cases.push((format!("{what} flipped"), p, f.instances.clone()));
    }
    // Another valid point in place of a commitment, in each kind of place.
    for i in [0, g.proof_commitments / 2, g.proof_commitments - 3] {
        let mut p = f.proof.clone();
        let q = G1Affine::from(G1::generator() * Fr::from(i as u64 + 5));
        p[64 * i..64 * i + 64].copy_from_slice(&g1_to_bytes(&q));
        cases.push((format!("commitment {i} replaced"), p, f.instances.clone()));
    }
    let mut changed = f.instances.clone();
    changed[0][0] += Fr::ONE;
    cases.push(("changed instance".into(), f.proof.clone(), changed));
    for (case, proof, instances) in &cases {
        let r = assert_agree(&f.vk, &mut evm, at, proof, instances, &format!("{width} columns, {case}"));
        assert!(r.is_err(), "{case} accepted");
    }
    let cd = calldata_gas(&data);
    let packed = if config.packing > 1 { format!(" (packed {})", config.packing) } else { String::new() };
    println!(
        "| {width}{packed} | {lookups} | {} | {} | {} | {} | {} ({}) | {gas} | {} | {cd} | {generate_time:.1?} / {compile_time:.1?} |",
        g.proof_commitments,
        g.vk_commitments,
        f.vk.extended().constraints.len(),
        g.layout,
        sizes(&g, &c),
        g.estimated_size,
        gas - 21_000 - cd
    );
    (f, g)
}

#[test]
fn wide_circuits_fit_eip170_and_agree_with_rust() {
    println!(
        "| advice = gates | lookups | proof commitments | VK commitments | constraints | layout | deployed bytes (verifier estimated) | gas total | execution | call data | generate / solc |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let plain = KeygenConfig::default();
    let (_, g96) = wide_circuit_fits_and_agrees(96, 12, plain);
    assert!(!g96.helpers.is_empty() || g96.layout.msm == MsmCode::Loop, "96 columns do not fit the plain layout");
    let (_, g200) = wide_circuit_fits_and_agrees(200, 24, plain);
    assert_eq!(g200.layout.msm, MsmCode::Loop);
    let (_, g500) = wide_circuit_fits_and_agrees(500, 48, plain);
    assert_eq!(g500.layout.msm, MsmCode::Loop);
    assert!(g500.helpers.iter().any(|h| matches!(h.role, HelperRole::Constraints { .. })));
    assert!(g500.helpers.iter().filter(|h| matches!(h.role, HelperRole::KeyMsm { .. })).count() >= 2);
}

/// Packed keys of any width fit too: up to about 250 columns in straight-line code (200 with
/// the constraints in helpers), beyond it in the loop form (`packRun`: one MSM term per pack,
/// its claims folded by Horner's rule in u), with the key and constraints out of the verifier
/// as the width asks.
#[test]
fn packed_wide_circuits_fit_eip170_and_agree_with_rust() {
    println!(
        "| advice = gates | lookups | proof commitments | VK commitments | constraints | layout | deployed bytes (verifier estimated) | gas total | execution | call data | generate / solc |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let (_, g96) = wide_circuit_fits_and_agrees(96, 12, PACKED);
    assert!(g96.helpers.is_empty(), "96 packed columns fit one contract");
    let (_, g200) = wide_circuit_fits_and_agrees(200, 24, PACKED);
    assert_eq!(g200.layout.msm, MsmCode::StraightLine);
    assert!(g200.helpers.iter().any(|h| matches!(h.role, HelperRole::Constraints { .. })));
    // Too wide for straight-line code (~15 bytes per evaluation): the loop form.
    let (_, g300) = wide_circuit_fits_and_agrees(300, 36, PACKED);
    assert_eq!(g300.layout.msm, MsmCode::Loop);
    let (_, g500) = wide_circuit_fits_and_agrees(500, 48, PACKED);
    assert_eq!(g500.layout.msm, MsmCode::Loop);
    assert!(g500.helpers.iter().any(|h| matches!(h.role, HelperRole::Constraints { .. })));
}

#[test]
fn a_wrong_helper_is_refused() {
    // A small circuit with every helper kind forced, so the test is quick.
    let f = fibonacci();
    let layout = Layout { msm: MsmCode::Loop, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers };
    let g = generate_with(&f.vk, layout).unwrap();
    assert_eq!(g.helpers.len(), 2);
    let c = compile_verifier(&g);
    let mut evm = Evm::new();
    let good: Vec<[u8; 20]> = g.helpers.iter().map(|h| evm.deploy(&h.creation).into_array()).collect();
    let mismatch = |i: u64| {
        let mut data = selector(HELPER_CODE_MISMATCH).to_vec();
        data.extend_from_slice(&word(i));
        data
    };
    let deploy_with = |evm: &mut Evm, addresses: &[[u8; 20]]| {
        let mut creation = c.creation.clone();
        creation.extend(g.constructor_args(addresses).unwrap());
        evm.try_deploy(&creation)
    };
    // Swapped helpers, an address without code, and a helper one byte off.
    assert_eq!(deploy_with(&mut evm, &[good[1], good[0]]), Err(Outcome::Reverted(mismatch(0))));
    assert_eq!(deploy_with(&mut evm, &[good[0], [0x42; 20]]), Err(Outcome::Reverted(mismatch(1))));
    let mut tampered = g.helpers[0].creation.clone();
    let last = tampered.len() - 4;
    tampered[last] ^= 1;
    let evil = evm.deploy(&tampered).into_array();
    assert_eq!(deploy_with(&mut evm, &[evil, good[1]]), Err(Outcome::Reverted(mismatch(0))));
    assert!(g.constructor_args(&good[..1]).is_err());
    // The right ones, in order.
    let at = deploy_with(&mut evm, &good).unwrap();
    assert_agree(&f.vk, &mut evm, at, &f.proof, &f.instances, "valid").unwrap();
}

/// The keccak circuit at its smallest domain (one keccak-f: 2-bit chunks, k = 9, ~2,660 advice
/// columns) with the key `config` makes: proven, its verifier generated, compiled, deployed and
/// run, a flipped evaluation rejected as the Rust verifier rejects it. Returns the gas of a
/// valid proof.
fn keccak_at_its_smallest_k(config: KeygenConfig) -> u64 {
    use rebuttal_circuits::keccak::KeccakCircuit;
    use rebuttal_prover::circuit::Circuit;
    use rebuttal_prover::plonk::{prove, verify};
    use std::time::Instant;

    let circuit = KeccakCircuit::new(vec![b"rebuttal".to_vec()]).unwrap();
    let k = circuit.k();
    let t = Instant::now();
    // Packing p commits polynomials of degree below p·n: the SRS holds that many powers.
    let extra = config.packing.max(1).next_power_of_two().trailing_zeros();
    let srs = Srs::unsafe_setup(k + extra, 7).unwrap();
    let pk = keygen_with_config(&srs, &circuit, k, &CpuBackend, config).unwrap();
    let proof = prove(&pk, &circuit, &CpuBackend).unwrap();
    let instances = circuit.instances();
    verify(pk.vk(), &instances, &proof).unwrap();
    let prove_time = t.elapsed();
    let t = Instant::now();
    let g = generate(pk.vk()).unwrap();
    let generate_time = t.elapsed();
    let t = Instant::now();
    let c = compile_verifier(&g);
    let compile_time = t.elapsed();
    let mut evm = Evm::new();
    evm.gas_limit = 200_000_000;
    let at = evm.deploy_verifier(&g, &c);
    let data = encode_calldata(&proof, &instances);
    let (out, gas) = evm.call(at, &data);
    assert!(out.accepted(), "{out:?}");
    let mut bad = proof.clone();
    bad[64 * (g.proof_commitments - 2) + 31] ^= 1;
    let r = assert_agree(pk.vk(), &mut evm, at, &bad, &instances, "keccak, flipped evaluation");
    assert!(r.is_err());
    let cd = calldata_gas(&data);
    let key = if config.packing > 1 { format!("packed ({})", config.packing) } else { "plain".into() };
    println!(
        "keccak, k = {k}, {}-bit chunks, {key} key: {} proof commitments, {} key commitments, {} constraints, proof {} bytes",
        circuit.chunk_bits(),
        g.proof_commitments,
        g.vk_commitments,
        pk.vk().extended().constraints.len(),
        proof.len()
    );
    println!("layout: {}; source {} bytes; contracts: {}", g.layout, g.source.len(), sizes(&g, &c));
    println!("gas {gas} (execution {}, call data {cd})", gas - 21_000 - cd);
    println!("keygen + prove + verify {prove_time:.1?}; generate {generate_time:.1?}; solc {compile_time:.1?}");
    gas
}

/// [`keccak_at_its_smallest_k`] with a plain key: ~31 M gas, above EIP-7825's per-transaction
/// cap. Not part of the default run: `cargo test -p rebuttal-verifier-gen --test size keccak --
/// --include-ignored --nocapture --test-threads 1` prints it next to the packed key's.
#[test]
#[ignore]
fn keccak_verifier_at_its_smallest_k() {
    keccak_at_its_smallest_k(KeygenConfig::default());
}

/// [`keccak_at_its_smallest_k`] with a key packing up to 8 polynomials per commitment (the loop
/// form over packs, constraints in helpers): the verification fits one transaction under
/// EIP-7825's cap of 2^24 gas, which the plain key's does not (~20 s).
#[test]
fn packed_keccak_verifier_at_its_smallest_k() {
    let gas = keccak_at_its_smallest_k(PACKED);
    assert!(gas < 1 << 24, "{gas} gas: above EIP-7825's per-transaction cap");
}

/// The loop form against straight-line code on the same circuits: gas per commitment and
/// deployed bytes (the basis of `generate`'s choice; BENCHMARKS.md).
#[test]
fn the_loop_form_trades_about_120_gas_per_commitment_for_constant_code() {
    let mut rows = Vec::new();
    for (width, gates, lookups) in [(48, 40, 10), (96, 96, 12)] {
        let f = fixture_of("wide", &Wide::new(width, gates, lookups), 6);
        let mut row = Vec::new();
        for msm in [MsmCode::StraightLine, MsmCode::Loop] {
            let layout = Layout { msm, key: KeyPlacement::Separate, constraints: ConstraintPlacement::Inline };
            let g = generate_with(&f.vk, layout).unwrap();
            let c = compile_verifier(&g);
            let mut evm = Evm::new();
            let at = evm.deploy_verifier(&g, &c);
            let (out, gas) = evm.call(at, &encode_calldata(&f.proof, &f.instances));
            assert!(out.accepted());
            row.push((gas, c.deployed.len()));
        }
        let commitments = f.generated.proof_commitments + f.generated.vk_commitments;
        println!(
            "{width} columns, {commitments} commitments: straight-line {} gas / {} bytes, loop {} gas / {} bytes",
            row[0].0, row[0].1, row[1].0, row[1].1
        );
        rows.push((commitments, row));
    }
    let extra = |r: &Vec<(u64, usize)>| r[1].0 as i64 - r[0].0 as i64;
    let per_commitment = (extra(&rows[1].1) - extra(&rows[0].1)) / (rows[1].0 - rows[0].0) as i64;
    let saved = |r: &Vec<(u64, usize)>| r[0].1 as i64 - r[1].1 as i64;
    let bytes_per_commitment = (saved(&rows[1].1) - saved(&rows[0].1)) / (rows[1].0 - rows[0].0) as i64;
    println!("loop form: +{per_commitment} gas and −{bytes_per_commitment} deployed bytes per commitment");
    assert!((0..200).contains(&per_commitment), "{per_commitment} gas per commitment");
    assert!(bytes_per_commitment > 30, "{bytes_per_commitment} bytes per commitment");
}

#[test]
fn many_key_points_in_straight_line_form_split_over_key_helpers() {
    // 400 gates over 8 advice columns: 400 selector columns, so more key points than one helper
    // holds; straight-line code (the first key helper's sum starts the MSM, the next are added).
    let f = fixture_of("narrow", &Wide::new(8, 400, 2), 6);
    let layout =
        Layout { msm: MsmCode::StraightLine, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers };
    let g = generate_with(&f.vk, layout).unwrap();
    assert_eq!(g.helpers.iter().filter(|h| matches!(h.role, HelperRole::KeyMsm { .. })).count(), 2);
    let c = compile_verifier(&g);
    let mut evm = Evm::new();
    let at = evm.deploy_verifier(&g, &c);
    assert_agree(&f.vk, &mut evm, at, &f.proof, &f.instances, "valid").unwrap();
    let mut p = f.proof.clone();
    p[64 * (g.proof_commitments - 2) + 31] ^= 1;
    assert!(assert_agree(&f.vk, &mut evm, at, &p, &f.instances, "flipped evaluation").is_err());
}

/// The verifier checks its helpers' code hashes once, in its constructor: that binding holds
/// only if a helper's code can never change or act on other contracts. Walks every helper's
/// instructions (up to the `INVALID` that starts a key helper's point table) and refuses
/// SELFDESTRUCT, CREATE, CREATE2, CALL, CALLCODE, DELEGATECALL and SSTORE.
#[test]
fn helpers_cannot_change_their_code_or_state() {
    const FORBIDDEN: [(u8, &str); 7] = [
        (0xff, "SELFDESTRUCT"),
        (0xf0, "CREATE"),
        (0xf5, "CREATE2"),
        (0xf1, "CALL"),
        (0xf2, "CALLCODE"),
        (0xf4, "DELEGATECALL"),
        (0x55, "SSTORE"),
    ];
    let f = fibonacci();
    let layout = Layout { msm: MsmCode::Loop, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers };
    let g = generate_with(&f.vk, layout).unwrap();
    assert!(!g.helpers.is_empty());
    for h in &g.helpers {
        let code = &h.runtime;
        let mut pc = 0;
        while pc < code.len() {
            let op = code[pc];
            if op == 0xfe {
                break;
            }
            if let Some((_, name)) = FORBIDDEN.iter().find(|(o, _)| *o == op) {
                panic!("{}: {name} at byte {pc}", h.name);
            }
            pc += 1 + if (0x60..=0x7f).contains(&op) { (op - 0x5f) as usize } else { 0 };
        }
        // A constraint helper has no data section: the walk must have read all of it.
        if matches!(h.role, HelperRole::Constraints { .. }) {
            assert_eq!(pc, code.len(), "{}: stopped at byte {pc} of {}", h.name, code.len());
        }
    }
}
