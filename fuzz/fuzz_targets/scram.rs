//! SCRAM (`xmpp::scram`) and SASL (`xmpp::sasl`), server and client side.
//! A 0 byte splits the first message from the final one
//! (see `split_scram_input`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    netlab_fuzz::scram(data);
});
