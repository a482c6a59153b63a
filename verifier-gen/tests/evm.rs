//! The generated verifiers compiled with solc-js and executed in revm: valid proofs of every
//! feature circuit are accepted; malformed and invalid ones are rejected with the same reason
//! the Rust verifier gives. Each feature circuit also with a packed key
//! (`KeygenConfig::packing`), and their gas next to the plain keys'.

mod common;

use std::sync::OnceLock;

use common::*;
use ff::Field;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rebuttal_prover::arith::{Fr, G1, G1Affine};
use rebuttal_prover::encoding::{EncodingError, g1_to_bytes};
use rebuttal_prover::plonk::{VerifyError, verify};
use rebuttal_verifier_gen::{RevertReason, encode_calldata, flatten_instances};
use revm::primitives::Address;

/// r and q, big-endian.
const R_BE: [u8; 32] = hex32("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
const Q_BE: [u8; 32] = hex32("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let hi = (b[2 * i] as char).to_digit(16).unwrap() as u8;
        let lo = (b[2 * i + 1] as char).to_digit(16).unwrap() as u8;
        out[i] = hi * 16 + lo;
        i += 1;
    }
    out
}

/// Every feature circuit with its compiled verifier.
fn compiled() -> &'static [(Fixture, Compiled)] {
    static ALL: OnceLock<Vec<(Fixture, Compiled)>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            fibonacci(),
            range_check(),
            memory(),
            rlc(),
            product(),
            lookup_batches(),
            lookup_pairs(),
            fibonacci_zk(),
            memory_zk(),
            rlc_zk(),
            wide_public(),
            fibonacci_packed(),
            range_check_packed(),
            memory_packed(),
            rlc_packed(),
            product_packed(),
            lookup_batches_packed(),
            lookup_pairs_packed(),
            memory_zk_packed(),
            wide_public_packed(),
        ]
        .into_iter()
        .map(|f| {
            let c = compile_verifier(&f.generated);
            (f, c)
        })
        .collect()
    })
}

fn by_name(name: &str) -> &'static (Fixture, Compiled) {
    compiled().iter().find(|(f, _)| f.name == name).expect("fixture")
}

/// A deployed verifier.
struct Deployed {
    evm: Evm,
    at: Address,
}

fn deploy(c: &Compiled) -> Deployed {
    let mut evm = Evm::new();
    let at = evm.deploy(&c.creation);
    Deployed { evm, at }
}

impl Deployed {
    fn run(&mut self, calldata: &[u8]) -> Result<(), Option<RevertReason>> {
        match self.evm.call(self.at, calldata).0 {
            o if o.accepted() => Ok(()),
            Outcome::Reverted(data) => Err(RevertReason::from_revert_data(&data)),
            Outcome::Returned(data) => panic!("the verifier returned {data:?} instead of true or reverting"),
            Outcome::Halted(reason) => panic!("the verifier halted: {reason}"),
        }
    }

    fn verify(&mut self, proof: &[u8], instances: &[Vec<Fr>]) -> Result<(), Option<RevertReason>> {
        self.run(&encode_calldata(proof, instances))
    }
}

/// Runs both verifiers and asserts they agree, down to the reason; returns the Rust result.
fn agree(f: &Fixture, d: &mut Deployed, proof: &[u8], instances: &[Vec<Fr>], case: &str) -> Result<(), VerifyError> {
    let rust = verify(&f.vk, instances, proof);
    let evm = d.verify(proof, instances);
    match (&rust, &evm) {
        (Ok(()), Ok(())) => {}
        (Err(e), Err(Some(reason))) => {
            assert_eq!(*reason, expected_reason(e), "{}: {case}: Rust says {e}, the contract {reason:?}", f.name)
        }
        _ => panic!("{}: {case}: Rust verifier {rust:?}, contract {evm:?}", f.name),
    }
    rust
}

/// Byte ranges of every proof element: `(offset, length, is_point)`.
fn elements(f: &Fixture) -> Vec<(usize, usize, bool)> {
    let points_before = f.generated.proof_commitments - 2;
    let evals = (f.proof.len() - 64 * f.generated.proof_commitments) / 32;
    let mut out: Vec<(usize, usize, bool)> = (0..points_before).map(|i| (64 * i, 64, true)).collect();
    let e0 = 64 * points_before;
    out.extend((0..evals).map(|i| (e0 + 32 * i, 32, false)));
    let w = e0 + 32 * evals;
    out.push((w, 64, true));
    out.push((w + 64, 64, true));
    out
}

