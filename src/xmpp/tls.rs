//! TLS for STARTTLS: the server's certificate and both sides' TLS settings.
//!
//! An XMPP stream starts in plain text. The server offers `<starttls/>`
//! among its stream features, the client asks for it, the server answers
//! `<proceed/>`, and from the very next byte both sides speak TLS on the
//! same TCP connection ([RFC 6120 § 5.4.2.3]); after the handshake the
//! client opens a fresh XML stream inside the encrypted channel
//! ([RFC 6120 § 5.4.3.3]). This file does not read or write XML: it builds
//! the two configurations that the server's STARTTLS step and the client
//! hand to `tokio_rustls` (`TlsAcceptor::from(server_config)`,
//! `TlsConnector::from(client_config)`) to wrap their `TcpStream`, and it
//! turns a failed handshake into a sentence a student can act on.
//!
//! # Which certificate, and why pinning
//!
//! In TLS the server proves who it is with a certificate: a public key and
//! a name (`localhost`, `example.com`) signed by someone the client trusts.
//! On the Internet that someone is a certificate authority, and
//! [RFC 6120 § 13.7] describes how an XMPP client checks the name
//! ([RFC 6125]). A course runs on one machine, with no domain to get a
//! certificate for, so the server makes its own: a *self-signed*
//! certificate, signed by its own key and vouched for by nobody.
//!
//! A client cannot check such a certificate against an authority. Instead
//! it is given the certificate file itself beforehand and accepts the
//! server only if the server presents exactly that certificate: this is
//! *certificate pinning* ([`Trust::Pinned`]). It is as strong as the way
//! the file reached the client, which on one machine is a file copy. For a
//! throwaway test there is also [`Trust::Insecure`], which accepts any
//! certificate and so gives no protection against a man in the middle.
//!
//! In both cases the handshake's signature is still checked: the server
//! signs the handshake with the private key of its certificate, so a
//! server that merely copied someone's certificate (it is public) cannot
//! complete the handshake.
//!
//! # The certificate authenticates the server, SASL the user
//!
//! The article this course follows says that servers authenticate clients
//! with certificates (see "Where the article is wrong" in the book's
//! introduction). In XMPP it is the other way round: the TLS certificate lets
//! the client check that it talks to the right *server*, and encrypts the
//! stream. The *user* is authenticated afterwards, inside the encrypted
//! stream, by SASL with a password ([RFC 6120 § 6]); the server here asks
//! no certificate of the client (`with_no_client_auth`). Between
//! *servers* both sides present one when they share a CA: see
//! [`super::s2s_tls`].
//!
//! The cryptography is rustls with its *ring* provider, named explicitly
//! ([`provider`]) rather than taken from a process-wide default; the
//! certificate is made by rcgen.
//!
//! Read before: [`super::framing`] (the stream that STARTTLS interrupts).
//! Read after: the server's STARTTLS step and SASL. Book:
//! `book/src/lesson-06.md` (what TLS adds per message). Run:
//! `netlab xmpp server --trace`.
//!
//! [RFC 6120 § 5.4.2.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-5.4.2.3
//! [RFC 6120 § 5.4.3.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-5.4.3.3
//! [RFC 6120 § 13.7]: https://datatracker.ietf.org/doc/html/rfc6120#section-13.7
//! [RFC 6120 § 6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6
//! [RFC 6125]: https://datatracker.ietf.org/doc/html/rfc6125

use std::fmt;
use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct,
    InconsistentKeys, ServerConfig, SignatureScheme,
};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime,
};
use sha2::{Digest, Sha256};

/// Where the server's certificate came from, for its start-up banner.
///
/// The banner shows the fingerprint so that a student can compare it with
/// what a client reports, and the path so that they know which file to give
/// the client (`--trust-cert`).
#[derive(Clone, Debug)]
pub struct ServerIdentity {
    /// The certificate file, if the certificate is in one.
    pub cert_path: Option<PathBuf>,
    /// The private key file, if the key is in one.
    pub key_path: Option<PathBuf>,
    /// Whether the certificate was made just now (rather than loaded).
    pub generated: bool,
    /// The SHA-256 of the certificate, as `AA:BB:…` ([`fingerprint`]).
    pub sha256_fingerprint: String,
    /// The certificate in PEM, to give to a client to pin.
    pub cert_pem: String,
    /// The certificate in DER, the bytes that travel in the handshake.
    pub cert_der: CertificateDer<'static>,
}

