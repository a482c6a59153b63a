//! The plain-data model: block inputs and the block witness. No revm types appear here.

mod input;
mod rw;
mod witness;

pub use input::*;
pub use rw::*;
pub use witness::*;