#[test]
fn every_feature_circuit_is_accepted_and_fits_eip170() {
    println!(
        "| circuit | proof commitments | VK commitments | proof bytes | deployed bytes | gas total | execution | calldata |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (f, c) in compiled() {
        assert!(
            c.deployed.len() <= EIP170_LIMIT,
            "{}: deployed verifier is {} bytes, over EIP-170's {EIP170_LIMIT}",
            f.name,
            c.deployed.len()
        );
        assert_eq!(f.generated.proof_len, f.proof.len());
        let mut d = deploy(c);
        let data = encode_calldata(&f.proof, &f.instances);
        let (outcome, gas) = d.evm.call(d.at, &data);
        assert!(outcome.accepted(), "{}: valid proof rejected: {outcome:?}", f.name);
        let cd_gas = calldata_gas(&data);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            f.name,
            f.generated.proof_commitments,
            f.generated.vk_commitments,
            f.proof.len(),
            c.deployed.len(),
            gas,
            gas - 21_000 - cd_gas,
            cd_gas
        );
    }
}

/// The packed fixtures: every commitment of theirs is a pack (or a polynomial of its own).
const PACKED_NAMES: [&str; 9] = [
    "fibonacci_packed",
    "range_check_packed",
    "memory_packed",
    "rlc_packed",
    "product_packed",
    "lookup_batches_packed",
    "lookup_pairs_packed",
    "memory_zk_packed",
    "wide_public_packed",
];

#[test]
fn each_proof_element_tampered_is_rejected_for_the_same_reason() {
    let plain = ["fibonacci", "memory", "rlc", "lookup_batches", "memory_zk", "rlc_zk"];
    for name in plain.into_iter().chain(PACKED_NAMES) {
        let (f, c) = by_name(name);
        let mut d = deploy(c);
        for (off, len, is_point) in elements(f) {
            // A flipped low bit of the last byte, and of a byte in the middle.
            for at in [off + len - 1, off + len / 2 - 5] {
                let mut p = f.proof.clone();
                p[at] ^= 1;
                assert!(agree(f, &mut d, &p, &f.instances, &format!("bit flip at {at}")).is_err());
            }
            // Not canonical: the value itself plus the modulus (or all ones).
            let modulus = if is_point { Q_BE } else { R_BE };
            let mut p = f.proof.clone();
            p[off..off + 32].copy_from_slice(&add_be(&f.proof[off..off + 32], &modulus));
            let e = agree(f, &mut d, &p, &f.instances, &format!("element at {off} plus the modulus"));
            let want = if is_point { EncodingError::NonCanonicalCoordinate } else { EncodingError::NonCanonicalScalar };
            assert!(matches!(e, Err(VerifyError::Malformed { source, .. }) if source == want), "{name} {off}: {e:?}");
            if is_point {
                // Off the curve: y + 1.
                let mut p = f.proof.clone();
                let y = add_be(&f.proof[off + 32..off + 64], &{
                    let mut one = [0u8; 32];
                    one[31] = 1;
                    one
                });
                p[off + 32..off + 64].copy_from_slice(&y);
                let e = agree(f, &mut d, &p, &f.instances, &format!("point at {off} off the curve"));
                assert!(matches!(e, Err(VerifyError::Malformed { source: EncodingError::NotOnCurve, .. })));
                // The identity decodes (as in the Rust verifier) but the proof fails, unless the
                // point is the identity already (an all-zero column, as in wide_public's).
                let mut p = f.proof.clone();
                p[off..off + 64].fill(0);
                let e = agree(f, &mut d, &p, &f.instances, &format!("identity at {off}"));
                if p == f.proof {
                    assert_eq!(e, Ok(()));
                } else {
                    assert!(
                        matches!(e, Err(VerifyError::ConstraintsNotSatisfied | VerifyError::OpeningFailed)),
                        "{name}: the identity at {off}: {e:?}"
                    );
                }
            }
        }
    }
}

/// `a + b` on 32-byte big-endian numbers, saturating at 2^256 − 1.
fn add_be(a: &[u8], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let s = a[i] as u16 + b[i] as u16 + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    if carry > 0 { [0xff; 32] } else { out }
}