impl ServerIdentity {
    /// A [`Trust`] that pins this certificate, for a client in the same
    /// process (a demo or a test).
    pub fn trust(&self) -> Trust {
        Trust::Pinned(vec![self.cert_der.clone()])
    }
}

/// What a client accepts as the server's certificate.
#[derive(Clone, Debug)]
pub enum Trust {
    /// Exactly these certificates: the server's end-entity certificate must
    /// be byte-for-byte one of them (certificate pinning).
    Pinned(Vec<CertificateDer<'static>>),
    /// Any certificate at all.
    ///
    /// **This gives no protection against a man in the middle**: anyone
    /// between the client and the server can present their own certificate
    /// and read everything, the password included. The traffic is still
    /// encrypted against a passive eavesdropper. Use it only for a
    /// throwaway test.
    Insecure,
}

/// Why the TLS settings could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be opened or read.
    #[error("could not read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A file is not valid PEM (RFC 7468).
    #[error(
        "{} is not a valid PEM file ({reason}): PEM is base64 between \
         `-----BEGIN …-----` and `-----END …-----` lines (RFC 7468 § 2)",
        .path.display()
    )]
    NotPem {
        /// The file.
        path: PathBuf,
        /// What the PEM reader said.
        reason: String,
    },
    /// A file has no `CERTIFICATE` block.
    #[error(
        "no certificate in {}: a certificate file holds a \
         `-----BEGIN CERTIFICATE-----` block (RFC 7468 § 5); check that the \
         certificate and key files are not swapped",
        .path.display()
    )]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A file has no private key block.
    #[error(
        "no private key in {}: a key file holds a \
         `-----BEGIN PRIVATE KEY-----` block (PKCS #8, RFC 7468 § 10) or an \
         `RSA PRIVATE KEY` or `EC PRIVATE KEY` one; check that the \
         certificate and key files are not swapped",
        .path.display()
    )]
    NoPrivateKey {
        /// The file.
        path: PathBuf,
    },
    /// Only one of the certificate and the key was given.
    #[error(
        "a {given} file was given without its {missing} file: give both, \
         or neither to use a generated self-signed certificate"
    )]
    HalfPair {
        /// What was given: "certificate" or "private key".
        given: &'static str,
        /// What is missing.
        missing: &'static str,
    },
    /// The key is not the one the certificate was made for.
    #[error(
        "the private key in {} does not belong to the certificate in {}: \
         give the key that was generated together with that certificate",
        .key.display(), .cert.display()
    )]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
    },
    /// rustls refused the certificate or key for another reason.
    #[error("rustls cannot use {what}: {reason}")]
    Rejected {
        /// Which certificate and key.
        what: String,
        /// What rustls said.
        reason: rustls::Error,
    },
    /// rcgen could not make a certificate for this domain.
    #[error(
        "could not make a self-signed certificate for {domain:?}: {reason}; \
         the domain must be an ASCII DNS name or an IP address \
         (RFC 5280 § 4.2.1.6)"
    )]
    Generate {
        /// The domain the certificate was for.
        domain: String,
        /// What rcgen said.
        reason: rcgen::Error,
    },
    /// A generated certificate or key could not be written.
    #[error(
        "could not write {}: {source}; check that its directory exists and \
         is writable",
        .path.display()
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// The cryptography both sides use: rustls's *ring* provider.
///
/// rustls can also use aws-lc-rs, and picks a process-wide default when
/// there is exactly one compiled in. We name ring here instead, so that the
/// choice is visible and does not depend on what other crates enable.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server's TLS configuration and where its certificate came from.
///
/// - `cert` and `key` given (PEM files): load them.
/// - Otherwise, `beside` is the database path: use the certificate and key
///   files beside it ([`beside_paths`]) if both exist; if not, make a
///   self-signed certificate for `domain` and write them there (the key
///   readable by its owner only, mode 0600). Files found there are used
///   whatever domain they were made for (a pinning client does not check
///   the name); delete them to make new ones.
/// - `beside` is `None` (an in-memory database): make a certificate in
///   memory and write nothing. [`ServerIdentity::cert_pem`] still holds
///   it, so that a demo can give it to a client.
///
/// A made certificate names `domain`; for `localhost` also `127.0.0.1`
/// and `::1`, so that a client may connect by address.
pub fn server_config(
    domain: &str,
    cert: Option<&Path>,
    key: Option<&Path>,
    beside: Option<&Path>,
) -> Result<(Arc<ServerConfig>, ServerIdentity), TlsError> {
    let (pair, identity) = match (cert, key, beside) {
        (Some(cert), Some(key), _) => load_pair(cert, key)?,
        (Some(_), None, _) => {
            return Err(TlsError::HalfPair {
                given: "certificate",
                missing: "private key",
            });
        }
        (None, Some(_), _) => {
            return Err(TlsError::HalfPair {
                given: "private key",
                missing: "certificate",
            });
        }
        (None, None, Some(db)) => {
            let (cert, key) = beside_paths(db);
            if cert.exists() && key.exists() {
                load_pair(&cert, &key)?
            } else {
                let (pair, mut identity) = generate(domain)?;
                write_private(&key, pair.key_pem.as_bytes())?;
                write_file(&cert, identity.cert_pem.as_bytes())?;
                identity.cert_path = Some(cert);
                identity.key_path = Some(key);
                (pair, identity)
            }
        }
        (None, None, None) => generate(domain)?,
    };

    let what = match (&identity.cert_path, &identity.key_path) {
        (Some(cert), Some(key)) => format!(
            "the certificate in {} with the key in {}",
            cert.display(),
            key.display()
        ),
        _ => "the generated certificate".to_owned(),
    };
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports TLS 1.2 and 1.3")
        // The server asks nothing of the client here: the user proves who
        // they are later, with SASL (RFC 6120 § 6).
        .with_no_client_auth()
        // `with_single_cert` checks that the key's public half is the one
        // in the certificate.
        .with_single_cert(pair.chain, pair.key)
        .map_err(|reason| {
            match (&reason, &identity.cert_path, &identity.key_path) {
                (
                    rustls::Error::InconsistentKeys(
                        InconsistentKeys::KeyMismatch,
                    ),
                    Some(cert),
                    Some(key),
                ) => TlsError::KeyMismatch {
                    cert: cert.clone(),
                    key: key.clone(),
                },
                _ => TlsError::Rejected { what, reason },
            }
        })?;
    Ok((Arc::new(config), identity))
}

