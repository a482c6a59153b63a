//! Regenerates `witness/data/embedded-block.json` from the compiled contracts and the
//! deterministic test keys.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let block = rebuttal_witness::source::embedded::build()?;
    let json = rebuttal_witness::source::embedded::to_pretty_json(&block)?;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/embedded-block.json");
    std::fs::write(&path, json)?;
    println!(
        "wrote {} ({} transactions, post-state root {})",
        path.display(),
        block.transactions.len(),
        block.expected.state_root.unwrap_or_default()
    );
    Ok(())
}
