//! `netlab xmpp server` and the account commands: open the store, set up
//! TLS, run [`crate::xmpp::server`] until Ctrl-C, print what it does.
//!
//! Run: `netlab xmpp adduser juliet@localhost --password secret`, then
//! `netlab xmpp server --trace`, then any XMPP client (or
//! `netlab xmpp client juliet@localhost`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::show::{style, xmpp_trace};
use crate::xmpp::server::{
    ComponentSpec, Config, S2sConfig, Server, TlsMode, Trace,
};
use crate::xmpp::store::Store;
use crate::xmpp::{accounts, tls};

/// What `netlab xmpp server` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The domain served.
    pub domain: String,
    /// Where to listen.
    pub bind: SocketAddr,
    /// The SQLite file, or `:memory:`.
    pub db: String,
    /// STARTTLS policy.
    pub tls: TlsMode,
    /// `--tls off` on an address other machines can reach.
    pub allow_plaintext_network: bool,
    /// A PEM certificate chain, instead of the generated one.
    pub cert: Option<PathBuf>,
    /// Its private key.
    pub key: Option<PathBuf>,
    /// Print every stanza.
    pub trace: bool,
    /// Show PLAIN passwords in the trace.
    pub trace_secrets: bool,
    /// The most connections at once.
    pub max_connections: usize,
    /// The read budget of one client connection.
    pub read_rate: Option<crate::xmpp::server::shares::Rate>,
    /// Client connections per address; 0: no limit.
    pub max_per_address: usize,
    /// How long a broken connection's session may be resumed.
    pub resume_window: std::time::Duration,
    /// External components to host.
    pub components: Vec<ComponentSpec>,
    /// Where they connect (bound only when there are some).
    pub component_bind: SocketAddr,
    /// Federation, if on.
    pub s2s: Option<S2sConfig>,
    /// The CA for server certificates (`--s2s-ca`), with `cert`/`key`.
    pub s2s_ca: Option<PathBuf>,
}

/// Reads `NAME=SECRET` lines (`#` comments, blank lines skipped).
pub fn read_component_file(
    path: &std::path::Path,
) -> anyhow::Result<Vec<ComponentSpec>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut components = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let component = crate::cli::parse_component(line).map_err(|err| {
            anyhow::anyhow!("{}, line {}: {err}", path.display(), number + 1)
        })?;
        components.push(component);
    }
    Ok(components)
}

/// Refuses plaintext where the network can read it, and says when the
/// server is reachable from other machines at all.
fn check_exposure(options: &Options) -> anyhow::Result<()> {
    let addr = options.bind;
    if addr.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    if options.tls == TlsMode::Off && !options.allow_plaintext_network {
        anyhow::bail!(
            "--tls off on {addr}, an address other machines can reach: \
             anyone on that network could read every message. Bind \
             127.0.0.1 for teaching, or pass --allow-plaintext-network on \
             a lab network you control (PLAIN is then still offered to \
             loopback clients only)"
        );
    }
    eprintln!(
        "{}",
        crate::show::wrap(
            &format!(
                "note: listening on {addr}, which other machines can reach \
                 (not a loopback address)"
            ),
            crate::show::width::current(),
            2,
        )
    );
    Ok(())
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(options: &Options) -> anyhow::Result<()> {
    check_exposure(options)?;
    let store = Store::open(&options.db)
        .with_context(|| format!("opening the database {}", options.db))?;
    warn_if_loose(&options.db);
    // Clients may go without TLS (`--tls off`); other servers expect it
    // (Prosody requires it), so federation keeps a certificate anyway.
    let tls_config = if options.tls == TlsMode::Off && options.s2s.is_none() {
        None
    } else {
        let beside = (options.db != ":memory:")
            .then(|| std::path::Path::new(&options.db));
        let (config, identity) = tls::server_config(
            &options.domain,
            options.cert.as_deref(),
            options.key.as_deref(),
            beside,
        )
        .context("setting up TLS")?;
        match (&identity.cert_path, identity.generated) {
            (Some(path), true) => println!(
                "generated a self-signed certificate for {}: {} (sha256 {})",
                options.domain,
                path.display(),
                identity.sha256_fingerprint
            ),
            (Some(path), false) => println!(
                "certificate: {} (sha256 {})",
                path.display(),
                identity.sha256_fingerprint
            ),
            (None, _) => println!(
                "certificate: generated in memory (sha256 {})",
                identity.sha256_fingerprint
            ),
        }
        Some(config)
    };
    let mut s2s = options.s2s.clone();
    if let (Some(s2s), Some(ca), Some(cert), Some(key)) =
        (&mut s2s, &options.s2s_ca, &options.cert, &options.key)
    {
        let loaded =
            crate::xmpp::s2s_tls::S2sTls::load(ca, cert, key, &options.domain)
                .context("setting up server certificates (--s2s-ca)")?;
        println!(
            "server certificates: checked against {}; ours {} for {}",
            ca.display(),
            if loaded.own_valid {
                "verifies"
            } else {
                "does NOT verify (SASL EXTERNAL not attempted outbound)"
            },
            options.domain
        );
        s2s.ca = Some(Arc::new(loaded));
    }
    let secrets = options.trace_secrets;
    let trace: Option<Trace> = options.trace.then(|| {
        let trace: Trace = Arc::new(move |event| {
            let redacted = (!secrets)
                .then(|| crate::xmpp::sasl::redact_password(event.text))
                .flatten();
            match redacted {
                Some(text) => println!(
                    "{}",
                    xmpp_trace::line(&crate::xmpp::server::TraceEvent {
                        text: &text,
                        ..*event
                    })
                ),
                None => println!("{}", xmpp_trace::line(event)),
            }
        });
        trace
    });
    let config = Config {
        domain: options.domain.clone(),
        tls: options.tls,
        trace,
        max_connections: options.max_connections,
        read_rate: options.read_rate,
        max_per_address: options.max_per_address,
        resume_window: options.resume_window,
        component_bind: (!options.components.is_empty())
            .then_some(options.component_bind),
        components: options.components.clone(),
        s2s: s2s.clone(),
        ..Config::default()
    };
    let users = store.users().context("reading accounts")?;
    let runtime =
        tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let server = Server::bind(options.bind, config, store, tls_config)
            .await
            .with_context(|| format!("listening on {}", options.bind))?;
        let addr = server.local_addr()?;
        println!(
            "{} serving {} on {addr} (TLS: {}), {} account{}{}",
            style::server("netlab xmpp server"),
            options.domain,
            match options.tls {
                TlsMode::Auto => "STARTTLS offered",
                TlsMode::Required => "STARTTLS required",
                TlsMode::Off => "off, everything in the clear",
            },
            users.len(),
            if users.len() == 1 { "" } else { "s" },
            if users.is_empty() {
                format!(
                    "; add one with `netlab xmpp adduser NAME@{} --db {}`",
                    options.domain, options.db
                )
            } else {
                String::new()
            }
        );
        if let Some(addr) = server.s2s_addr() {
            println!(
                "{} other servers connect on {addr} (federation: {}{})",
                style::server("netlab xmpp server"),
                if options.s2s_ca.is_some() {
                    "SASL EXTERNAL where certificates verify, else dialback"
                } else {
                    "dialback"
                },
                if options.tls == TlsMode::Off && options.s2s.is_some() {
                    ", STARTTLS for servers only"
                } else {
                    " over STARTTLS"
                }
            );
        }
        if let Some(addr) = server.component_addr() {
            let names: Vec<&str> =
                options.components.iter().map(|c| c.name.as_str()).collect();
            println!(
                "{} components connect on {addr} (XEP-0114): {}",
                style::server("netlab xmpp server"),
                names.join(", ")
            );
        }
        println!(
            "{} limits: {}; {}",
            style::server("netlab xmpp server"),
            match options.read_rate {
                Some(rate) => format!(
                    "each client read at {} bytes/s (bursts of {})",
                    crate::units::count(rate.bytes_per_second),
                    crate::units::count(rate.burst)
                ),
                None => "clients read as fast as they send".to_owned(),
            },
            match options.max_per_address {
                0 => "any number of connections per address".to_owned(),
                n => format!("{n} connections per address"),
            }
        );
        println!(
            "{}",
            style::dim(
                "Ctrl-C stops it: every client gets <system-shutdown/> first."
            )
        );
        let shutdown = CancellationToken::new();
        let stopper = shutdown.clone();
        tokio::spawn(async move {
            wait_for_stop_signal().await;
            stopper.cancel();
        });
        server.run(shutdown).await?;
        println!("stopped");
        anyhow::Ok(())
    })
}

