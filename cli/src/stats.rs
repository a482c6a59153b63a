//! `rebuttal stats`: circuit statistics (columns by kind, gates, degree, lookups, committed
//! cells) for researchers comparing designs.

use rebuttal_circuits::keccak::{MAX_CHUNK_BITS, MIN_CHUNK_BITS, choose_shape, keccak_stats};

/// Arguments of `rebuttal stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[command(subcommand)]
    pub circuit: StatsCircuit,
}

/// Circuits with statistics.
#[derive(clap::Subcommand, Debug)]
pub enum StatsCircuit {
    /// The keccak circuit.
    Keccak {
        /// log2 of the rows (default: the smallest domain for --permutations).
        #[arg(long)]
        k: Option<u32>,
        /// Digits per lookup chunk (default: the cheapest for the domain).
        #[arg(long)]
        chunk_bits: Option<usize>,
        /// Size the circuit for this many keccak-f when --k is not given.
        #[arg(long, default_value_t = 1)]
        permutations: usize,
    },
}

/// Runs `rebuttal stats`.
pub fn run(args: &StatsArgs) -> Result<(), Box<dyn std::error::Error>> {
    match &args.circuit {
        StatsCircuit::Keccak { k, chunk_bits, permutations } => {
            let (default_bits, default_k) = choose_shape(*permutations)?;
            let k = k.unwrap_or(default_k);
            let bits = match chunk_bits {
                Some(b) => *b,
                None if k == default_k => default_bits,
                None => (MIN_CHUNK_BITS..=MAX_CHUNK_BITS)
                    .filter_map(|b| keccak_stats(b, k).ok().map(|s| (b, s)))
                    .max_by_key(|(_, s)| s.permutations)
                    .map(|(b, _)| b)
                    .ok_or_else(|| format!("no chunk size fits the keccak circuit in 2^{k} rows"))?,
            };
            print!("{}", keccak_stats(bits, k)?);
            Ok(())
        }
    }
}
