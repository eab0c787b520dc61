//! `netlab xmpp gateway`: read the secret, start [`crate::gateway`], print
//! its events until Ctrl-C.
//!
//! Run (with Prosody as the XMPP server, `Component "gw.localhost"` and
//! `component_secret = "s"` in its config):
//! `NETLAB_GATEWAY_SECRET=s netlab xmpp gateway --name gw.localhost
//! --server 127.0.0.1:5347`, then `irssi -c 127.0.0.1 -p 6667 -n mallory`
//! and `/msg alice|localhost hi`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::gateway::{Config, Gateway, Trace};
use crate::show::{gateway_trace, style};

/// The environment variable the secret is read from when `--secret` is not
/// given (so it does not show in `ps` or the shell history).
pub const SECRET_ENV: &str = "NETLAB_GATEWAY_SECRET";

/// What `netlab xmpp gateway` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The component name (its XMPP domain).
    pub name: String,
    /// The XMPP server's component port.
    pub server: SocketAddr,
    /// Where IRC clients connect.
    pub irc_bind: SocketAddr,
    /// `--secret`, if given.
    pub secret: Option<String>,
    /// Print raw traffic too.
    pub trace: bool,
}

/// Runs the gateway until Ctrl-C (or SIGTERM).
pub fn run(options: &Options) -> anyhow::Result<()> {
    let secret = options
        .secret
        .clone()
        .or_else(|| std::env::var(SECRET_ENV).ok())
        .filter(|s| !s.is_empty())
        .with_context(|| {
            format!(
                "no component secret: pass --secret S or set {SECRET_ENV} \
                 (the XMPP server's component_secret for {})",
                options.name
            )
        })?;
    let show_traffic = options.trace;
    let trace: Trace = Arc::new(move |event| {
        if let Some(line) = gateway_trace::line(event, show_traffic) {
            println!("{line}");
        }
    });
    let config = Config {
        name: options.name.clone(),
        secret,
        server: options.server,
        irc_bind: options.irc_bind,
        trace: Some(trace),
    };
    let runtime =
        tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let gateway = Gateway::start(config).await.with_context(|| {
            format!(
                "starting the gateway {} (XMPP server {}, IRC on {})",
                options.name, options.server, options.irc_bind
            )
        })?;
        println!(
            "{} {}: a component of the XMPP server at {}; IRC clients \
             connect to {}",
            style::server("netlab xmpp gateway"),
            options.name,
            options.server,
            gateway.irc_addr()
        );
        println!(
            "{}",
            style::dim(&format!(
                "On IRC, /msg alice|localhost hi reaches alice@localhost; on \
                 XMPP, NICK@{} is IRC user NICK. Ctrl-C stops it.",
                options.name
            ))
        );
        let shutdown = CancellationToken::new();
        let stopper = shutdown.clone();
        tokio::spawn(async move {
            super::xmpp_server::wait_for_stop_signal().await;
            stopper.cancel();
        });
        gateway.run(shutdown).await?;
        println!("stopped");
        anyhow::Ok(())
    })
}