/// Ctrl-C or SIGTERM.
pub(crate) async fn wait_for_stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// What an account command does.
#[derive(Clone, Copy, Debug)]
pub enum AccountAction {
    /// Create.
    Add,
    /// Change the password.
    Passwd,
    /// Delete.
    Delete,
}

/// `adduser`, `passwd`, `deluser`.
pub fn account(
    action: AccountAction,
    db: &str,
    domain: &str,
    jid: &str,
    password: Option<String>,
) -> anyhow::Result<()> {
    let store = Store::open(db)
        .with_context(|| format!("opening the database {db}"))?;
    warn_if_loose(db);
    let password = || -> anyhow::Result<String> {
        match &password {
            Some(password) => Ok(password.clone()),
            None => read_password(jid),
        }
    };
    let user = match action {
        AccountAction::Add => accounts::add(&store, jid, domain, &password()?)?,
        AccountAction::Passwd => {
            accounts::passwd(&store, jid, domain, &password()?)?
        }
        AccountAction::Delete => accounts::delete(&store, jid, domain)?,
    };
    let done = match action {
        AccountAction::Add => {
            "created (SCRAM-SHA-1 and SCRAM-SHA-256 keys stored, not the password)"
        }
        AccountAction::Passwd => "password changed",
        AccountAction::Delete => {
            "deleted, with its roster, offline messages and vCard"
        }
    };
    println!("{user}@{domain}: {done}");
    Ok(())
}

/// Reads a password: without echo from a terminal, else one line of stdin.
pub fn read_password(jid: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("password for {jid}: "))
            .context("reading the password");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Says on stderr which of the database's files others can read, and the
/// `chmod` that fixes each.
fn warn_if_loose(db: &str) {
    for warning in crate::xmpp::store::loose_permissions(db) {
        let text = crate::show::wrap(
            &format!("warning: {warning}"),
            crate::show::width::current(),
            2,
        );
        eprintln!("{}", style::error(&text));
    }
}

/// `~/.local/share/netlab/xmpp.sqlite` (or under `$XDG_DATA_HOME`), its
/// directory created if needed, readable by its owner only (0700).
pub fn default_db() -> anyhow::Result<String> {
    let base =
        match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
            (Some(data), _) if !data.is_empty() => PathBuf::from(data),
            (_, Some(home)) => PathBuf::from(home).join(".local/share"),
            _ => anyhow::bail!(
                "neither XDG_DATA_HOME nor HOME is set: pass --db FILE"
            ),
        };
    let dir = base.join("netlab");
    std::os::unix::fs::DirBuilderExt::mode(
        std::fs::DirBuilder::new().recursive(true),
        0o700,
    )
    .create(&dir)
    .with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join("xmpp.sqlite").to_string_lossy().into_owned())
}
