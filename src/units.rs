//! How a measured duration is written, in one place for the whole course.
//!
//! Lessons measure from microseconds (a round trip on loopback) to seconds
//! (a polling interval). Rust's `{:?}` writes `15.564µs` one time and
//! `1.2ms` the next, without the space SI asks for, with as many digits
//! as the clock gave: noise a reader has to skip. [`duration`] picks the
//! unit a reader expects and about three significant digits, so the same
//! lesson never says both "median 15.564µs" and "median 20.9 µs".
//!
//! It sits beside the layers, not in one: the measuring code
//! ([`crate::transport`]) and the showing code ([`crate::show`]) both use
//! it.

use std::time::Duration;

/// `12.3 µs`, `4.56 ms`, `640 ms`, `1.25 s`, `2 s`.
pub fn duration(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else if us < 10_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else if us < 1_000_000.0 {
        format!("{:.0} ms", us / 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64()).replace(".00 s", " s")
    }
}

/// A count with thousands separators, as the narration writes numbers:
/// `2,097,152`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(2_097_152), "2,097,152");
    }

    #[test]
    fn each_range_in_its_unit() {
        let d = |nanos| duration(Duration::from_nanos(nanos));
        assert_eq!(d(12_340), "12.3 µs");
        assert_eq!(d(15_564), "15.6 µs");
        assert_eq!(d(4_560_000), "4.56 ms");
        assert_eq!(d(640_000_000), "640 ms");
        assert_eq!(d(1_250_000_000), "1.25 s");
        assert_eq!(d(2_000_000_000), "2 s");
    }
}