/// The certificate and key files that [`server_config`] keeps beside a
/// database: `<db>.crt` and `<db>.key` (`netlab.db` → `netlab.db.crt`).
pub fn beside_paths(db: &Path) -> (PathBuf, PathBuf) {
    let with_suffix = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    (with_suffix(".crt"), with_suffix(".key"))
}

/// A certificate chain and its private key, ready for rustls.
struct CertAndKey {
    /// The server's certificate first, then any that sign it.
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// The key in PEM, kept only for a generated key, to write it out.
    key_pem: String,
}

/// Load a certificate file and a key file.
fn load_pair(
    cert: &Path,
    key: &Path,
) -> Result<(CertAndKey, ServerIdentity), TlsError> {
    let chain = read_certificates(cert)?;
    let key_der = read_private_key(key)?;
    // `read_certificates` never returns an empty list, and the server's
    // own certificate comes first in a chain (RFC 8446 § 4.4.2).
    let identity = identity(&chain[0], false, Some(cert), Some(key));
    let pair = CertAndKey {
        chain,
        key: key_der,
        key_pem: String::new(),
    };
    Ok((pair, identity))
}

/// The private key in a PEM file.
pub(crate) fn read_private_key(
    key: &Path,
) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(key).map_err(|err| match err {
        pem::Error::NoItemsFound => TlsError::NoPrivateKey {
            path: key.to_owned(),
        },
        other => pem_error(key, other),
    })
}

/// Make a self-signed certificate for `domain`, in memory.
fn generate(domain: &str) -> Result<(CertAndKey, ServerIdentity), TlsError> {
    let failed = |reason| TlsError::Generate {
        domain: domain.to_owned(),
        reason,
    };
    // The names go into the certificate's subjectAltName extension, which
    // is where a client looks for the server's name (RFC 6125 § 6.4). rcgen
    // makes an IP address entry of those that parse as one.
    let mut names = vec![domain.to_owned()];
    if domain.eq_ignore_ascii_case("localhost") {
        names.push("127.0.0.1".to_owned());
        names.push("::1".to_owned());
    }
    let mut params = rcgen::CertificateParams::new(names).map_err(failed)?;
    // The subject's common name is only shown to people (RFC 6125 § 6.4.4
    // tells clients not to match it when subjectAltName is present), but a
    // certificate viewer shows it first, so it says the domain.
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, domain);
    params.extended_key_usages =
        vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    // rcgen's default validity (1975 to 4096) is kept: a pinned certificate
    // is trusted because it is this exact certificate, not because of its
    // dates, and a course should not stop working when a date passes.

    // An ECDSA P-256 key: small, fast, and supported by every TLS stack.
    let signing_key = rcgen::KeyPair::generate().map_err(failed)?;
    let cert = params.self_signed(&signing_key).map_err(failed)?;

    let der = cert.der().clone();
    let pair = CertAndKey {
        chain: vec![der.clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            signing_key.serialize_der(),
        )),
        key_pem: signing_key.serialize_pem(),
    };
    Ok((pair, identity(&der, true, None, None)))
}

