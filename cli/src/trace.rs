//! `rebuttal trace`: re-execute a block from any source, record its witness and print a summary.

use std::path::PathBuf;
use std::time::Instant;

use rebuttal_witness::{WitnessSummary, codec};

use crate::source::SourceArgs;

/// Arguments of `rebuttal trace`. With no source option, traces the embedded default block.
#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Write the witness as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write the witness in the compact binary form to this file.
    #[arg(long, value_name = "OUT")]
    pub binary: Option<PathBuf>,
    /// Write the block input (header, transactions, pre-state) as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub input_json: Option<PathBuf>,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub summary_json: bool,
}

/// Runs `rebuttal trace`: prints one summary per traced block; fails if a self-check fails.
pub fn run(args: &TraceArgs) -> Result<(), Box<dyn std::error::Error>> {
    let inputs = args.source.load()?;
    if inputs.len() > 1 && (args.json.is_some() || args.binary.is_some() || args.input_json.is_some()) {
        return Err(format!("{} cases selected: pick one with --index to write files", inputs.len()).into());
    }
    let mut failed = 0;
    for input in &inputs {
        if let Some(p) = &args.input_json {
            std::fs::write(p, serde_json::to_string_pretty(input)?)?;
        }
        let start = Instant::now();
        let result = rebuttal_witness::trace(input);
        let elapsed = start.elapsed();
        let w = match result {
            Ok(w) => w,
            Err(rebuttal_witness::WitnessError::InvalidTransaction { reason, .. }) if input.expected.invalid_tx => {
                println!("{}: transaction rejected as expected ({reason})\n", input.source);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let summary = WitnessSummary::of(&w);
        if args.summary_json {
            println!("{}", serde_json::to_string_pretty(&summary)?);
        } else {
            println!("{summary}traced in:        {:.3} s\n", elapsed.as_secs_f64());
        }
        if let Some(p) = &args.json {
            std::fs::write(p, codec::to_json(&w)?)?;
        }
        if let Some(p) = &args.binary {
            std::fs::write(p, codec::to_binary(&w)?)?;
        }
        if !summary.checks_pass {
            failed += 1;
        }
    }
    if failed > 0 {
        return Err(format!("self-checks failed for {failed} of {} block(s)", inputs.len()).into());
    }
    Ok(())
}
