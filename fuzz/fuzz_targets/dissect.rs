//! `dissect` + every renderer in `show::packet` and `show::packet_json`.
//! First byte: link type and snaplen flag (see `split_dissect_input`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    netlab_fuzz::dissect_and_render(data);
});
