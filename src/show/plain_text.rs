//! Addresses as text, digit by digit, without `core::fmt`.
//!
//! `netlab dissect` writes two MAC addresses and two IP addresses for
//! almost every frame, a million times for a million-frame capture.
//! Through `Display` each one is a trip through `core::fmt` (a `write!`
//! per byte for a MAC address), and in the JSON the text is then scanned
//! again for characters to escape. The profile of `--json` put a fifth of
//! its time there (`bench/README.md`). The text here is the same as
//! `Display`'s, byte for byte (the tests below check), built on the stack
//! and handed over in one write; and since it is digits, dots and colons,
//! it never needs escaping.
//!
//! Read before: [`crate::wire::ethernet::MacAddr`], [`std::net::Ipv4Addr`].

use std::net::Ipv4Addr;

use crate::wire::ethernet::MacAddr;

/// `02:d3:45:62:b9:9e`: six bytes in lowercase hex, colons between.
pub fn mac(address: &MacAddr) -> [u8; 17] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b':'; 17];
    for (i, byte) in address.0.iter().enumerate() {
        text[3 * i] = HEX[usize::from(byte >> 4)];
        text[3 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    text
}

/// An IPv4 address in dotted decimal, `10.0.0.53`: at most 15 bytes.
pub struct Ipv4Text {
    bytes: [u8; 15],
    len: usize,
}

impl Ipv4Text {
    /// Writes `address` out.
    pub fn new(address: Ipv4Addr) -> Self {
        let mut text = Ipv4Text {
            bytes: [0; 15],
            len: 0,
        };
        for (i, octet) in address.octets().into_iter().enumerate() {
            if i > 0 {
                text.push(b'.');
            }
            // No leading zeros (RFC 6943 § 3.1.1: a leading zero can be
            // read as octal).
            if octet >= 100 {
                text.push(b'0' + octet / 100);
            }
            if octet >= 10 {
                text.push(b'0' + octet / 10 % 10);
            }
            text.push(b'0' + octet % 10);
        }
        text
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    /// The text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_text_is_display_text() {
        for bytes in [[0u8; 6], [0xff; 6], [0x02, 0xd3, 0x45, 0x62, 0xb9, 0x9e]]
        {
            let m = MacAddr(bytes);
            assert_eq!(mac(&m), m.to_string().as_bytes());
        }
    }

    #[test]
    fn ipv4_text_is_display_text() {
        for octets in
            [[0, 0, 0, 0], [255; 4], [10, 0, 99, 100], [1, 20, 109, 9]]
        {
            let a = Ipv4Addr::from(octets);
            assert_eq!(Ipv4Text::new(a).as_bytes(), a.to_string().as_bytes());
        }
        for n in 0..=255u8 {
            let a = Ipv4Addr::new(n, n, 7, n);
            assert_eq!(Ipv4Text::new(a).as_bytes(), a.to_string().as_bytes());
        }
    }
}
