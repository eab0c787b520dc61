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
//! Read before: [`crate::wire::ethernet::MacAddr`], [`std::net::Ipv4Addr`],
//! [`std::net::Ipv6Addr`]. Spec: [RFC 5952] (how IPv6 text is written).
//!
//! [RFC 5952]: https://datatracker.ietf.org/doc/html/rfc5952

use std::net::{Ipv4Addr, Ipv6Addr};

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

/// Each octet's decimal digits, `(b"53\0", 2)`, padded to three.
const OCTETS: [([u8; 3], u8); 256] = {
    let mut table = [([0u8; 3], 0u8); 256];
    let mut n = 0;
    while n < 256 {
        let (h, t, o) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = if n >= 100 {
            ([b'0' + h, b'0' + t, b'0' + o], 3)
        } else if n >= 10 {
            ([b'0' + t, b'0' + o, 0], 2)
        } else {
            ([b'0' + o, 0, 0], 1)
        };
        n += 1;
    }
    table
};

/// An IPv4 address in dotted decimal, `10.0.0.53`: at most 15 bytes
/// (kept in 17, room for the last octet's padding).
pub struct Ipv4Text {
    bytes: [u8; 17],
    len: usize,
}

impl Ipv4Text {
    /// Writes `address` out.
    pub fn new(address: Ipv4Addr) -> Self {
        let mut text = Ipv4Text {
            bytes: [0; 17],
            len: 0,
        };
        for (i, octet) in address.octets().into_iter().enumerate() {
            if i > 0 {
                text.push(b'.');
            }
            // No leading zeros (RFC 6943 § 3.1.1: a leading zero can be
            // read as octal). The digits of every octet are in a table
            // made at compile time: one lookup instead of two divisions.
            let (digits, len) = OCTETS[usize::from(octet)];
            // Three bytes copied whatever the length (a fixed-size copy is
            // one instruction), and only `len` of them kept.
            if let Some(slot) = text.bytes.get_mut(text.len..text.len + 3) {
                slot.copy_from_slice(&digits);
            }
            text.len += usize::from(len);
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

/// An IPv6 address as RFC 5952 § 4 writes it, `2001:db8::53`: at most
/// 39 bytes (eight groups of four hex digits and seven colons).
pub struct Ipv6Text {
    bytes: [u8; 45],
    len: usize,
}

impl Ipv6Text {
    /// Writes `address` out: each 16-bit group in lowercase hex without
    /// leading zeros (§ 4.1, § 4.3), and the longest run of two or more
    /// zero groups, the first if two are as long, as `::` (§ 4.2).
    pub fn new(address: Ipv6Addr) -> Self {
        let mut text = Ipv6Text {
            bytes: [0; 45],
            len: 0,
        };
        let groups = address.segments();
        // An IPv4-mapped address (::ffff:10.0.0.53, RFC 5952 § 5) ends
        // in dotted decimal; it is rare on the wire, so std writes it.
        if groups[..6] == [0, 0, 0, 0, 0, 0xffff] {
            let mapped = address.to_string();
            text.bytes[..mapped.len()].copy_from_slice(mapped.as_bytes());
            text.len = mapped.len();
            return text;
        }
        let (zeros_at, zeros_len) = longest_zero_run(&groups);
        let mut i = 0;
        while i < 8 {
            if i == zeros_at && zeros_len >= 2 {
                text.push(b':');
                if i == 0 {
                    text.push(b':');
                }
                i += zeros_len;
                continue;
            }
            text.group(groups[i]);
            if i < 7 {
                text.push(b':');
            }
            i += 1;
        }
        text
    }

    /// One group in hex, without leading zeros.
    fn group(&mut self, group: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let digit = (group >> shift) & 0xf;
            if digit != 0 || started || shift == 0 {
                self.push(HEX[usize::from(digit)]);
                started = true;
            }
        }
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

/// Where the longest run of zero groups starts, and how long it is (the
/// first of equally long runs).
fn longest_zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let (mut best_at, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best_at, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }
    (best_at, best_len)
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

    #[test]
    fn ipv6_text_is_display_text() {
        let mut cases: Vec<Ipv6Addr> = [
            "::",
            "::1",
            "1::",
            "2001:db8::53",
            "2001:db8:0:0:1:0:0:1",
            "2001:0:0:1:0:0:0:1",
            "fe80::1:2:3:4",
            "1:0:1:0:1:0:1:0",
            "0:1:0:0:1:0:0:0",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:10.0.0.53",
            "::10.0.0.53",
            "64:ff9b::a00:35",
        ]
        .iter()
        .map(|t| t.parse().expect("an address"))
        .collect();
        // Every pattern of zero and non-zero groups, with values of 1, 2,
        // 3 and 4 hex digits.
        for pattern in 0u32..256 {
            let mut groups = [0u16; 8];
            for (i, g) in groups.iter_mut().enumerate() {
                if pattern & (1 << i) != 0 {
                    *g = [0x1, 0x2a, 0xdb8, 0xfe80][i % 4];
                }
            }
            cases.push(Ipv6Addr::from(groups));
        }
        for a in cases {
            assert_eq!(
                std::str::from_utf8(Ipv6Text::new(a).as_bytes()),
                Ok(a.to_string().as_str()),
            );
        }
    }
}
