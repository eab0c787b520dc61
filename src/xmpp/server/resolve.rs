//! Finding another server: which address serves `b.example`'s XMPP
//! ([RFC 6120 § 3.2]).
//!
//! A domain in a JID is not a host name: `b.example`'s users may be served
//! by `xmpp.b.example` on another port. DNS says where, with an SRV record
//! ([RFC 2782]):
//!
//! ```text
//! _xmpp-server._tcp.b.example.  SRV  priority weight port target
//! _xmpp-server._tcp.b.example.  SRV  0        5      5269 xmpp.b.example.
//! ```
//!
//! 1. Ask for `_xmpp-server._tcp.DOMAIN` (§ 3.2.1). Try the targets by
//!    priority, lowest first; among equal priorities, pick by weight at
//!    random (RFC 2782). A single target `.` means "no XMPP service here"
//!    (§ 3.2.1 step 3): stop.
//! 2. No SRV record at all: the fallback (§ 3.2.2), the domain's own A/AAAA
//!    addresses on port 5269.
//! 3. A pinned route (`--s2s-route b.example=127.0.0.1:5270`) skips DNS:
//!    for tests, the lab and lessons, where no DNS knows these names.
//!
//! The lookups are hickory-resolver's; `--s2s-dns ADDR` makes it ask that
//! server instead of the system's.
//!
//! Read next: `s2s_out.rs`, which connects to what this returns.
//!
//! [RFC 6120 § 3.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-3.2
//! [RFC 2782]: https://datatracker.ietf.org/doc/html/rfc2782

use std::fmt;
use std::net::SocketAddr;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    NameServerConfigGroup, ResolverConfig, ResolverOpts,
};
use hickory_resolver::name_server::TokioConnectionProvider;

use super::federation::S2sConfig;

/// The port of the fallback (RFC 6120 § 3.2.2, § 14.7).
pub const DEFAULT_PORT: u16 = 5269;

/// How the addresses were found, for the trace and lesson 5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// `--s2s-route`.
    Pinned,
    /// An SRV record pointing at this host.
    Srv {
        /// The SRV target.
        target: String,
        /// Its priority.
        priority: u16,
        /// Its weight.
        weight: u16,
    },
    /// No SRV record: the domain's own address, port 5269.
    Fallback,
}

impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            How::Pinned => write!(f, "pinned route"),
            How::Srv {
                target,
                priority,
                weight,
            } => write!(
                f,
                "SRV _xmpp-server._tcp → {target} (priority {priority}, \
                 weight {weight})"
            ),
            How::Fallback => write!(f, "no SRV record: A/AAAA, port 5269"),
        }
    }
}

/// One address to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Where to connect.
    pub addr: SocketAddr,
    /// Why.
    pub how: How,
}

/// Why no address was found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The SRV record says "no service" (target `.`).
    #[error(
        "{0} says it offers no XMPP server-to-server service (SRV target '.')"
    )]
    NoService(String),
    /// Nothing in DNS.
    #[error("no SRV, A or AAAA record for {0}")]
    NotFound(String),
    /// The resolver could not be set up.
    #[error("cannot use the DNS resolver: {0}")]
    Resolver(String),
}

/// The addresses to try for `domain`, in order.
pub async fn resolve(
    config: &S2sConfig,
    domain: &str,
) -> Result<Vec<Candidate>, ResolveError> {
    if let Some((_, addr)) = config.routes.iter().find(|(d, _)| d == domain) {
        return Ok(vec![Candidate {
            addr: *addr,
            how: How::Pinned,
        }]);
    }
    let resolver = resolver(config)?;
    let mut candidates = Vec::new();
    if let Ok(srv) = resolver
        .srv_lookup(format!("_xmpp-server._tcp.{domain}."))
        .await
    {
        let mut records: Vec<_> = srv.iter().cloned().collect();
        // § 3.2.1 step 3: a single "." target means no service.
        if records.len() == 1 && records[0].target().is_root() {
            return Err(ResolveError::NoService(domain.to_owned()));
        }
        order(&mut records);
        for record in records {
            let target = record.target().to_utf8();
            let Ok(ips) = resolver.lookup_ip(record.target().clone()).await
            else {
                continue;
            };
            for ip in ips.iter() {
                candidates.push(Candidate {
                    addr: SocketAddr::new(ip, record.port()),
                    how: How::Srv {
                        target: target.clone(),
                        priority: record.priority(),
                        weight: record.weight(),
                    },
                });
            }
        }
        if !candidates.is_empty() {
            return Ok(candidates);
        }
    }
    // § 3.2.2: the fallback.
    if let Ok(ips) = resolver.lookup_ip(format!("{domain}.")).await {
        for ip in ips.iter() {
            candidates.push(Candidate {
                addr: SocketAddr::new(ip, DEFAULT_PORT),
                how: How::Fallback,
            });
        }
    }
    if candidates.is_empty() {
        return Err(ResolveError::NotFound(domain.to_owned()));
    }
    Ok(candidates)
}