#[test]
fn instances_and_call_data_are_checked() {
    let (f, c) = by_name("fibonacci");
    let mut d = deploy(c);
    // A changed public input.
    let mut wrong = f.instances.clone();
    wrong[0][2] += Fr::ONE;
    assert_eq!(agree(f, &mut d, &f.proof, &wrong, "changed instance"), Err(VerifyError::ConstraintsNotSatisfied));
    // Too many instance values for the usable rows; a missing column.
    let usable = f.vk.extended().cs.usable_rows(f.vk.k());
    let long = vec![vec![Fr::ONE; usable + 1]];
    assert!(matches!(agree(f, &mut d, &f.proof, &long, "too long"), Err(VerifyError::InstanceTooLong { .. })));
    // Truncated and extended proofs (each still a valid ABI encoding).
    let e = agree(f, &mut d, &f.proof[..f.proof.len() - 32], &f.instances, "truncated proof");
    assert!(matches!(e, Err(VerifyError::ProofLength { .. })));
    let mut longer = f.proof.clone();
    longer.extend_from_slice(&[0u8; 32]);
    assert!(matches!(agree(f, &mut d, &longer, &f.instances, "extended proof"), Err(VerifyError::ProofLength { .. })));
    // Truncated and extended call data.
    let data = encode_calldata(&f.proof, &f.instances);
    for cut in [1, 31, 32, data.len() - 4] {
        assert!(d.run(&data[..data.len() - cut]).is_err(), "call data shortened by {cut} accepted");
    }
    for extra in [1usize, 32] {
        let mut more = data.clone();
        more.extend(std::iter::repeat_n(0u8, extra));
        assert_eq!(d.run(&more), Err(Some(RevertReason::CalldataMalformed)), "{extra} bytes appended");
    }
    // A non-canonical ABI offset.
    let mut moved = data.clone();
    moved[4 + 31] = 0x60;
    assert!(d.run(&moved).is_err());
    // An instance value ≥ r (the Rust API cannot even express it).
    let mut big = data.clone();
    let last = big.len() - 32;
    big[last..].copy_from_slice(&R_BE);
    assert_eq!(d.run(&big), Err(Some(RevertReason::InstanceNotCanonical)));

    // Two instance columns: lengths first, then values.
    let (m, mc) = by_name("memory");
    let mut d = deploy(mc);
    agree(m, &mut d, &m.proof, &m.instances, "valid").unwrap();
    let mut wrong = m.instances.clone();
    wrong[1][3] = Fr::from(12345u64);
    assert!(agree(m, &mut d, &m.proof, &wrong, "changed second column").is_err());
    let missing = vec![m.instances[0].clone()];
    assert!(matches!(agree(m, &mut d, &m.proof, &missing, "one column"), Err(VerifyError::InstanceCount { .. })));
    // Lengths that do not add up to the values given.
    let mut flat = flatten_instances(&m.instances);
    flat[0] += Fr::ONE;
    let data = encode_flat(&m.proof, &flat);
    assert_eq!(d.run(&data), Err(Some(RevertReason::InstanceCount)));
}

#[test]
fn a_batched_lookup_input_missing_from_the_table_is_rejected_like_the_rust_verifier() {
    use rebuttal_prover::backend::CpuBackend;
    use rebuttal_prover::plonk::{keygen, prove};
    use rebuttal_prover::srs::Srs;
    use rebuttal_prover::testing::LookupBatches;
    let (f, c) = by_name("lookup_batches");
    let mut d = deploy(c);
    // Lookups 1 (in the running-sum step), 2 (a helper alone), 4 (second of two), 7 (third of
    // three): the honest prover's proof of the bad witness.
    for lookup in [1, 2, 4, 7] {
        let mut bad = LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]);
        bad.overrides.push((lookup, 11, 999));
        let pk = keygen(&Srs::unsafe_setup(9, 7).unwrap(), &bad, 9, &CpuBackend).unwrap();
        assert_eq!(pk.vk().digest(), f.vk.digest());
        let proof = prove(&pk, &bad, &CpuBackend).unwrap();
        let e = agree(f, &mut d, &proof, &[], &format!("lookup {lookup} missing from the table"));
        assert_eq!(e, Err(VerifyError::ConstraintsNotSatisfied));
    }
}

/// Call data with an already flattened `instances` array.
fn encode_flat(proof: &[u8], flat: &[Fr]) -> Vec<u8> {
    // A single column is passed through as is.
    encode_calldata(proof, &[flat.to_vec()])
}

