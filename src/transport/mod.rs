//! TCP and UDP compared, measured live, and the two-host namespace lab in
//! which loss and fragmentation can be produced for real (lesson 9).
//!
//! - [`lab`]: two network namespaces joined by a veth pair, optional loss
//! - [`compare`]: the measurements behind `netlab compare`
//! - [`http_keepalive`]: two HTTP/1.1 requests over one connection
//! - [`topology`]: a lab as a plan of `ip` commands, removed by a guard
//! - [`routed_lab`], [`across_router`]: lesson 7's router between two
//!   subnets, and one datagram captured on both sides of it
//! - [`switch_lab`], [`switch_learning`]: lesson 7's bridge with three
//!   hosts, and the MAC addresses it learns as two of them talk
//!
//! Nothing here prints; `netlab lab` and `netlab compare` present.
//! Book: `book/src/lesson-09.md`.

pub mod across_router;
pub mod compare;
pub mod http_keepalive;
pub mod lab;
pub mod routed_lab;
pub mod switch_lab;
pub mod switch_learning;
pub mod topology;
