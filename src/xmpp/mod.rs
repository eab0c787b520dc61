//! XMPP, the protocol of lessons 1–6: addresses, the XML stream, stanzas.
//!
//! Three layers, one module each, bottom up:
//!
//! - [`jid`]: XMPP addresses, `localpart@domainpart/resourcepart`
//!   (RFC 7622)
//! - [`framing`]: bytes → XML events → stream events: the stream's opening
//!   tag, each complete top-level element (a stanza), the closing tag
//!   (RFC 6120 § 4)
//! - [`stanza`]: elements → typed stanzas (`Message`, `Presence`, `Iq`),
//!   error replies and stream errors (RFC 6120 § 8, RFC 6121)
//!
//! Like `wire/`, nothing here prints. quick-xml is used only below this
//! module.

pub mod accounts;
pub mod client;
pub mod component;
pub mod dialback;
pub mod framing;
pub mod jid;
pub mod ns;
pub mod s2s_tls;
pub mod sasl;
pub mod scram;
pub mod server;
pub mod sm;
pub mod stanza;
pub mod store;
pub mod tls;
pub mod transport;
