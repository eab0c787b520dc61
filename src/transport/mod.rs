//! TCP and UDP compared, measured live, and the two-host namespace lab in
//! which loss and fragmentation can be produced for real (lesson 9).
//!
//! - [`lab`]: two network namespaces joined by a veth pair, optional loss
//! - [`compare`]: the measurements behind `netlab compare`
//! - [`http_keepalive`]: two HTTP/1.1 requests over one connection
//!
//! Nothing here prints; `netlab lab` and `netlab compare` present.
//! Book: `book/src/lesson-09.md`.

pub mod compare;
pub mod http_keepalive;
pub mod lab;
