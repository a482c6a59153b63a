//! Prints how this crate was built and which GPU, if any, the CUDA backend would use.
//!
//! `cargo run -p rebuttal-gpu --features cuda --example probe`

fn main() {
    println!("rebuttal-gpu {}", rebuttal_gpu::BUILD_NOTE);
    match rebuttal_gpu::probe() {
        Ok(info) => println!("device: {info}"),
        Err(e) => {
            println!("{e}");
            std::process::exit(1);
        }
    }
}
