//! Shared code of netlab's fuzz targets; see `harness.rs` and README.md.

mod harness;

pub use harness::{
    dissect_and_render, dns_parse, read_capture, split_dissect_input,
};
