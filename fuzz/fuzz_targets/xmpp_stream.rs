//! `xmpp::framing::StreamParser` fed in chunks, then every element through
//! the stanza layer and written back and re-read (see `xmpp_stream`).
//! First two bytes: the chunk sizes (see `split_stream_input`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    netlab_fuzz::xmpp_stream(data);
});
