//! Certificates between servers: TLS settings for server-to-server
//! streams when both servers trust one certificate authority
//! ([XEP-0178], [RFC 6120 § 13.7.1.4]).
//!
//! Dialback (`dialback.rs`) proves a server's name through DNS. A
//! certificate proves it through an authority both sides trust: the
//! server presents a certificate for its domain, signed by the CA, and
//! proves in the TLS handshake that it holds the certificate's key. Then
//! the XMPP layer needs no call back: the receiving server offers SASL
//! EXTERNAL ("authenticate me by what you already know from TLS",
//! [RFC 6120 § 6.3.4]) and the initiating server takes it.
//!
//! ```text
//!  initiating (client side of TLS)        receiving (server side of TLS)
//!  presents its certificate        ──►    asks for one, does not require it
//!  checks the receiver's chain     ◄──    presents its certificate
//!  and name afterwards                    checks the initiator's chain and
//!                                         the name in the stream's `from`
//! ```
//!
//! # Why every certificate passes the handshake
//!
//! rustls's usual verifiers abort the handshake when a certificate does
//! not verify. Between servers that would be wrong: a peer whose
//! certificate we cannot verify may still prove its name by dialback
//! inside the encrypted stream ([XEP-0344 § 1] describes dialback as
//! the fallback to certificates within TLS). So the verifiers here
//! accept any certificate *whose key signed the handshake* (that part is
//! always checked), and the XMPP layer calls
//! [`S2sTls::check`] afterwards, on the certificates rustls kept, to learn
//! whether the chain leads to the CA and names the domain. The result
//! decides between SASL EXTERNAL and dialback; it never ends the stream.
//!
//! The name is checked by hand in both directions because rustls checks a
//! client certificate's chain but not its name: a server learns which
//! domain the peer claims only from the stream header's `from`, after
//! the handshake.
//!
//! Read before: `tls.rs` (a server's certificate). Read next:
//! `server/s2s_out.rs`, `server/s2s_in.rs` (where the result is used).
//! Book: `book/src/lesson-05.md`. Run: `netlab xmpp server --s2s-ca
//! ca.crt --cert a.example.crt --key a.example.key`.
//!
//! [XEP-0178]: https://xmpp.org/extensions/xep-0178.html
//! [XEP-0344 § 1]: https://xmpp.org/extensions/xep-0344.html#intro
//! [RFC 6120 § 13.7.1.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-13.7.1.4
//! [RFC 6120 § 6.3.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.3.4

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    ClientConfig, DigitallySignedStruct, DistinguishedName, RootCertStore,
    ServerConfig, SignatureScheme,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use super::tls::{self, TlsError};

/// Both TLS configurations of a server that federates with a CA, and the
/// check of a peer's certificate.
pub struct S2sTls {
    /// For incoming server streams: our certificate, and a request (not a
    /// requirement) for the peer's.
    pub acceptor: Arc<ServerConfig>,
    /// For outgoing server streams: our certificate as the client's.
    pub connector: Arc<ClientConfig>,
    /// Checks chains against the CA and names (webpki).
    checker: Arc<WebPkiServerVerifier>,
    /// Whether our own certificate verifies for our domain: only then is
    /// SASL EXTERNAL worth trying (the peer would refuse it otherwise).
    pub own_valid: bool,
}

impl fmt::Debug for S2sTls {
    // Keys stay out of logs; say only what matters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S2sTls(own certificate valid: {})", self.own_valid)
    }
}

impl S2sTls {
    /// Loads the CA file (`--s2s-ca`) and our certificate and key
    /// (`--cert`, `--key`), for `domain`.
    pub fn load(
        ca: &Path,
        cert: &Path,
        key: &Path,
        domain: &str,
    ) -> Result<S2sTls, TlsError> {
        let roots = tls::read_certificates(ca)?;
        let chain = tls::read_certificates(cert)?;
        let key = tls::read_private_key(key)?;
        S2sTls::new(roots, chain, key, domain).map_err(|reason| {
            TlsError::Rejected {
                what: format!(
                    "the CA in {} with the certificate in {}",
                    ca.display(),
                    cert.display()
                ),
                reason,
            }
        })
    }

