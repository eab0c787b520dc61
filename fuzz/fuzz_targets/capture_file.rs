//! `capture::file::Reader` over the input, iterated to the end.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    netlab_fuzz::read_capture(data);
});
