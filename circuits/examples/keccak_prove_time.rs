//! Single-shot timing of the keccak circuit with every region a keccak-f of a random 100-byte
//! input: witness generation, keygen, proof and verification on the CPU backend:
//! `cargo run --release -p rebuttal-circuits --example keccak_prove_time -- CHUNK_BITS K [COPY_BYTES]`
//! (`COPY_BYTES`: the quotient's copy budget, `QuotientMemory::Bytes`; `0` moves every column in
//! place; default `QuotientMemory::Auto`).
//! (The criterion benchmark is `benches/benches/keccak.rs`; this is a quick look.)

use std::time::Instant;

use rebuttal_circuits::keccak::{KeccakCircuit, capacity};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::backend::CpuBackend;
use rebuttal_prover::circuit::Circuit;
use rebuttal_prover::circuit::{Layout, Phase, assign_advice_phase};
use rebuttal_prover::plonk::{ProveOptions, QuotientMemory, keygen, prove_with_options, verify};
use rebuttal_prover::srs::Srs;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let chunk_bits: usize = args.get(1).map_or(Ok(3), |s| s.parse())?;
    let k: u32 = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let quotient_memory = match args.get(3) {
        Some(bytes) => QuotientMemory::Bytes(bytes.parse()?),
        None => QuotientMemory::Auto,
    };
    let permutations = capacity(chunk_bits, k)?;
    let inputs: Vec<Vec<u8>> = (0..permutations).map(|i| (0..100).map(|j| (i * 31 + j * 7) as u8).collect()).collect();
    let circuit = KeccakCircuit::with_shape(inputs, chunk_bits, k)?;
    println!("{permutations} keccak-f, {chunk_bits}-bit chunks, k = {k}, quotient memory {quotient_memory:?}");
    let t = Instant::now();
    let layout = Layout::new(&circuit, k)?;
    let challenges = vec![Fr::from(7u64); layout.cs.num_challenges()];
    let mut advice = layout.empty_advice();
    let fixed_time = t.elapsed();
    let t = Instant::now();
    for phase in Phase::ALL {
        assign_advice_phase(&circuit, &layout, phase, &challenges, &mut advice)?;
    }
    println!("layout  {fixed_time:?} (fixed columns), witness {:?}", t.elapsed());
    drop(advice);
    let t = Instant::now();
    let srs = Srs::unsafe_setup(k, 1)?;
    println!("setup   {:?}", t.elapsed());
    let t = Instant::now();
    let pk = keygen(&srs, &circuit, k, &CpuBackend)?;
    println!("keygen  {:?}", t.elapsed());
    let t = Instant::now();
    let options = ProveOptions { quotient_memory };
    let proof = prove_with_options(&pk, &circuit, &CpuBackend, &mut rand::rngs::OsRng, &options)?;
    let prove_time = t.elapsed();
    println!(
        "prove   {prove_time:?} ({} bytes): {:.3} keccak-f/s",
        proof.len(),
        permutations as f64 / prove_time.as_secs_f64()
    );
    let t = Instant::now();
    verify(pk.vk(), &circuit.instances(), &proof)?;
    println!("verify  {:?}", t.elapsed());
    Ok(())
}
