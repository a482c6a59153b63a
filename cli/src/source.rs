//! Where a command's block comes from: the embedded default block, a state test, or a JSON-RPC
//! node. Shared by `trace` and `prove`.

use std::path::PathBuf;
use std::time::Duration;

use rebuttal_witness::BlockInput;
use rebuttal_witness::source::{embedded, rpc, state_test};

/// Block-source options. With none of them, the embedded default block.
#[derive(clap::Args, Debug, Clone)]
pub struct SourceArgs {
    /// Use the cases of an ethereum/tests state test file.
    #[arg(long, value_name = "FILE", conflicts_with = "rpc")]
    pub state_test: Option<PathBuf>,
    /// Only this case of the state test (index in the fork's post list).
    #[arg(long, value_name = "I", requires = "state_test")]
    pub index: Option<usize>,
    /// Fork whose state-test cases to use.
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
}

impl SourceArgs {
    /// The selected blocks: one, or every selected case of a state test.
    pub fn load(&self) -> Result<Vec<BlockInput>, Box<dyn std::error::Error>> {
        if let Some(path) = &self.state_test {
            let cases = state_test::load_cases(path, &self.fork)?;
            let cases: Vec<BlockInput> = match self.index {
                Some(i) => {
                    let c = cases.into_iter().filter(|c| c.index == i).map(|c| c.input).collect::<Vec<_>>();
                    if c.is_empty() {
                        return Err(format!("{}: no {} case with index {i}", path.display(), self.fork).into());
                    }
                    c
                }
                None => cases.into_iter().map(|c| c.input).collect(),
            };
            if cases.is_empty() {
                return Err(format!("{}: no {} cases", path.display(), self.fork).into());
            }
            return Ok(cases);
        }
        if let (Some(url), Some(n)) = (&self.rpc, self.block) {
            let opts = rpc::RpcOptions { timeout: Duration::from_secs(self.rpc_timeout), ..Default::default() };
            return Ok(vec![rpc::fetch_block(url, n, &opts)?]);
        }
        Ok(vec![embedded::load()?])
    }

    /// The one selected block; an error naming the count when several are selected.
    pub fn load_one(&self) -> Result<BlockInput, Box<dyn std::error::Error>> {
        let mut blocks = self.load()?;
        if blocks.len() != 1 {
            return Err(format!("{} state-test cases selected: pick one with --index", blocks.len()).into());
        }
        Ok(blocks.remove(0))
    }
}