#[test]
fn a_proof_for_another_verifying_key_is_rejected() {
    use rebuttal_prover::testing::Fibonacci;
    let (f, _) = by_name("fibonacci");
    // Same shape, other fixed columns: same proof length, other digest.
    let other = common::fixture_of("fibonacci (8 steps)", &Fibonacci { start: (1, 2), steps: 8, claim: None }, 5);
    assert_ne!(other.vk.digest(), f.vk.digest());
    let c = compile_verifier(&other.generated);
    let mut d = deploy(&c);
    let e = agree(&other, &mut d, &f.proof, &f.instances, "proof of another key");
    assert!(matches!(e, Err(VerifyError::ConstraintsNotSatisfied | VerifyError::OpeningFailed)));
}

#[test]
fn rust_and_solidity_agree_on_a_corpus_of_mutated_proofs() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x5eed);
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut cases = 0;
    let plain = ["fibonacci", "memory", "rlc", "range_check", "lookup_batches", "lookup_pairs"];
    let packed = ["fibonacci_packed", "memory_packed", "rlc_packed", "lookup_batches_packed", "memory_zk_packed"];
    for name in plain.into_iter().chain(packed) {
        let (f, c) = by_name(name);
        let mut d = deploy(c);
        let elems = elements(f);
        for i in 0..60 {
            let mut p = f.proof.clone();
            let (off, len, is_point) = elems[rng.next_u32() as usize % elems.len()];
            match i % 6 {
                // One to three random bit flips anywhere.
                0 => {
                    for _ in 0..=(rng.next_u32() % 3) {
                        let at = rng.next_u32() as usize % p.len();
                        p[at] ^= 1 << (rng.next_u32() % 8);
                    }
                }
                // A random 32-byte word.
                1 => rng.fill_bytes(&mut p[off..off + 32]),
                // Another valid point or another scalar below r.
                2 if is_point => {
                    let q = G1Affine::from(G1::generator() * Fr::from(rng.next_u64()));
                    p[off..off + 64].copy_from_slice(&g1_to_bytes(&q));
                }
                2 => {
                    p[off..off + 32].copy_from_slice(&rebuttal_prover::encoding::fr_to_bytes(&Fr::from(rng.next_u64())))
                }
                // Two elements of the same kind swapped.
                3 => {
                    let same: Vec<_> = elems.iter().filter(|e| e.2 == is_point && e.0 != off).collect();
                    if let Some(&&(o2, _, _)) = same.get(rng.next_u32() as usize % same.len().max(1)) {
                        let (a, b) = (f.proof[off..off + len].to_vec(), f.proof[o2..o2 + len].to_vec());
                        p[off..off + len].copy_from_slice(&b);
                        p[o2..o2 + len].copy_from_slice(&a);
                    }
                }
                // A word at or just above the modulus.
                4 => {
                    let m = if is_point { Q_BE } else { R_BE };
                    let mut v = [0u8; 32];
                    v[31] = (rng.next_u32() % 4) as u8;
                    p[off..off + 32].copy_from_slice(&add_be(&v, &m));
                }
                // The identity, or a changed instance.
                _ => {
                    if is_point {
                        p[off..off + 64].fill(0);
                    } else if !f.instances.is_empty() && !f.instances[0].is_empty() {
                        let mut inst = f.instances.clone();
                        let j = rng.next_u32() as usize % inst[0].len();
                        inst[0][j] += Fr::ONE;
                        let r = agree(f, &mut d, &f.proof, &inst, "changed instance");
                        let key =
                            r.as_ref().map_or_else(|e| format!("{:?}", expected_reason(e)), |_| "accepted".into());
                        assert!(r.is_err(), "{name}: a changed instance was accepted");
                        *counts.entry(key).or_default() += 1;
                        cases += 1;
                        continue;
                    } else {
                        p[off] ^= 0x80;
                    }
                }
            }
            let r = agree(f, &mut d, &p, &f.instances, &format!("case {i} of {name}"));
            let key = match &r {
                Ok(()) => "accepted (mutation was a no-op)".to_string(),
                Err(e) => format!("{:?}", expected_reason(e)),
            };
            if r.is_ok() {
                assert_eq!(p, f.proof, "{name} case {i}: a changed proof was accepted");
            }
            *counts.entry(key).or_default() += 1;
            cases += 1;
        }
    }
    println!("{cases} mutated proofs: {counts:#?}");
    assert!(cases >= 600);
}

