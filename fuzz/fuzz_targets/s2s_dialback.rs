//! A server stream's body after a fixed `jabber:server` header, parsed in
//! chunks, and every element through `Dialback::parse`, written back and
//! re-read (see `s2s_dialback`). First two bytes: the chunk sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = netlab_fuzz::s2s_dialback(data);
});
