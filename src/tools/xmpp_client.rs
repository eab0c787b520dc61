//! `netlab xmpp client`: chat from a terminal, or send and receive one
//! message from a script.
//!
//! Interactive commands:
//!
//! ```text
//! /msg JID TEXT     send a chat message (then plain lines go to JID)
//! /roster           show the contact list and subscription states
//! /add JID          ask to see JID's presence (a subscription request)
//! /accept JID       let JID see your presence
//! /presence [SHOW] [STATUS]   online, away, chat, dnd or xa, with a status
//! /quit             close the stream and leave
//! ```
//!
//! It answers what a well-behaved client must: roster pushes get a result
//! (RFC 6121 § 2.1.6), pings a pong (XEP-0199), any other request
//! `service-unavailable` (RFC 6120 § 8.4).
//!
//! It asks for stream management (XEP-0198) unless told not to: when the
//! connection breaks, it says so, connects again and resumes the session
//! (or, if the server no longer has it, starts a new one), and sends again
//! whatever the server had not acknowledged.

use crate::xmpp::ns;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncBufReadExt;

use crate::show::style;
use crate::units;
use crate::xmpp::client::{
    Client, ClientError, ClientTrace, Direction, Options, Reconnected, Security,
};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{self, ErrorType};
use crate::xmpp::tls::{self, Trust};

/// What `netlab xmpp client` was asked for.
#[derive(Clone, Debug)]
pub struct Args {
    /// The account.
    pub jid: String,
    /// The password, if given on the command line.
    pub password: Option<String>,
    /// Where the server is.
    pub server: Option<SocketAddr>,
    /// A certificate to pin.
    pub trust_cert: Option<PathBuf>,
    /// Accept any certificate.
    pub insecure: bool,
    /// No TLS.
    pub plaintext: bool,
    /// The resource to ask for.
    pub resource: Option<String>,
    /// Send one message: (to, text).
    pub send: Option<(String, String)>,
    /// Wait for this many messages, print them, exit.
    pub recv: Option<usize>,
    /// Give up one-shot waits after this long.
    pub timeout: Duration,
    /// Print the XML.
    pub trace: bool,
    /// Show a PLAIN password in the trace.
    pub trace_secrets: bool,
    /// Ask for stream management (XEP-0198).
    pub stream_management: bool,
}

/// Runs the client.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let jid = Jid::parse(&args.jid)
        .with_context(|| format!("'{}' is not a JID", args.jid))?;
    if jid.local().is_none() {
        anyhow::bail!(
            "'{jid}' has no account name: write it as name@{}",
            jid.domain()
        );
    }
    let security = security(args)?;
    let password = match &args.password {
        Some(password) => password.clone(),
        None => super::xmpp_server::read_password(&args.jid)?,
    };
    let secrets = args.trace_secrets;
    let trace: Option<ClientTrace> = args.trace.then(|| {
        let trace: ClientTrace = Arc::new(move |direction, text| {
            let redacted = (!secrets)
                .then(|| crate::xmpp::sasl::redact_password(text))
                .flatten();
            let text = redacted.as_deref().unwrap_or(text);
            let arrow = match direction {
                Direction::Sent => style::client("C→S").to_string(),
                Direction::Received => style::server("S→C").to_string(),
                Direction::Note => style::dim("--").to_string(),
            };
            eprintln!("{arrow} {text}");
        });
        trace
    });
    let mut options = Options::new(jid.clone(), password, security);
    options.server = Some(match args.server {
        Some(addr) => addr,
        None if jid.domain() == "localhost" => {
            SocketAddr::from(([127, 0, 0, 1], 5222))
        }
        None => {
            format!("{}:5222", jid.domain()).parse().with_context(|| {
                format!("pass --server HOST:PORT for {}", jid.domain())
            })?
        }
    });
    options.resource = args.resource.clone();
    options.trace = trace;
    options.stream_management = args.stream_management;
    let runtime =
        tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let mut client = Client::connect(options).await?;
        println!(
            "logged in as {} ({}, {})",
            style::client(&client.jid().to_string()),
            client.mechanism().name(),
            if client.is_secure() {
                "TLS"
            } else {
                "no TLS: readable on the wire"
            }
        );
        if let Some((to, text)) = &args.send {
            send_message(&mut client, to, text).await?;
            println!("sent to {to}");
            // Wait for an error bounce (unknown user …) before leaving.
            if let Ok(Ok(Some(reply))) =
                tokio::time::timeout(Duration::from_millis(300), client.recv())
                    .await
                && reply.attr("type") == Some("error")
            {
                anyhow::bail!("{}", describe_error(&reply));
            }
            client.close().await?;
            return Ok(());
        }
        client.send(&Element::new("presence", None)).await?;
        if let Some(count) = args.recv {
            receive(&mut client, count, args.timeout).await?;
            client.close().await?;
            return Ok(());
        }
        interactive(client).await
    })
}

