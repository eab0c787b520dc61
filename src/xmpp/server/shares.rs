//! Fair shares: no single client, and no single address, may take the
//! whole server (RFC 6120 § 13.12, "Denial of Service": "a server MAY
//! limit the number of connections … from a single IP address" and
//! "SHOULD limit the rate at which it reads data from a connection").
//!
//! Two limits, both set by `netlab xmpp server` for a public deployment
//! and off in [`super::Config::default`] (the lessons' own in-process
//! server, where one student is every client):
//!
//! - a *read budget* per connection, a token bucket ([`ReadBudget`]): a
//!   client may send `burst` bytes at once and `bytes_per_second` on
//!   average. Past that the connection simply stops reading for a while,
//!   so TCP's own flow control slows the sender down — nothing is dropped,
//!   and a chat client never notices (a message is a few hundred bytes);
//! - a cap on connections open at once from one IP address
//!   ([`PerAddress`]); the next one gets `policy-violation`.
//!
//! Prosody (mod_limits) and ejabberd (shapers, `max_connections` per
//! user) ship the same two ideas.
//!
//! Read before: `c2s.rs` (the read loop that spends the budget), `mod.rs`
//! (where connections are accepted and counted).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A rate with a burst: bytes per second on average, and how many bytes
/// may come at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// The long-run average.
    pub bytes_per_second: u64,
    /// What may arrive at once, after a quiet while.
    pub burst: u64,
}

/// One connection's token bucket: it starts full (`burst`), refills at
/// the rate, and each read spends what it read.
#[derive(Debug)]
pub struct ReadBudget {
    rate: Rate,
    tokens: f64,
    last: Instant,
}

impl ReadBudget {
    /// A full bucket at `now`.
    pub fn new(rate: Rate, now: Instant) -> ReadBudget {
        ReadBudget {
            rate,
            tokens: rate.burst as f64,
            last: now,
        }
    }

    /// `n` bytes were read at `now`: how long to wait before reading
    /// again, if the connection has gone past its share.
    pub fn spend(&mut self, n: usize, now: Instant) -> Option<Duration> {
        let per_second = self.rate.bytes_per_second.max(1) as f64;
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens =
            (self.tokens + elapsed * per_second).min(self.rate.burst as f64);
        self.tokens -= n as f64;
        (self.tokens < 0.0)
            .then(|| Duration::from_secs_f64(-self.tokens / per_second))
    }
}

/// Connections open from each address.
#[derive(Debug, Default)]
pub struct PerAddress {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection counted for its address; uncounted when dropped.
#[derive(Debug)]
pub struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    /// Counts a connection from `ip`, unless `limit` are open already
    /// (`limit` 0: no limit).
    pub fn enter(
        table: &Arc<PerAddress>,
        ip: IpAddr,
        limit: usize,
    ) -> Option<AddressSlot> {
        let mut open =
            table.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        if limit > 0 && *count >= limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: Arc::clone(table),
            ip,
        })
    }

    /// How many are open from `ip`.
    pub fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&ip).copied().unwrap_or(0)
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .table
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_free_then_the_rate_holds() {
        let t0 = Instant::now();
        let rate = Rate {
            bytes_per_second: 1000,
            burst: 4000,
        };
        let mut budget = ReadBudget::new(rate, t0);
        assert_eq!(budget.spend(4000, t0), None, "the burst");
        // 500 more at once: half a second's worth owed.
        let wait = budget.spend(500, t0).expect("over");
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "{wait:?}");
        // Waited that long, then at the rate: no more waiting.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(budget.spend(0, t1), None);
        let t2 = t1 + Duration::from_secs(1);
        assert_eq!(budget.spend(1000, t2), None);
        // A long quiet time refills only up to the burst.
        let t3 = t2 + Duration::from_secs(3600);
        assert_eq!(budget.spend(4000, t3), None);
        assert!(budget.spend(1, t3).is_some());
    }

    #[test]
    fn an_address_gets_its_limit_and_the_slot_comes_back() {
        let table = Arc::new(PerAddress::default());
        let ip: IpAddr = "192.0.2.7".parse().expect("ip");
        let a = PerAddress::enter(&table, ip, 2).expect("first");
        let _b = PerAddress::enter(&table, ip, 2).expect("second");
        assert!(PerAddress::enter(&table, ip, 2).is_none(), "third");
        let other: IpAddr = "192.0.2.8".parse().expect("ip");
        assert!(PerAddress::enter(&table, other, 2).is_some(), "another");
        drop(a);
        assert_eq!(table.open(ip), 1);
        assert!(PerAddress::enter(&table, ip, 2).is_some(), "again");
        // 0: no limit.
        let many: Vec<_> = (0..100)
            .filter_map(|_| PerAddress::enter(&table, other, 0))
            .collect();
        assert_eq!(many.len(), 100);
    }
}