/// Describe a certificate for the banner.
fn identity(
    cert: &CertificateDer<'static>,
    generated: bool,
    cert_path: Option<&Path>,
    key_path: Option<&Path>,
) -> ServerIdentity {
    ServerIdentity {
        cert_path: cert_path.map(Path::to_owned),
        key_path: key_path.map(Path::to_owned),
        generated,
        sha256_fingerprint: fingerprint(cert),
        // Written from the DER rather than copied from the file, so that a
        // file holding the key too never passes the key on to a client.
        cert_pem: certificate_pem(cert),
        cert_der: cert.clone(),
    }
}

/// Write a file that anyone may read (a certificate is public).
fn write_file(path: &Path, contents: &[u8]) -> Result<(), TlsError> {
    fs::write(path, contents).map_err(|source| TlsError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Write a file that only its owner may read or write (mode 0600): the
/// private key is the one secret that makes the certificate worth anything.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), TlsError> {
    let write = || -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        // `mode` applies only when the file is created; a key file left
        // from before keeps its old mode unless we set it.
        file.set_permissions(Permissions::from_mode(0o600))?;
        file.write_all(contents)
    };
    write().map_err(|source| TlsError::Write {
        path: path.to_owned(),
        source,
    })
}

/// A certificate in PEM: the DER in base64, 64 characters a line, between
/// the `CERTIFICATE` lines ([RFC 7468 § 5]).
///
/// [RFC 7468 § 5]: https://datatracker.ietf.org/doc/html/rfc7468#section-5
fn certificate_pem(cert: &CertificateDer<'_>) -> String {
    let base64 = base64::engine::general_purpose::STANDARD.encode(cert);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    // Base64 is ASCII, so every 64-byte chunk is whole characters.
    for line in base64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// Every certificate in a PEM file; an error if there is none.
pub(crate) fn read_certificates(
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|err| pem_error(path, err))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| pem_error(path, err))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// The [`TlsError`] for what the PEM reader said about `path`.
fn pem_error(path: &Path, err: pem::Error) -> TlsError {
    match err {
        pem::Error::Io(source) => TlsError::Read {
            path: path.to_owned(),
            source,
        },
        other => TlsError::NotPem {
            path: path.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// A [`Trust::Pinned`] holding every certificate in a PEM file (the
/// server's `.crt`).
pub fn load_pinned(path: &Path) -> Result<Trust, TlsError> {
    read_certificates(path).map(Trust::Pinned)
}

/// The client's TLS configuration.
///
/// With [`Trust::Pinned`] the client accepts the server only if the
/// server's certificate is one of the pinned ones; with [`Trust::Insecure`]
/// it accepts any certificate, **which gives no protection against a man in
/// the middle**. In both cases the server must still sign the handshake
/// with the private key of the certificate it presents.
pub fn client_config(trust: Trust) -> Arc<ClientConfig> {
    let provider = provider();
    let verifier = CertificateCheck {
        trust,
        algorithms: provider.signature_verification_algorithms,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports TLS 1.2 and 1.3")
        // `dangerous()` is rustls's name for "I check certificates myself".
        // The usual check, `WebPkiServerVerifier`, follows a chain of
        // signatures from the server's certificate up to a certificate
        // authority in a root store. A self-signed certificate has no
        // authority above it. Putting the certificate itself into the root
        // store happens to work with webpki (a root is only a name and a
        // key, and our certificate names itself as its issuer; one marked
        // as a CA would be refused, `CaUsedAsEndEntity`), but it trusts
        // the wrong thing: a root vouches for whatever its key signs, so a
        // certificate for any other name signed by the server's key would
        // pass too, and the check would still depend on names and dates.
        // Pinning trusts this one certificate and nothing else, so we
        // compare bytes instead.
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        // The client presents no certificate; it logs in with SASL.
        .with_no_client_auth();
    Arc::new(config)
}

/// The client's check of the server's certificate, for [`client_config`].
#[derive(Debug)]
struct CertificateCheck {
    trust: Trust,
    /// The signature algorithms ring can verify, for the handshake.
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for CertificateCheck {
    /// Is the certificate the server presented one we accept?
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // Neither the name in the certificate nor its dates are checked.
        // Those checks answer "does an authority vouch that this key
        // belongs to this name now?"; a pin has already answered "this
        // exact certificate is the server", which is stronger.
        match &self.trust {
            Trust::Insecure => Ok(ServerCertVerified::assertion()),
            Trust::Pinned(pinned) => {
                if pinned.iter().any(|cert| cert == end_entity) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    let not_pinned = NotPinned {
                        presented: fingerprint(end_entity),
                        pinned: pinned.iter().map(fingerprint).collect(),
                    };
                    Err(rustls::Error::InvalidCertificate(
                        CertificateError::Other(rustls::OtherError(Arc::new(
                            not_pinned,
                        ))),
                    ))
                }
            }
        }
    }

    /// Did the server sign the (TLS 1.2) handshake with the certificate's
    /// key? This is what proves it holds the key, so it is always checked.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        )
    }

    /// The same for TLS 1.3.
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        )
    }

    /// The signature schemes we can check, offered to the server.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The server presented a certificate that is not a pinned one.
///
/// Carried inside [`rustls::Error`] so that [`explain_handshake_error`] can
/// find it again and name both fingerprints.
#[derive(Debug)]
struct NotPinned {
    presented: String,
    pinned: Vec<String>,
}

impl fmt::Display for NotPinned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server's certificate (sha256 {}) is not the pinned one \
             (sha256 {})",
            self.presented,
            self.pinned.join(" or ")
        )
    }
}