fn security(args: &Args) -> anyhow::Result<Security> {
    Ok(match (&args.trust_cert, args.insecure, args.plaintext) {
        (_, _, true) => Security::Plaintext,
        (_, true, _) => Security::StartTls(Trust::Insecure),
        (Some(path), _, _) => Security::StartTls(tls::load_pinned(path)?),
        (None, false, false) => {
            // The certificate `netlab xmpp server` generated beside its
            // default database, if this machine has one.
            let db = super::xmpp_server::default_db()?;
            let (cert, _) = tls::beside_paths(std::path::Path::new(&db));
            if cert.exists() {
                Security::StartTls(tls::load_pinned(&cert)?)
            } else {
                anyhow::bail!(
                    "which server certificate should be trusted? pass --trust-cert FILE \
                     (the .crt the server printed at start), --insecure (any certificate), \
                     or --plaintext (no TLS, teaching mode)"
                )
            }
        }
    })
}

async fn send_message(
    client: &mut Client,
    to: &str,
    text: &str,
) -> anyhow::Result<()> {
    let to = Jid::parse(to).with_context(|| format!("'{to}' is not a JID"))?;
    let message = Element::new("message", None)
        .with_attr("to", to.to_string())
        .with_attr("type", "chat")
        .with_child(Element::new("body", None).with_text(text));
    client.send(&message).await?;
    Ok(())
}

/// `--recv N`: prints N messages as `FROM: BODY`.
async fn receive(
    client: &mut Client,
    count: usize,
    timeout: Duration,
) -> anyhow::Result<()> {
    let mut got = 0;
    let deadline = tokio::time::Instant::now() + timeout;
    while got < count {
        let next = tokio::time::timeout_at(deadline, client.recv()).await;
        let Ok(next) = next else {
            anyhow::bail!(
                "received {got} of {count} messages in {} s",
                timeout.as_secs()
            );
        };
        let element = match next {
            Ok(Some(element)) => element,
            Ok(None) => anyhow::bail!(
                "the server closed the stream after {got} of {count} messages"
            ),
            Err(err) => {
                recover(client, err.into()).await?;
                continue;
            }
        };
        if element.local_name() == "message"
            && let Some(body) = element.child("body", ns::CLIENT)
        {
            println!(
                "{}: {}",
                element.attr("from").unwrap_or("?"),
                body.text()
            );
            got += 1;
        } else {
            answer(client, &element).await?;
        }
    }
    Ok(())
}

/// The chat loop: lines from the terminal, stanzas from the server.
async fn interactive(mut client: Client) -> anyhow::Result<()> {
    println!(
        "{}",
        style::dim(
            "/msg JID TEXT · /roster · /add JID · /accept JID · /presence [away|dnd|xa|chat] [status] · /quit"
        )
    );
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut talking_to: Option<String> = None;
    loop {
        tokio::select! {
            line = lines.next_line() => {
                let Some(line) = line.context("reading the terminal")? else { break };
                match command(&mut client, line.trim(), &mut talking_to).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(err) => recover(&mut client, err).await?,
                }
            }
            stanza = client.recv() => {
                let element = match stanza {
                    Ok(Some(element)) => element,
                    Ok(None) => {
                        println!("the server closed the stream");
                        return Ok(());
                    }
                    Err(err) => {
                        recover(&mut client, err.into()).await?;
                        continue;
                    }
                };
                show(&element);
                if let Err(err) = answer(&mut client, &element).await {
                    recover(&mut client, err).await?;
                }
            }
        }
    }
    client.close().await?;
    Ok(())
}

