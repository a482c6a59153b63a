//! Block sources. Each produces a [`crate::BlockInput`].

pub mod embedded;
pub mod rpc;
pub mod state_test;
mod tx;
