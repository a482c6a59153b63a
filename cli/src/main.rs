//! `rebuttal`: the command-line front end of the rebuttal prover.
//!
//! Subcommands land as their capabilities do. Today: `trace` (re-execute a block and check its
//! witness). Proving, verifying and verifier generation are not implemented yet and are absent
//! rather than stubbed.

mod trace;

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