    /// The same from certificates in memory (tests build them with rcgen).
    pub fn new(
        roots: Vec<CertificateDer<'static>>,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        domain: &str,
    ) -> Result<S2sTls, rustls::Error> {
        let provider = tls::provider();
        let mut store = RootCertStore::empty();
        for root in roots {
            store.add(root)?;
        }
        let store = Arc::new(store);
        let checker = WebPkiServerVerifier::builder_with_provider(
            Arc::clone(&store),
            Arc::clone(&provider),
        )
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
        let client_checker = WebPkiClientVerifier::builder_with_provider(
            store,
            Arc::clone(&provider),
        )
        .allow_unauthenticated()
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;

        let acceptor =
            ServerConfig::builder_with_provider(Arc::clone(&provider))
                .with_safe_default_protocol_versions()
                .expect("the ring provider supports TLS 1.2 and 1.3")
                .with_client_cert_verifier(Arc::new(Recorder {
                    inner: Arc::clone(&client_checker),
                }))
                .with_single_cert(chain.clone(), key.clone_key())?;
        let connector = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the ring provider supports TLS 1.2 and 1.3")
            // "I check certificates myself": after the handshake, in
            // `check`, so that a failure means dialback, not an abort.
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ServerRecorder {
                inner: Arc::clone(&checker),
            }))
            .with_client_auth_cert(chain.clone(), key)?;
        let mut this = S2sTls {
            acceptor: Arc::new(acceptor),
            connector: Arc::new(connector),
            checker,
            own_valid: false,
        };
        this.own_valid = this.check(&chain, domain).is_ok();
        Ok(this)
    }

    /// Does `chain` (the peer's certificate first) lead to the CA, and
    /// does it name `domain` (subjectAltName DNS, RFC 6125 § 6.4)?
    /// `Err` says why not, for the trace.
    ///
    /// The peer is a server in both directions, so its certificate is
    /// checked as a server's for the domain it claims (RFC 6120
    /// § 13.7.1.4), also when it came as the TLS *client* certificate.
    pub fn check(
        &self,
        chain: &[CertificateDer<'_>],
        domain: &str,
    ) -> Result<(), String> {
        let Some((end_entity, intermediates)) = chain.split_first() else {
            return Err("no certificate was presented".into());
        };
        let name = ServerName::try_from(domain.to_owned())
            .map_err(|_| format!("'{domain}' is not a DNS name"))?;
        self.checker
            .verify_server_cert(
                end_entity,
                intermediates,
                &name,
                &[],
                UnixTime::now(),
            )
            .map(|_| ())
            .map_err(|err| format!("{err}"))
    }
}

/// The outgoing side's verifier: checks the handshake signature, accepts
/// every certificate; [`S2sTls::check`] judges it afterwards.
#[derive(Debug)]
struct ServerRecorder {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ServerRecorder {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // Kept by rustls (`peer_certificates`) and checked by the XMPP
        // layer: a bad certificate means dialback, not a broken handshake.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The incoming side's verifier: asks for a certificate (naming the CA,
/// so that the peer picks the right one), does not require one, accepts
/// any whose key signed the handshake.
#[derive(Debug)]
struct Recorder {
    inner: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for Recorder {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        // A peer without a certificate may still use dialback.
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::PrivatePkcs8KeyDer;

    /// A CA and a leaf for `domain` signed by it (or by another CA).
    fn leaf(
        ca: &rcgen::Issuer<'_, rcgen::KeyPair>,
        domain: &str,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = rcgen::KeyPair::generate().expect("key");
        let params =
            rcgen::CertificateParams::new(vec![domain.to_owned()]).expect("p");
        let cert = params.signed_by(&key, ca).expect("sign");
        let der =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (cert.der().clone(), der)
    }

    fn ca() -> (
        CertificateDer<'static>,
        rcgen::Issuer<'static, rcgen::KeyPair>,
    ) {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::new()).expect("p");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).expect("self-sign");
        (cert.der().clone(), rcgen::Issuer::new(params, key))
    }

    #[test]
    fn checks_chain_and_name() {
        let (root, issuer) = ca();
        let (a, a_key) = leaf(&issuer, "a.example");
        let (b, _) = leaf(&issuer, "b.example");
        let s2s = S2sTls::new(vec![root], vec![a.clone()], a_key, "a.example")
            .expect("config");
        assert!(s2s.own_valid);
        assert_eq!(s2s.check(std::slice::from_ref(&b), "b.example"), Ok(()));
        // Another name: refused, with a reason.
        let wrong = s2s.check(std::slice::from_ref(&b), "c.example");
        assert!(wrong.is_err(), "{wrong:?}");
        // Another CA: refused.
        let (_, other) = ca();
        let (stranger, _) = leaf(&other, "b.example");
        assert!(s2s.check(&[stranger], "b.example").is_err());
        assert!(s2s.check(&[], "b.example").is_err());
    }
}
