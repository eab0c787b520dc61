//! A timing as its median and 99th percentile, never as one number.
//!
//! "TCP is slow, UDP is fast" is a claim about time, and one timing on a
//! shared machine says little: a scheduler tick or an interrupt can triple
//! it. So every timing of lesson 9 (connect, first send, round trip) is
//! repeated and summed up here as a [`Spread`]. The percentile is the
//! nearest-rank one, so a reported p99 is always a sample that really
//! happened.
//!
//! Read before: `mod.rs` (the claims and the files). Read next:
//! `sockets.rs`, the sockets every measurement opens.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// The spread of a set of durations.
///
/// One timing on a shared machine says little: a scheduler tick or an
/// interrupt can triple it. So every timing here is repeated and reported as
/// its median (the typical case) and 99th percentile (the bad case one time
/// in a hundred), plus the extremes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// Half the samples took at most this long.
    pub median: Duration,
    /// 99 % of the samples took at most this long.
    pub p99: Duration,
    /// The fastest sample.
    pub min: Duration,
    /// The slowest sample.
    pub max: Duration,
    /// How many samples there were.
    pub samples: usize,
}

impl Spread {
    /// The spread of `samples`, or `None` when there are none.
    pub fn of(mut samples: Vec<Duration>) -> Option<Spread> {
        samples.sort_unstable();
        Some(Spread {
            median: percentile(&samples, 50)?,
            p99: percentile(&samples, 99)?,
            min: *samples.first()?,
            max: *samples.last()?,
            samples: samples.len(),
        })
    }
}

impl fmt::Display for Spread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {}, p99 {}",
            micros(self.median),
            micros(self.p99)
        )
    }
}

/// The `p`-th percentile of `sorted` (ascending) by the nearest-rank
/// method: the smallest sample with at least `p` % of the samples at or
/// below it. It is always one of the samples, never an interpolation, so
/// `percentile(s, 50) <= percentile(s, 99)` holds by construction. `None`
/// for an empty slice; `p` above 100 is read as 100.
pub fn percentile(sorted: &[Duration], p: u32) -> Option<Duration> {
    let n = sorted.len();
    // Rank r (1-based) is the smallest r with r / n >= p / 100.
    let rank = (p.min(100) as usize * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// A duration the way the whole course writes it
/// ([`crate::units::duration`]).
pub fn micros(d: Duration) -> String {
    crate::units::duration(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|&n| Duration::from_micros(n)).collect()
    }

    #[test]
    fn percentile_nearest_rank() {
        let sorted = us(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(percentile(&sorted, 50), Some(Duration::from_micros(5)));
        assert_eq!(percentile(&sorted, 99), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&sorted, 0), Some(Duration::from_micros(1)));
        assert_eq!(percentile(&sorted, 100), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&sorted, 250), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn p99_of_a_hundred_is_the_99th() {
        let sorted: Vec<_> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile(&sorted, 99), Some(Duration::from_micros(99)));
        assert_eq!(percentile(&sorted, 50), Some(Duration::from_micros(50)));
    }

    #[test]
    fn spread_sorts_and_orders() {
        let spread = Spread::of(us(&[9, 1, 5, 3, 7])).expect("non-empty");
        assert_eq!(spread.min, Duration::from_micros(1));
        assert_eq!(spread.median, Duration::from_micros(5));
        assert_eq!(spread.p99, Duration::from_micros(9));
        assert_eq!(spread.max, Duration::from_micros(9));
        assert_eq!(spread.samples, 5);
        assert!(spread.min <= spread.median && spread.median <= spread.p99);
        assert!(Spread::of(Vec::new()).is_none());
        let one = Spread::of(us(&[4])).expect("one sample");
        assert_eq!((one.median, one.p99), (one.min, one.max));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(micros(Duration::from_nanos(12_340)), "12.3 µs");
        assert_eq!(micros(Duration::from_micros(4_560)), "4.56 ms");
    }
}
