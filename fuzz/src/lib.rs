//! Shared code of netlab's fuzz targets; see `harness.rs` and README.md.

mod harness;

pub use harness::{
    CLIENT_STREAM_HEADER, SERVER_STREAM_HEADER, assert_dialback_reads_back,
    assert_reads_back, dissect_and_render, dns_parse, read_capture,
    s2s_dialback, scram, split_dissect_input, split_scram_input,
    split_stream_input, xmpp_stream,
};