#[test]
fn with_the_key_in_a_separate_contract_the_verifier_agrees_too() {
    use rebuttal_verifier_gen::{KeyPlacement, generate_with};
    for name in ["memory", "rlc"] {
        let (f, _) = by_name(name);
        let generated = generate_with(&f.vk, KeyPlacement::Separate).unwrap();
        assert!(generated.key_contract_name.is_some());
        let c = compile_verifier(&generated);
        let mut d = deploy(&c);
        agree(f, &mut d, &f.proof, &f.instances, "valid proof, separate key").unwrap();
        for (off, len, _) in elements(f) {
            let mut p = f.proof.clone();
            p[off + len - 1] ^= 1;
            assert!(agree(f, &mut d, &p, &f.instances, &format!("separate key, flip at {off}")).is_err());
        }
        // The key contract is bound to the verifier: its address is the verifier's first CREATE.
        let key_address = d.at.create(1);
        let (outcome, _) = d.evm.call(key_address, &[0u8; 32]);
        assert!(
            matches!(outcome, Outcome::Reverted(_)),
            "the key contract answers wrong-length call data with a revert"
        );
    }
}

#[test]
fn every_layout_agrees_with_the_rust_verifier() {
    use rebuttal_verifier_gen::{ConstraintPlacement, KeyPlacement, Layout, MsmCode, generate_with};
    // The loop form and the helper contracts, forced on small circuits: lookups and two instance
    // columns (memory), three phases with challenges and zero-knowledge pieces (rlc_zk).
    let layouts = [
        Layout { msm: MsmCode::Loop, key: KeyPlacement::Inline, constraints: ConstraintPlacement::Inline },
        Layout { msm: MsmCode::Loop, key: KeyPlacement::Separate, constraints: ConstraintPlacement::Helpers },
        Layout { msm: MsmCode::Loop, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers },
        Layout { msm: MsmCode::StraightLine, key: KeyPlacement::Helpers, constraints: ConstraintPlacement::Helpers },
    ];
    for name in ["memory", "rlc_zk"] {
        let (f, _) = by_name(name);
        for layout in layouts {
            let generated = generate_with(&f.vk, layout).unwrap();
            let c = compile_verifier(&generated);
            let mut evm = Evm::new();
            let at = evm.deploy_verifier(&generated, &c);
            let mut d = Deployed { evm, at };
            let case = |what: &str| format!("{layout:?}: {what}");
            agree(f, &mut d, &f.proof, &f.instances, &case("valid")).unwrap();
            for (off, len, _) in elements(f) {
                let mut p = f.proof.clone();
                p[off + len - 1] ^= 1;
                assert!(agree(f, &mut d, &p, &f.instances, &case(&format!("flip at {off}"))).is_err());
            }
            if let Some(column) = f.instances.iter().position(|c| !c.is_empty()) {
                let mut wrong = f.instances.clone();
                wrong[column][0] += Fr::ONE;
                assert!(agree(f, &mut d, &f.proof, &wrong, &case("changed instance")).is_err());
            }
        }
    }
}

/// Verification gas of the packed keys (`KeygenConfig::packing` = 8) next to the plain keys of
/// the same circuits, as BENCHMARKS.md tabulates it: execution = total − 21,000 − call data
/// (EIP-2028). The gas target: under 300,000 in all for a circuit whose plain proof has about
/// 20 commitments and one instance column ([`WIDE_PUBLIC`]).
#[test]
fn packed_keys_verify_for_less_gas() {
    println!(
        "| circuit | key | proof commitments | VK commitments | proof bytes | deployed bytes | gas total | execution | call data |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let gas = |name: &str| -> u64 {
        let (f, c) = by_name(name);
        let mut d = deploy(c);
        let data = encode_calldata(&f.proof, &f.instances);
        let (outcome, gas) = d.evm.call(d.at, &data);
        assert!(outcome.accepted(), "{name}: valid proof rejected: {outcome:?}");
        let cd = calldata_gas(&data);
        let key = if f.vk.packing() > 1 { format!("packed ({})", f.vk.packing()) } else { "plain".into() };
        println!(
            "| {} | {key} | {} | {} | {} | {} | {gas} | {} | {cd} |",
            name.trim_end_matches("_packed"),
            f.generated.proof_commitments,
            f.generated.vk_commitments,
            f.proof.len(),
            c.deployed.len(),
            gas - 21_000 - cd
        );
        gas
    };
    for packed in PACKED_NAMES {
        let plain = packed.strip_suffix("_packed").expect("a packed fixture's name");
        let (plain_gas, packed_gas) = (gas(plain), gas(packed));
        let (p, q) = (&by_name(plain).0, &by_name(packed).0);
        let saved = p.generated.proof_commitments - q.generated.proof_commitments;
        assert!(saved > 0, "{packed}: no commitment saved");
        // The same evaluations: the proof is shorter by the commitments saved.
        assert_eq!(p.proof.len() - q.proof.len(), 64 * saved, "{packed}");
        assert!(packed_gas < plain_gas, "{packed}: {packed_gas} gas, plain {plain_gas}");
        if packed == "wide_public_packed" {
            assert_eq!(q.instances.len(), 1);
            assert!((19..=23).contains(&p.generated.proof_commitments), "{}", p.generated.proof_commitments);
            assert!(packed_gas < 300_000, "the packed ~20-commitment circuit verifies for {packed_gas} gas");
        }
    }
}

