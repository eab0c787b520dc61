//! `wire::dns::Repr::parse` and `Repr::parse_tcp` on the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    netlab_fuzz::dns_parse(data);
});