impl std::error::Error for NotPinned {}

/// A plain sentence for a failed TLS handshake, on either side.
///
/// `tokio_rustls` reports a refusal by rustls as an [`io::Error`] wrapping a
/// [`rustls::Error`]; anything else is a plain I/O error (the connection
/// closed, or was reset).
pub fn explain_handshake_error(err: &io::Error) -> String {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(tls) => explain_rustls_error(tls),
        None => match err.kind() {
            io::ErrorKind::UnexpectedEof => {
                "the connection closed during the TLS handshake: the other \
                 side may not speak TLS here, or it refused the handshake \
                 without saying why"
                    .to_owned()
            }
            _ => format!("the TLS handshake failed: {err}"),
        },
    }
}

/// The sentence for one [`rustls::Error`].
fn explain_rustls_error(err: &rustls::Error) -> String {
    const FIX: &str = "pass the server's .crt with --trust-cert, or \
                       --insecure for a throwaway test";
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::Other(other) => {
                match other.0.downcast_ref::<NotPinned>() {
                    Some(not_pinned) => format!("{not_pinned}: {FIX}"),
                    None => format!(
                        "the server's certificate was refused ({other}): \
                         {FIX}"
                    ),
                }
            }
            CertificateError::UnknownIssuer => format!(
                "the server's certificate is not signed by a certificate \
                 authority this client trusts (a self-signed one never is, \
                 RFC 6120 § 13.7.2): {FIX}"
            ),
            CertificateError::NotValidForName
            | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is for another name than the one \
                 we connected to (RFC 6125 § 6): connect with the domain the \
                 certificate was made for"
                    .to_owned()
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => {
                "the server's certificate is outside its validity dates: \
                 check this computer's clock, or make a new certificate"
                    .to_owned()
            }
            other => format!("the server's certificate was refused: {other}"),
        },
        rustls::Error::AlertReceived(alert) => match alert {
            // What a server sees when the client did not accept its
            // certificate.
            AlertDescription::BadCertificate
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateExpired => format!(
                "the other side refused the certificate (TLS alert \
                 {alert:?}): a client must be given this server's .crt \
                 with --trust-cert, or use --insecure for a throwaway test"
            ),
            AlertDescription::HandshakeFailure
            | AlertDescription::ProtocolVersion
            | AlertDescription::InsufficientSecurity => format!(
                "the two sides have no TLS version or cipher suite in \
                 common (TLS alert {alert:?})"
            ),
            other => format!(
                "the other side ended the handshake with the TLS alert \
                 {other:?}"
            ),
        },
        rustls::Error::InvalidMessage(_) => {
            "the other side did not answer in TLS: is this a plain-text \
             port, or did one side start TLS before `<proceed/>` \
             (RFC 6120 § 5.4.2.3)?"
                .to_owned()
        }
        rustls::Error::PeerIncompatible(why) => format!(
            "the two sides have no TLS version or cipher suite in common \
             ({why:?})"
        ),
        rustls::Error::NoCertificatesPresented => {
            "the server sent no certificate".to_owned()
        }
        other => format!("the TLS handshake failed: {other}"),
    }
}