/// Packed keys in every kind of layout, forced: the loop form (`packRun`, `keyPackRun`: one
/// MSM term per pack, its members folded by Horner's rule in u) with the key inline, in the key
/// contract and in key helpers, the constraints inline and in helpers; and the straight-line
/// form with the key and the constraints moved out. On two instance columns and zero-knowledge
/// (memory_zk_packed), three phases with challenges (rlc_packed), and key packs and several
/// rounds' packs with one instance column (wide_public_packed, the loop form only), every proof
/// element flipped.
#[test]
fn packed_keys_in_every_layout_agree_with_the_rust_verifier() {
    use rebuttal_verifier_gen::{ConstraintPlacement, KeyPlacement, Layout, MsmCode, generate_with};
    let layout = |msm, key, constraints| Layout { msm, key, constraints };
    let (loop_form, straight) = (MsmCode::Loop, MsmCode::StraightLine);
    let (inline, contract, helpers) = (KeyPlacement::Inline, KeyPlacement::Separate, KeyPlacement::Helpers);
    let (here, out) = (ConstraintPlacement::Inline, ConstraintPlacement::Helpers);
    let loops = [
        layout(loop_form, inline, here),
        layout(loop_form, contract, out),
        layout(loop_form, helpers, here),
        layout(loop_form, helpers, out),
    ];
    let straight_lines = [
        layout(straight, contract, here),
        layout(straight, contract, out),
        layout(straight, helpers, here),
        layout(straight, helpers, out),
    ];
    for name in ["memory_zk_packed", "rlc_packed", "wide_public_packed"] {
        let (f, _) = by_name(name);
        let straight_lines = if name == "wide_public_packed" { &[][..] } else { &straight_lines[..] };
        for &layout in loops.iter().chain(straight_lines) {
            let generated = generate_with(&f.vk, layout).unwrap();
            let c = compile_verifier(&generated);
            let mut evm = Evm::new();
            let at = evm.deploy_verifier(&generated, &c);
            let mut d = Deployed { evm, at };
            let case = |what: &str| format!("{layout}: {what}");
            agree(f, &mut d, &f.proof, &f.instances, &case("valid")).unwrap();
            for (off, len, _) in elements(f) {
                let mut p = f.proof.clone();
                p[off + len - 1] ^= 1;
                assert!(agree(f, &mut d, &p, &f.instances, &case(&format!("flip at {off}"))).is_err());
            }
        }
    }
}

#[test]
fn a_packed_proof_and_a_plain_one_are_each_rejected_by_the_other_key() {
    for (plain, packed) in [("memory", "memory_packed"), ("lookup_batches", "lookup_batches_packed")] {
        let ((p, pc), (q, qc)) = (by_name(plain), by_name(packed));
        let e = agree(p, &mut deploy(pc), &q.proof, &q.instances, "packed proof, plain key");
        assert!(matches!(e, Err(VerifyError::ProofLength { .. })), "{plain}: {e:?}");
        let e = agree(q, &mut deploy(qc), &p.proof, &p.instances, "plain proof, packed key");
        assert!(matches!(e, Err(VerifyError::ProofLength { .. })), "{packed}: {e:?}");
    }
}