/// After `err`: if it was the connection breaking and the session can be
/// resumed, connects again until it is back (or the server's resumption
/// window has passed), saying what happened. Any other error is returned.
async fn recover(
    client: &mut Client,
    err: anyhow::Error,
) -> anyhow::Result<()> {
    let broken = matches!(
        err.downcast_ref::<ClientError>(),
        Some(
            ClientError::Closed {
                during_login: false
            } | ClientError::Io(_)
        )
    );
    if !broken || !client.can_resume() {
        return Err(err);
    }
    println!("connection lost ({}): resuming the session", why_lost(&err));
    let window = client.resume_window().unwrap_or(Duration::from_secs(60));
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(100);
    loop {
        match client.reconnect().await {
            Ok(Reconnected::Resumed { acked, resent }) => {
                println!(
                    "resumed: the server had handled {acked} more of ours, \
                     {resent} sent again"
                );
                return Ok(());
            }
            Ok(Reconnected::NewSession { condition, resent }) => {
                println!(
                    "not resumed (<{condition}/>): a new session, {resent} \
                     sent again"
                );
                // A new session is offline until it says otherwise.
                client.send(&Element::new("presence", None)).await?;
                return Ok(());
            }
            Err(err) if started.elapsed() < window => {
                println!(
                    "reconnecting failed ({}); again in {}",
                    why_lost(&err.into()),
                    units::duration(wait)
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// A broken connection in a few words: the system's own message can be
/// a line long (rustls adds a link to its manual).
fn why_lost(err: &anyhow::Error) -> String {
    match err.downcast_ref::<ClientError>() {
        Some(ClientError::Io(io)) => match io.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                "cut, without a goodbye".into()
            }
            std::io::ErrorKind::ConnectionReset => "reset".into(),
            std::io::ErrorKind::ConnectionRefused => "refused".into(),
            kind => kind.to_string(),
        },
        Some(ClientError::Closed { during_login: true }) => {
            "closed during login".into()
        }
        Some(ClientError::Closed {
            during_login: false,
        }) => "closed".into(),
        Some(ClientError::Refused { .. }) => "nothing listens".into(),
        _ => err.to_string(),
    }
}

/// One line typed by the user; `false` to quit.
async fn command(
    client: &mut Client,
    line: &str,
    talking_to: &mut Option<String>,
) -> anyhow::Result<bool> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    match word {
        "" => {}
        "/quit" => return Ok(false),
        "/msg" => {
            let Some((to, text)) = rest.split_once(' ') else {
                println!("usage: /msg JID TEXT");
                return Ok(true);
            };
            send_message(client, to, text).await?;
            *talking_to = Some(to.to_owned());
        }
        "/roster" => {
            let iq = Element::new("iq", None)
                .with_attr("type", "get")
                .with_child(
                    Element::new("query", None).with_attr("xmlns", ns::ROSTER),
                );
            let result = client.request(iq).await?;
            let items: Vec<&Element> = result
                .child("query", ns::ROSTER)
                .map(|q| q.elements().collect())
                .unwrap_or_default();
            if items.is_empty() {
                println!("the roster is empty: /add JID");
            }
            for item in items {
                println!(
                    "  {}  subscription={}{}",
                    item.attr("jid").unwrap_or("?"),
                    item.attr("subscription").unwrap_or("none"),
                    if item.attr("ask").is_some() {
                        " (request pending)"
                    } else {
                        ""
                    }
                );
            }
        }
        "/add" | "/accept" => {
            let kind = if word == "/add" {
                "subscribe"
            } else {
                "subscribed"
            };
            let to = Jid::parse(rest.trim())
                .with_context(|| format!("'{rest}' is not a JID"))?;
            client
                .send(
                    &Element::new("presence", None)
                        .with_attr("to", to.to_string())
                        .with_attr("type", kind),
                )
                .await?;
            println!("sent {kind} to {to}");
        }
        "/presence" => {
            let (show, status) = rest.split_once(' ').unwrap_or((rest, ""));
            let mut presence = Element::new("presence", None);
            if matches!(show, "away" | "chat" | "dnd" | "xa") {
                presence = presence
                    .with_child(Element::new("show", None).with_text(show));
            }
            if !status.is_empty() {
                presence = presence
                    .with_child(Element::new("status", None).with_text(status));
            }
            client.send(&presence).await?;
        }
        _ if word.starts_with('/') => println!("unknown command {word}"),
        _ => match talking_to {
            Some(to) => send_message(client, &to.clone(), line).await?,
            None => println!("to whom? /msg JID TEXT first"),
        },
    }
    Ok(true)
}

/// Prints an incoming stanza for a human.
fn show(element: &Element) {
    let from = element.attr("from").unwrap_or("the server");
    match (element.local_name(), element.attr("type")) {
        ("message", Some("error")) => {
            println!("{}", style::error(&describe_error(element)))
        }
        ("message", _) => {
            if let Some(body) = element.child("body", ns::CLIENT) {
                let delayed =
                    element.elements().any(|e| e.local_name() == "delay");
                println!(
                    "{}: {}{}",
                    style::server(from),
                    body.text(),
                    if delayed {
                        "  (sent while you were offline)"
                    } else {
                        ""
                    }
                );
            }
        }
        ("presence", Some("subscribe")) => {
            println!("{from} asks to see your presence: /accept {from}")
        }
        ("presence", Some("subscribed")) => {
            println!("{from} accepted: you will see their presence")
        }
        ("presence", Some("unsubscribed")) => {
            println!("{from} no longer shares their presence")
        }
        ("presence", Some("unavailable")) => println!("{from} is offline"),
        ("presence", None) => {
            let show = element
                .child("show", ns::CLIENT)
                .map(|s| s.text())
                .unwrap_or_else(|| "online".into());
            let status = element
                .child("status", ns::CLIENT)
                .map(|s| format!(" ({})", s.text()))
                .unwrap_or_default();
            println!("{from} is {show}{status}");
        }
        ("presence", Some("error")) => {
            println!("{}", style::error(&describe_error(element)))
        }
        _ => {}
    }
}

/// Answers what must be answered.
async fn answer(client: &mut Client, element: &Element) -> anyhow::Result<()> {
    if element.local_name() != "iq"
        || !matches!(element.attr("type"), Some("get" | "set"))
    {
        return Ok(());
    }
    let child = element.elements().next();
    let ns = child.and_then(|c| c.ns.as_deref()).unwrap_or_default();
    let ok = ns == ns::ROSTER && element.attr("type") == Some("set")
        || ns == ns::PING;
    let reply = if ok {
        let mut reply = Element::new("iq", None)
            .with_attr("type", "result")
            .with_attr("id", element.attr("id").unwrap_or_default());
        if let Some(from) = element.attr("from") {
            reply = reply.with_attr("to", from);
        }
        Some(reply)
    } else {
        stanza::error_reply(element, "service-unavailable", ErrorType::Cancel)
    };
    if let Some(reply) = reply {
        client.send(&reply).await?;
    }
    Ok(())
}

fn describe_error(element: &Element) -> String {
    let condition = element
        .elements()
        .find(|e| e.local_name() == "error")
        .and_then(|e| e.elements().next())
        .map(|c| c.local_name().to_owned())
        .unwrap_or_else(|| "undefined-condition".into());
    let about = element.attr("from").unwrap_or("?");
    let advice = match condition.as_str() {
        "service-unavailable" => "no such account, or it cannot take this",
        "remote-server-not-found" => {
            "that domain is not served here (no federation)"
        }
        "resource-constraint" => "the recipient is not reading fast enough",
        _ => "see RFC 6120 § 8.3.3",
    };
    format!("error from {about}: {condition} ({advice})")
}