/// The SHA-256 of a certificate's DER bytes, as upper-case hex pairs
/// joined by colons (`AA:BB:…`), the way browsers and `openssl x509
/// -fingerprint -sha256` show it.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The subject's common name (CN) of a certificate, read from its DER
/// bytes, for showing to people (lesson 5). Not a certificate parser: it
/// finds the attribute type commonName, OID 2.5.4.3, encoded `55 04 03`
/// ([RFC 5280 § 4.1.2.6], X.520), and reads the short string after it.
/// The issuer's name comes before the subject's in the certificate
/// (§ 4.1), so the *last* common name is the subject's.
///
/// [RFC 5280 § 4.1.2.6]: https://datatracker.ietf.org/doc/html/rfc5280#section-4.1.2.6
pub fn subject_common_name(cert: &CertificateDer<'_>) -> Option<String> {
    let der: &[u8] = cert.as_ref();
    let mut found = None;
    for at in 0..der.len().saturating_sub(5) {
        if der[at..at + 3] != [0x55, 0x04, 0x03] {
            continue;
        }
        // Then a string: UTF8String (0x0c) or PrintableString (0x13),
        // with a one-byte length (names are short).
        let (tag, len) = (der[at + 3], usize::from(der[at + 4]));
        if !matches!(tag, 0x0c | 0x13) || len > 0x7f {
            continue;
        }
        if let Some(text) = der.get(at + 5..at + 5 + len) {
            found = String::from_utf8(text.to_vec()).ok();
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio_rustls::{TlsAcceptor, TlsConnector};

    /// A fresh directory under the system's temporary directory.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir()
            .join(format!("netlab-tls-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        dir
    }

    /// An in-memory identity for `localhost`.
    fn in_memory() -> (Arc<ServerConfig>, ServerIdentity) {
        server_config("localhost", None, None, None).expect("generate")
    }

    /// What each side of one handshake ended with: for the server, the
    /// SNI name it saw and the bytes it read; for the client, the bytes it
    /// read back.
    struct Outcome {
        server: io::Result<(Option<String>, Vec<u8>)>,
        client: io::Result<Vec<u8>>,
    }

    /// Run a TLS handshake over loopback TCP, then the client sends
    /// "ping" and the server answers "pong".
    async fn handshake(
        server: Arc<ServerConfig>,
        client: Arc<ClientConfig>,
        name: &str,
    ) -> Outcome {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("local address");

        let server_side = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await?;
            let mut tls = TlsAcceptor::from(server).accept(tcp).await?;
            let sni = tls.get_ref().1.server_name().map(str::to_owned);
            let mut ping = [0; 4];
            tls.read_exact(&mut ping).await?;
            tls.write_all(b"pong").await?;
            tls.flush().await?;
            Ok::<_, io::Error>((sni, ping.to_vec()))
        });

        let name = ServerName::try_from(name.to_owned()).expect("name");
        let client = async move {
            let tcp = TcpStream::connect(address).await?;
            let mut tls = TlsConnector::from(client).connect(name, tcp).await?;
            tls.write_all(b"ping").await?;
            tls.flush().await?;
            let mut pong = [0; 4];
            tls.read_exact(&mut pong).await?;
            Ok::<_, io::Error>(pong.to_vec())
        }
        .await;
        let server = server_side.await.expect("server task");
        Outcome { server, client }
    }

    #[tokio::test]
    async fn pinned_client_talks_to_generated_server() {
        let (server, identity) = in_memory();
        assert!(identity.generated);
        assert_eq!(identity.cert_path, None);
        assert_eq!(identity.key_path, None);

        // The client pins the certificate from its PEM, as a demo would.
        let pinned: Vec<_> =
            CertificateDer::pem_slice_iter(identity.cert_pem.as_bytes())
                .collect::<Result<_, _>>()
                .expect("cert_pem parses");
        assert_eq!(pinned, vec![identity.cert_der.clone()]);
        assert_eq!(fingerprint(&pinned[0]), identity.sha256_fingerprint);

        let client = client_config(Trust::Pinned(pinned));
        let outcome = handshake(server, client, "localhost").await;
        assert_eq!(outcome.client.expect("client"), b"pong");
        let (sni, ping) = outcome.server.expect("server");
        // The client said which server it wants (SNI, RFC 6066 § 3).
        assert_eq!(sni.as_deref(), Some("localhost"));
        assert_eq!(ping, b"ping");
    }

    #[tokio::test]
    async fn pinned_client_connects_by_address() {
        // Pinning ignores the name, and the localhost certificate also
        // names 127.0.0.1; an IP address sends no SNI (RFC 6066 § 3).
        let (server, identity) = in_memory();
        let outcome =
            handshake(server, client_config(identity.trust()), "127.0.0.1")
                .await;
        assert_eq!(outcome.client.expect("client"), b"pong");
        assert_eq!(outcome.server.expect("server").0, None);
    }

    #[tokio::test]
    async fn pinned_client_refuses_another_certificate() {
        let (server, identity) = in_memory();
        let (_, other) = in_memory();
        assert_ne!(identity.sha256_fingerprint, other.sha256_fingerprint);

        let outcome =
            handshake(server, client_config(other.trust()), "localhost").await;
        let client_err = outcome.client.expect_err("client must refuse");
        let explained = explain_handshake_error(&client_err);
        assert!(
            explained.starts_with(&format!(
                "the server's certificate (sha256 {}) is not the pinned one \
                 (sha256 {})",
                identity.sha256_fingerprint, other.sha256_fingerprint
            )),
            "{explained}"
        );
        assert!(explained.contains("--trust-cert"), "{explained}");
        assert!(explained.contains("--insecure"), "{explained}");

        // The server learns from the client's alert why it failed.
        let server_err = outcome.server.expect_err("server must fail");
        let explained = explain_handshake_error(&server_err);
        assert!(
            explained.starts_with("the other side refused the certificate"),
            "{explained}"
        );
    }

    #[tokio::test]
    async fn insecure_client_accepts_any_certificate() {
        let (server, _) = in_memory();
        let outcome =
            handshake(server, client_config(Trust::Insecure), "localhost")
                .await;
        assert_eq!(outcome.client.expect("client"), b"pong");
        assert_eq!(outcome.server.expect("server").1, b"ping");
    }

    #[tokio::test]
    async fn plain_text_peer_is_explained() {
        // A "server" that answers in XML instead of TLS, as one would that
        // never sent <proceed/>.
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        let server = tokio::spawn(async move {
            let (mut tcp, _) = listener.accept().await.expect("accept");
            let mut hello = [0; 16];
            let _ = tcp.read(&mut hello).await;
            let _ = tcp.write_all(b"<stream:stream>\n").await;
        });
        let tcp = TcpStream::connect(address).await.expect("connect");
        let err = TlsConnector::from(client_config(Trust::Insecure))
            .connect(ServerName::try_from("localhost").expect("name"), tcp)
            .await
            .expect_err("not TLS");
        let explained = explain_handshake_error(&err);
        assert!(
            explained.starts_with("the other side did not answer in TLS"),
            "{explained}"
        );
        server.await.expect("server task");
    }

    #[test]
    fn the_common_name_of_a_made_certificate_is_its_domain() {
        let (_, identity) =
            server_config("a.example", None, None, None).expect("made");
        assert_eq!(
            subject_common_name(&identity.cert_der).as_deref(),
            Some("a.example")
        );
    }

    #[test]
    fn generates_beside_the_database_then_reuses() {
        let dir = temp_dir("beside");
        let db = dir.join("netlab.db");
        let (crt, key) = beside_paths(&db);
        assert_eq!(crt, dir.join("netlab.db.crt"));
        assert_eq!(key, dir.join("netlab.db.key"));

        let (_, first) =
            server_config("localhost", None, None, Some(&db)).expect("first");
        assert!(first.generated);
        assert_eq!(first.cert_path.as_deref(), Some(crt.as_path()));
        assert_eq!(first.key_path.as_deref(), Some(key.as_path()));
        let mode = fs::metadata(&key).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key mode {mode:o}");
        let written = fs::read_to_string(&crt).expect("crt file");
        assert_eq!(written, first.cert_pem);

        let (_, second) =
            server_config("localhost", None, None, Some(&db)).expect("second");
        assert!(!second.generated);
        assert_eq!(second.sha256_fingerprint, first.sha256_fingerprint);
        assert_eq!(second.cert_pem, first.cert_pem);

        // The client side loads the same file.
        match load_pinned(&crt).expect("load pinned") {
            Trust::Pinned(certs) => assert_eq!(certs, vec![first.cert_der]),
            Trust::Insecure => panic!("expected pinned"),
        }
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn key_file_is_made_private_even_if_it_existed() {
        let dir = temp_dir("private");
        let db = dir.join("netlab.db");
        let (_, key) = beside_paths(&db);
        // A key left alone (without its certificate) is replaced, and its
        // loose mode is tightened.
        fs::write(&key, "old").expect("write");
        fs::set_permissions(&key, Permissions::from_mode(0o644))
            .expect("chmod");
        let (_, identity) =
            server_config("localhost", None, None, Some(&db)).expect("make");
        assert!(identity.generated);
        let mode = fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key mode {mode:o}");
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = temp_dir("errors");
        let db = dir.join("a.db");
        let (good_crt, good_key) = beside_paths(&db);
        server_config("localhost", None, None, Some(&db)).expect("make a");
        let other = dir.join("b.db");
        let (_, other_key) = beside_paths(&other);
        server_config("localhost", None, None, Some(&other)).expect("make b");

        let missing = dir.join("missing.crt");
        let garbage = dir.join("garbage.pem");
        fs::write(&garbage, "hello, this is not PEM\n").expect("write");
        let broken = dir.join("broken.pem");
        fs::write(&broken, "-----BEGIN CERTIFICATE-----\n!!!\n")
            .expect("write");

        let err = |cert: &Path, key: &Path| {
            server_config("localhost", Some(cert), Some(key), None)
                .map(|_| ())
                .expect_err("must fail")
        };

        let e = err(&missing, &good_key);
        assert!(matches!(e, TlsError::Read { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with(&format!("could not read {}", missing.display()))
        );

        let e = err(&garbage, &good_key);
        assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!(
                "no certificate in {}",
                garbage.display()
            ))
        );

        // The key file holds a private key, but no certificate: swapped.
        let e = err(&good_key, &good_crt);
        assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");

        let e = err(&good_crt, &garbage);
        assert!(matches!(e, TlsError::NoPrivateKey { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!(
                "no private key in {}",
                garbage.display()
            ))
        );

        let e = err(&broken, &good_key);
        assert!(matches!(e, TlsError::NotPem { .. }), "{e:?}");
        assert!(e.to_string().contains(&broken.display().to_string()));

        let e = err(&good_crt, &other_key);
        assert!(matches!(e, TlsError::KeyMismatch { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!(
                "the private key in {} does not belong to the certificate \
                 in {}: give the key that was generated together with that \
                 certificate",
                other_key.display(),
                good_crt.display()
            )
        );

        let e = server_config("localhost", Some(&good_crt), None, None)
            .map(|_| ())
            .expect_err("half");
        assert!(matches!(e, TlsError::HalfPair { .. }), "{e:?}");

        // The same files given explicitly load fine.
        let (_, loaded) =
            server_config("localhost", Some(&good_crt), Some(&good_key), None)
                .expect("load");
        assert!(!loaded.generated);

        let e = load_pinned(&garbage).map(|_| ()).expect_err("garbage");
        assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");
        let e = load_pinned(&missing).map(|_| ()).expect_err("missing");
        assert!(matches!(e, TlsError::Read { .. }), "{e:?}");

        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn bad_domain_is_a_generate_error() {
        let e = server_config("bücher.example", None, None, None)
            .map(|_| ())
            .expect_err("not ASCII");
        assert!(matches!(e, TlsError::Generate { .. }), "{e:?}");
    }

    #[test]
    fn fingerprint_is_colon_separated_upper_hex() {
        // SHA-256 of the empty input, FIPS 180-2 test vector.
        let empty = CertificateDer::from(Vec::new());
        assert_eq!(
            fingerprint(&empty),
            "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:\
             27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55"
        );
    }

    #[tokio::test]
    async fn webpki_would_accept_the_certificate_as_a_root() {
        // The fact behind the comment in `client_config`: webpki takes our
        // self-signed (non-CA) certificate as its own root. We pin anyway.
        let (server, identity) = in_memory();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(identity.cert_der.clone()).expect("add root");
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let outcome = handshake(server, Arc::new(config), "localhost").await;
        assert_eq!(outcome.client.expect("webpki accepts"), b"pong");
    }
}