/// Claims that keep the quotient identity at x but not the opening (quotient pieces i and i + 1
/// shifted against each other, the opening made honestly for the shifted claims): only the
/// SHPLONK check can catch them, and the generated verifier must, plain and packed, in the
/// layout `generate` picks. The honest proof of the same key is the control.
#[test]
fn claims_that_keep_the_quotient_identity_fail_the_opening_in_solidity() {
    use rebuttal_prover::backend::CpuBackend;
    use rebuttal_prover::circuit::Circuit;
    use rebuttal_prover::plonk::{KeygenConfig, keygen_with_config, prove};
    use rebuttal_prover::srs::Srs;
    use rebuttal_prover::testing::{LookupBatches, prove_with_forged_evaluations, shift_between_quotient_pieces};
    use rebuttal_verifier_gen::{ConstraintPlacement, KeyPlacement, Layout, MsmCode, generate, generate_with};

    // Degree 5: four quotient pieces, packed into one commitment with packing 8.
    let circuit = LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]);
    let k = 9;
    let instances = circuit.instances();
    for packing in [1, 8] {
        let config = KeygenConfig { zero_knowledge: false, packing };
        let pk = keygen_with_config(&Srs::unsafe_setup(k + 3, 7).unwrap(), &circuit, k, &CpuBackend, config).unwrap();
        let honest = prove(&pk, &circuit, &CpuBackend).unwrap();
        let forged: Vec<Vec<u8>> = (0..3)
            .map(|i| {
                let forge = |shape: &_, x, values: &mut [Fr]| {
                    shift_between_quotient_pieces(shape, x, values, i, Fr::from(5u64), 1 << k)
                };
                prove_with_forged_evaluations(&pk, &circuit, &forge).unwrap()
            })
            .collect();
        // The layout `generate` picks (straight-line here) and the loop form.
        let looped = Layout { msm: MsmCode::Loop, key: KeyPlacement::Inline, constraints: ConstraintPlacement::Inline };
        for generated in [generate(pk.vk()).unwrap(), generate_with(pk.vk(), looped).unwrap()] {
            let layout = generated.layout;
            let compiled = compile_verifier(&generated);
            let mut evm = Evm::new();
            let at = evm.deploy_verifier(&generated, &compiled);
            assert_eq!(run_verifier(&mut evm, at, &honest, &instances), Ok(()), "packing {packing}, {layout}: control");
            for (i, proof) in forged.iter().enumerate() {
                assert_eq!(
                    verify(pk.vk(), &instances, proof),
                    Err(VerifyError::OpeningFailed),
                    "packing {packing}, {i}"
                );
                assert_eq!(
                    run_verifier(&mut evm, at, proof, &instances),
                    Err(Some(RevertReason::OpeningFailed)),
                    "packing {packing}, {layout}: pieces {i} and {}",
                    i + 1
                );
            }
        }
    }
}

/// Packings other than 8 (more pack sizes per rotation, so more `(t, rotation)` labels, other
/// `u^t` chains and Horner lengths): in the layout `generate` picks and in the loop form, the
/// honest proof is accepted and every element's flip gets the Rust verifier's reason.
#[test]
fn other_packings_agree_with_the_rust_verifier_in_both_msm_forms() {
    use rebuttal_prover::plonk::KeygenConfig;
    use rebuttal_prover::testing::LookupBatches;
    use rebuttal_verifier_gen::{ConstraintPlacement, KeyPlacement, Layout, MsmCode, generate_with};
    let looped = Layout { msm: MsmCode::Loop, key: KeyPlacement::Inline, constraints: ConstraintPlacement::Inline };
    let packed = |packing| KeygenConfig { zero_knowledge: false, packing };
    let fixtures = [
        fixture_with("wide_public_packed_3", &WIDE_PUBLIC, 6, packed(3)),
        fixture_with("lookup_batches_packed_2", &LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1]), 9, packed(2)),
    ];
    for f in &fixtures {
        for generated in [f.generated.clone(), generate_with(&f.vk, looped).unwrap()] {
            let layout = generated.layout;
            let c = compile_verifier(&generated);
            let mut evm = Evm::new();
            let at = evm.deploy_verifier(&generated, &c);
            let mut d = Deployed { evm, at };
            let case = |what: &str| format!("{}, {layout}: {what}", f.name);
            agree(f, &mut d, &f.proof, &f.instances, &case("valid")).unwrap();
            for (off, len, _) in elements(f) {
                let mut p = f.proof.clone();
                p[off + len - 1] ^= 1;
                assert!(agree(f, &mut d, &p, &f.instances, &case(&format!("flip at {off}"))).is_err());
            }
        }
    }
}