/// The resolver: the given DNS server, or the system's.
fn resolver(config: &S2sConfig) -> Result<TokioResolver, ResolveError> {
    let provider = TokioConnectionProvider::default();
    match config.dns {
        Some(dns) => {
            let servers = NameServerConfigGroup::from_ips_clear(
                &[dns.ip()],
                dns.port(),
                true,
            );
            let mut options = ResolverOpts::default();
            // Every answer straight from the server: a test changes its
            // records between runs.
            options.cache_size = 0;
            Ok(TokioResolver::builder_with_config(
                ResolverConfig::from_parts(None, Vec::new(), servers),
                provider,
            )
            .with_options(options)
            .build())
        }
        None => TokioResolver::builder(provider)
            .map(|builder| builder.build())
            .map_err(|err| ResolveError::Resolver(err.to_string())),
    }
}

/// Orders SRV records as RFC 2782 says: by priority, lowest first; within
/// a priority, a weighted random order (a record of weight 0 is tried
/// last).
fn order(records: &mut [hickory_resolver::proto::rr::rdata::SRV]) {
    records.sort_by_key(|r| r.priority());
    let mut start = 0;
    while start < records.len() {
        let priority = records[start].priority();
        let end = records[start..]
            .iter()
            .position(|r| r.priority() != priority)
            .map_or(records.len(), |n| start + n);
        // Weighted selection without replacement.
        for i in start..end {
            let total: u32 =
                records[i..end].iter().map(|r| u32::from(r.weight())).sum();
            let pick = if total == 0 {
                0
            } else {
                random_below(total + 1)
            };
            let mut running = 0;
            let mut chosen = i;
            for (j, record) in records.iter().enumerate().take(end).skip(i) {
                running += u32::from(record.weight());
                if running >= pick {
                    chosen = j;
                    break;
                }
            }
            records.swap(i, chosen);
        }
        start = end;
    }
}

fn random_below(n: u32) -> u32 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    u32::from_le_bytes(bytes) % n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::Name;
    use hickory_resolver::proto::rr::rdata::SRV;

    fn srv(priority: u16, weight: u16, target: &str) -> SRV {
        SRV::new(
            priority,
            weight,
            5269,
            Name::from_ascii(target).expect("name"),
        )
    }

    #[test]
    fn lower_priority_first_whatever_the_weights() {
        for _ in 0..50 {
            let mut records =
                vec![srv(20, 100, "c."), srv(10, 1, "a."), srv(10, 0, "b.")];
            order(&mut records);
            assert_eq!(records[2].target().to_utf8(), "c.");
            assert!(records[..2].iter().all(|r| r.priority() == 10));
        }
    }

    /// A one-question DNS server on loopback that answers every query
    /// with the SRV record "no service here" (target `.`).
    async fn no_service_dns() -> SocketAddr {
        use hickory_resolver::proto::op::{Message, MessageType};
        use hickory_resolver::proto::rr::{RData, Record};
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = socket.local_addr().expect("addr");
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let mut answer = Message::new();
                answer
                    .set_id(query.id())
                    .set_message_type(MessageType::Response)
                    .add_queries(query.queries().to_vec());
                if let Some(q) = query.queries().first() {
                    answer.add_answer(Record::from_rdata(
                        q.name().clone(),
                        60,
                        RData::SRV(SRV::new(0, 0, 0, Name::root())),
                    ));
                }
                let bytes = answer.to_vec().expect("encode");
                let _ = socket.send_to(&bytes, peer).await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn a_dot_target_means_no_xmpp_service() {
        // RFC 6120 § 3.2.1: "a single resource record with a Target of
        // '.' … the receiving entity does not offer the service".
        let mut config = S2sConfig::new("127.0.0.1:0".parse().expect("addr"));
        config.dns = Some(no_service_dns().await);
        let found = resolve(&config, "none.example").await;
        assert_eq!(found, Err(ResolveError::NoService("none.example".into())));
    }

    #[tokio::test]
    async fn a_pinned_route_needs_no_dns() {
        let mut config = S2sConfig::new("127.0.0.1:0".parse().expect("addr"));
        config
            .routes
            .push(("b.example".into(), "127.0.0.1:5999".parse().expect("a")));
        let found = resolve(&config, "b.example").await.expect("pinned");
        assert_eq!(found[0].how, How::Pinned);
        assert_eq!(found[0].addr.port(), 5999);
    }
}
