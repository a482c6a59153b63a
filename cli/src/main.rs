//! `rebuttal`: the command-line front end of the rebuttal prover.
//!
//! Subcommands land as their capabilities do:
//! - `prove`: re-execute a block, prove what today's circuits cover (its keccak256
//!   computations), verify the proof, write it with its key and Solidity verifier;
//! - `verify`: check a written proof;
//! - `verifier`: the Solidity verifier of a verifying key, and `verifyProof` call data;
//! - `stats`: circuit statistics;
//! - `trace`: re-execute a block and check its witness.

mod files;
mod prove;
mod source;
mod stats;
mod trace;
mod verifier;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A zero-knowledge prover for EVM state transitions.
#[derive(Parser, Debug)]
#[command(name = "rebuttal", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Re-execute a block (embedded default, state test, or JSON-RPC node), prove what today's
    /// circuits cover, verify the proof and write it with its verifying key and Solidity
    /// verifier.
    Prove(prove::ProveArgs),
    /// Verify a proof written by `prove`.
    Verify(verify::VerifyArgs),
    /// Write the Solidity verifier of a verifying key (and `verifyProof` call data).
    Verifier(verifier::VerifierArgs),
    /// Print a circuit's statistics: columns, gates, degree, lookups, committed cells.
    Stats(stats::StatsArgs),
    /// Re-execute a block (embedded default, state test, or JSON-RPC node), record its witness
    /// and print a summary with the result of every self-check.
    Trace(trace::TraceArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Prove(args) => prove::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Verifier(args) => verifier::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Trace(args) => trace::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
