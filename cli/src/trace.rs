//! `rebuttal trace`: re-execute a block from any source, record its witness and print a summary.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rebuttal_witness::source::{embedded, rpc, state_test};
use rebuttal_witness::{BlockInput, WitnessSummary, codec};

/// Arguments of `rebuttal trace`. With no source option, traces the embedded default block.
#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    /// Trace the cases of an ethereum/tests state test file.
    #[arg(long, value_name = "FILE", conflicts_with = "rpc")]
    pub state_test: Option<PathBuf>,
    /// Only this case of the state test (index in the fork's post list).
    #[arg(long, value_name = "I", requires = "state_test")]
    pub index: Option<usize>,
    /// Fork whose state-test cases to run.
    #[arg(long, default_value = "Cancun", requires = "state_test")]
    pub fork: String,
    /// Fetch the block from this JSON-RPC endpoint.
    #[arg(long, value_name = "URL", requires = "block")]
    pub rpc: Option<String>,
    /// Block number to fetch with --rpc.
    #[arg(long, value_name = "N", requires = "rpc")]
    pub block: Option<u64>,
    /// Timeout of each RPC call, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub rpc_timeout: u64,
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

fn inputs(args: &TraceArgs) -> Result<Vec<BlockInput>, Box<dyn std::error::Error>> {
    if let Some(path) = &args.state_test {
        let cases = state_test::load_cases(path, &args.fork)?;
        let cases: Vec<BlockInput> = match args.index {
            Some(i) => {
                let c = cases.into_iter().filter(|c| c.index == i).map(|c| c.input).collect::<Vec<_>>();
                if c.is_empty() {
                    return Err(format!("{}: no {} case with index {i}", path.display(), args.fork).into());
                }
                c
            }
            None => cases.into_iter().map(|c| c.input).collect(),
        };
        if cases.is_empty() {
            return Err(format!("{}: no {} cases", path.display(), args.fork).into());
        }
        return Ok(cases);
    }
    if let (Some(url), Some(n)) = (&args.rpc, args.block) {
        let opts = rpc::RpcOptions { timeout: Duration::from_secs(args.rpc_timeout), ..Default::default() };
        return Ok(vec![rpc::fetch_block(url, n, &opts)?]);
    }
    Ok(vec![embedded::load()?])
}

/// Runs `rebuttal trace`: prints one summary per traced block; fails if a self-check fails.
pub fn run(args: &TraceArgs) -> Result<(), Box<dyn std::error::Error>> {
    let inputs = inputs(args)?;
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
