//! The command line: every subcommand, its arguments and its help text.
//!
//! Each subcommand owns its arguments (`clap` derive), and the doc comments
//! *are* the `--help` text, so they are written for students. [`run`] only
//! dispatches: the work happens in [`crate::course`] and
//! [`crate::sockets`], presentation in [`crate::show`].
//!
//! Read next: [`crate::course::registry`].

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::course::pace::Pacer;
use crate::course::registry;
use crate::course::{lesson10, player, recording};
use crate::show::{self, style::ColorChoice};
use crate::sockets::walkthrough::Walkthrough;
use crate::tools::{self, dissect};
use crate::transport::lab;
use crate::wire::dissect::Link;

/// netlab: how instant messaging really travels over a network.
///
/// A course in ten lessons that follows a beginner's article on XMPP, with
/// live demos on your own machine: real kernel sockets, real packets, real
/// XMPP. Start with `netlab lessons`, then `netlab lesson 10` or `netlab
/// tour`.
#[derive(Debug, Parser)]
#[command(name = "netlab", version, propagate_version = true)]
pub struct Cli {
    /// When to colour the output: auto (a terminal, and NO_COLOR unset),
    /// always, or never.
    #[arg(long, global = true, value_enum, default_value_t)]
    pub color: ColorChoice,

    /// The course's language: en, or zh (简体中文). Without it, the
    /// locale decides (LC_ALL, LC_MESSAGES, LANG: zh_CN.UTF-8 is
    /// Chinese); English otherwise.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<crate::lang::Lang>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// What `tracing` prints when `RUST_LOG` says nothing: the servers
    /// (`xmpp server`, `xmpp gateway`) run unattended, so their warnings
    /// and errors — a store that failed, a peer that broke the protocol —
    /// go to stderr by default; everything else stays quiet, so that
    /// stdout and stderr are the stable, testable transcript.
    pub fn default_log_filter(&self) -> &'static str {
        match &self.command {
            Command::Xmpp(XmppCommand::Server(_) | XmppCommand::Gateway(_)) => {
                "warn"
            }
            _ => "off",
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the ten lessons in the article's order, with what each live
    /// demo shows and whether it is built yet.
    Lessons,
    /// Play one lesson: narration, live demo, key points, exercises.
    Lesson(LessonArgs),
    /// Play every built lesson in order.
    Tour(TourArgs),
    /// Look up a term the course uses (`netlab glossary stanza`): its
    /// meaning, the lesson that shows it and its Chinese term. Without a
    /// term, list them all.
    Glossary(GlossaryArgs),
    /// Socket tools: a server and a client that show each system call.
    #[command(subcommand)]
    Socket(SocketCommand),
    /// Take captured frames apart, layer by layer: pcap or pcapng files,
    /// stdin (`-`), or hex (`--hex`).
    Dissect(DissectArgs),
    /// Capture live traffic on an interface and take each frame apart.
    /// Needs CAP_NET_RAW.
    Capture(CaptureArgs),
    /// Open a real TCP connection on loopback, capture it, and draw it as a
    /// ladder: SYN, SYN-ACK, ACK, data, FIN. Needs CAP_NET_RAW.
    Handshake(HandshakeArgs),
    /// Send one chat message from alice@a.example to bob@b.example across
    /// two federated XMPP servers on loopback, and show it going down the
    /// stack (XMPP, TCP, IPv4, Ethernet, bytes) on each of its three
    /// connections and up again at bob's end; then again with TLS, to see
    /// what an eavesdropper sees. Needs CAP_NET_RAW.
    Trace(TraceArgs),
    /// Measure TCP and UDP side by side on this machine: set-up, round
    /// trips, throughput, boundaries, size limits; with --loss, also across
    /// a lossy two-host lab (needs root).
    Compare(CompareArgs),
    /// A two-host lab: network namespaces joined by a virtual cable, with
    /// optional random packet loss. Needs root (CAP_SYS_ADMIN for the
    /// namespaces, CAP_NET_ADMIN for their interfaces and firewall rules).
    #[command(subcommand)]
    Lab(LabCommand),
    /// XMPP: a small real server, its accounts, and a client.
    #[command(subcommand)]
    Xmpp(XmppCommand),
    /// Print a shell completion script, e.g. `netlab completions bash >
    /// ~/.local/share/bash-completion/completions/netlab`.
    Completions(CompletionArgs),
}

/// `netlab xmpp …`
#[derive(Debug, Subcommand)]
pub enum XmppCommand {
    /// Run an XMPP server (RFC 6120/6121) that real clients can use:
    /// STARTTLS, SCRAM, rosters, presence, offline messages, vCards.
    ///
    /// Create an account first (`netlab xmpp adduser juliet@localhost`),
    /// then point any XMPP client at 127.0.0.1:5222.
    Server(Box<XmppServerArgs>),
    /// Log in to an XMPP server and chat (/msg, /roster, /add, /accept,
    /// /presence, /quit), or send (--send) or receive (--recv) one message
    /// from a script.
    Client(XmppClientArgs),
    /// Create an account. The password is read from the terminal (or one
    /// line of stdin) unless --password is given.
    Adduser(XmppAccountArgs),
    /// Load any XMPP server (ours, Prosody, ejabberd): messages per second
    /// and latency, logins per second, memory for idle connections.
    /// Accounts PREFIX1…PREFIXn must exist.
    Bench(XmppBenchArgs),
    /// Change an account's password.
    Passwd(XmppAccountArgs),
    /// Delete an account, with its roster, offline messages and vCard.
    Deluser(XmppAccountArgs),
    /// Run an XMPP ↔ IRC gateway: an external component (XEP-0114) of an
    /// XMPP server on one side, a small IRC server on the other.
    ///
    /// IRC user mallory appears on XMPP as mallory@NAME; XMPP user
    /// alice@localhost appears on IRC as the nick alice|localhost. The
    /// XMPP server must know the component (Prosody: `Component
    /// "gw.localhost"` with `component_secret`).
    Gateway(XmppGatewayArgs),
}

/// Arguments of `netlab xmpp gateway`.
#[derive(Debug, Args)]
pub struct XmppGatewayArgs {
    /// The component's name, which becomes the gateway's XMPP domain: IRC
    /// user mallory is mallory@NAME.
    #[arg(long, default_value = "gw.localhost")]
    pub name: String,
    /// The XMPP server's component port (Prosody's default is 5347).
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:5347")]
    pub server: SocketAddr,
    /// Where IRC clients connect (6667 is IRC's usual port; port 0 picks a
    /// free one).
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:6667")]
    pub irc_bind: SocketAddr,
    /// The secret shared with the XMPP server (Prosody:
    /// component_secret). If not given, it is read from the environment
    /// variable NETLAB_GATEWAY_SECRET, which keeps it out of `ps`; without
    /// either the gateway does not start.
    #[arg(long)]
    pub secret: Option<String>,
    /// Also print every piece of XML and every IRC line, in and out,
    /// tagged by side.
    #[arg(long)]
    pub trace: bool,
}

/// The database and domain, shared by the server and account commands.
#[derive(Debug, Args)]
pub struct XmppStoreArgs {
    /// The SQLite database: accounts, rosters, offline messages, vCards.
    /// `:memory:` keeps nothing (for demos). Default:
    /// ~/.local/share/netlab/xmpp.sqlite
    #[arg(long, value_name = "FILE")]
    pub db: Option<String>,
    /// The domain served: the part after `@` in account JIDs.
    #[arg(long, default_value = "localhost")]
    pub domain: String,
}

impl XmppStoreArgs {
    fn db(&self) -> anyhow::Result<String> {
        match &self.db {
            Some(db) => Ok(db.clone()),
            None => tools::xmpp_server::default_db(),
        }
    }
}

/// Arguments of `netlab xmpp server`.
#[derive(Debug, Args)]
pub struct XmppServerArgs {
    /// The database and domain.
    #[command(flatten)]
    pub store: XmppStoreArgs,
    /// Where to listen (5222 is XMPP's client port, RFC 6120 § 14.7).
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:5222")]
    pub bind: SocketAddr,
    /// auto: offer STARTTLS; required: insist on it; off: plaintext
    /// teaching mode, readable in a capture (PLAIN passwords too), on a
    /// loopback address only unless --allow-plaintext-network.
    #[arg(long, value_enum, default_value_t)]
    pub tls: TlsArg,
    /// Let --tls off listen on an address other machines can reach (a
    /// lab network you control). PLAIN is still offered to loopback
    /// clients only.
    #[arg(long)]
    pub allow_plaintext_network: bool,
    /// A PEM certificate (chain) to use instead of the generated
    /// self-signed one.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<std::path::PathBuf>,
    /// The PEM private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<std::path::PathBuf>,
    /// Print every stanza in and out, per connection: the XML console.
    /// A password a client sends with PLAIN is shown as
    /// `[password redacted …]`.
    #[arg(long)]
    pub trace: bool,
    /// With --trace, show PLAIN passwords too (a demo on throwaway
    /// accounts only: the trace is often kept in a log).
    #[arg(long, requires = "trace")]
    pub trace_secrets: bool,
    /// The most client connections open at once; more are refused with
    /// the stream error resource-constraint.
    #[arg(long, default_value_t = 20_000)]
    pub max_connections: usize,
    /// How many bytes per second one client connection is read, on
    /// average, so no client takes the whole server (0: no limit). A
    /// chat message is a few hundred bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    pub read_rate: u64,
    /// How many bytes a client may send at once before --read-rate
    /// applies.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub read_burst: u64,
    /// The most client connections open at once from one IP address; the
    /// next gets the stream error policy-violation (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_per_address: usize,
    /// Seconds a session whose connection broke is kept for the client to
    /// resume it (stream management, XEP-0198 § 5); 0: not resumable.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub resume_window: f64,
    /// Host an external component (XEP-0114), e.g. a gateway:
    /// --component gw.localhost=s3cret. Repeatable. The secret is visible
    /// in `ps`: --component-file keeps it off the command line.
    #[arg(long, value_name = "NAME=SECRET", value_parser = parse_component)]
    pub component: Vec<crate::xmpp::server::ComponentSpec>,
    /// Read components from a file, one NAME=SECRET per line (# starts a
    /// comment); keep it readable only by you (chmod 600).
    #[arg(long, value_name = "FILE")]
    pub component_file: Option<std::path::PathBuf>,
    /// Where components connect (5347 by custom; port 0 picks a free
    /// one). Opened only when a component is configured.
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:5347")]
    pub component_bind: SocketAddr,
    /// Federation with other XMPP servers (server-to-server, dialback):
    /// on, or off (stanzas for other domains get remote-server-not-found).
    #[arg(long, value_enum, default_value_t = OnOff::On)]
    pub s2s: OnOff,
    /// Where other servers connect (5269, RFC 6120 § 14.7; port 0 picks a
    /// free one).
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:5269")]
    pub s2s_bind: SocketAddr,
    /// Reach DOMAIN's server at HOST:PORT without asking DNS, e.g.
    /// --s2s-route b.example=127.0.0.1:5270. Repeatable.
    #[arg(long, value_name = "DOMAIN=HOST:PORT", value_parser = parse_route)]
    pub s2s_route: Vec<(String, SocketAddr)>,
    /// Ask this DNS server (HOST:PORT) for _xmpp-server._tcp SRV and A
    /// records, instead of the system's resolver.
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
    pub s2s_dns: Option<SocketAddr>,
    /// A PEM certificate authority that both this server and its peers
    /// trust. With it, --cert (signed by it, naming --domain) is also
    /// presented to servers we connect to, peers' certificates are
    /// checked against it, and where they verify SASL EXTERNAL replaces
    /// dialback (XEP-0178); where they do not, dialback is used.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub s2s_ca: Option<std::path::PathBuf>,
}

/// A feature switched on or off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    #[default]
    On,
    /// Off.
    Off,
}

/// `DOMAIN=HOST:PORT`, as `--s2s-route` takes it.
fn parse_route(text: &str) -> Result<(String, SocketAddr), String> {
    let Some((domain, addr)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` is not DOMAIN=HOST:PORT, e.g. b.example=127.0.0.1:5270"
        ));
    };
    let jid = crate::xmpp::jid::Jid::parse(domain.trim())
        .map_err(|err| format!("`{domain}` is not a domain: {err}"))?;
    if jid.local().is_some() || jid.resource().is_some() {
        return Err(format!("`{domain}` is not a bare domain"));
    }
    Ok((jid.domain().to_owned(), parse_addr(addr.trim())?))
}

/// `--tls`: how the server offers TLS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TlsArg {
    /// Offer STARTTLS; PLAIN only after it.
    #[default]
    Auto,
    /// Offer only STARTTLS until the stream is encrypted.
    Required,
    /// No TLS: every byte readable in a capture.
    Off,
}

impl From<TlsArg> for crate::xmpp::server::TlsMode {
    fn from(arg: TlsArg) -> Self {
        match arg {
            TlsArg::Auto => Self::Auto,
            TlsArg::Required => Self::Required,
            TlsArg::Off => Self::Off,
        }
    }
}

/// `NAME=SECRET`, as `--component` and `--component-file` take it.
pub fn parse_component(
    text: &str,
) -> Result<crate::xmpp::server::ComponentSpec, String> {
    let Some((name, secret)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` has no secret: write NAME=SECRET, e.g. gw.localhost=s3cret"
        ));
    };
    let jid = crate::xmpp::jid::Jid::parse(name.trim())
        .map_err(|err| format!("`{name}` is not a domain: {err}"))?;
    if jid.local().is_some() || jid.resource().is_some() {
        return Err(format!(
            "`{name}` is not a bare domain: a component owns a whole domain, \
             e.g. gw.localhost"
        ));
    }
    if secret.is_empty() {
        return Err(format!("the secret of `{name}` is empty"));
    }
    Ok(crate::xmpp::server::ComponentSpec {
        name: jid.domain().to_owned(),
        secret: secret.to_owned(),
    })
}

/// Arguments of `netlab xmpp client`.
#[derive(Debug, Args)]
pub struct XmppClientArgs {
    /// The account, e.g. juliet@localhost.
    pub jid: String,
    /// The password (visible in `ps`: for scripts and demos only);
    /// otherwise read from the terminal or one line of stdin.
    #[arg(long)]
    pub password: Option<String>,
    /// The server's address; default 127.0.0.1:5222 for localhost, else
    /// the JID's domain, port 5222.
    #[arg(long, value_parser = parse_addr)]
    pub server: Option<SocketAddr>,
    /// Trust exactly this certificate (PEM), e.g. the .crt the server
    /// printed when it started. Default: the one beside the default
    /// database, if there is one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["insecure", "plaintext"])]
    pub trust_cert: Option<std::path::PathBuf>,
    /// Accept any certificate (encrypted, but anyone in the middle could
    /// pretend to be the server).
    #[arg(long, conflicts_with = "plaintext")]
    pub insecure: bool,
    /// No TLS at all: the teaching mode, every byte readable in a capture.
    #[arg(long)]
    pub plaintext: bool,
    /// The resource to ask for (default: the server picks one).
    #[arg(long)]
    pub resource: Option<String>,
    /// Send one chat message and exit: --send TO TEXT.
    #[arg(long, num_args = 2, value_names = ["TO", "TEXT"])]
    pub send: Option<Vec<String>>,
    /// Wait for N messages, print each as FROM: BODY, and exit.
    #[arg(long, value_name = "N", conflicts_with = "send")]
    pub recv: Option<usize>,
    /// How long --recv waits, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Print every piece of XML sent and received (on stderr); a PLAIN
    /// password is shown as `[password redacted …]`.
    #[arg(long)]
    pub trace: bool,
    /// With --trace, show a PLAIN password too.
    #[arg(long, requires = "trace")]
    pub trace_secrets: bool,
    /// Do not ask for stream management (XEP-0198): a broken connection
    /// then ends the session, and what was in flight may be lost.
    #[arg(long)]
    pub no_sm: bool,
}

/// Arguments of `netlab xmpp bench`.
#[derive(Debug, Args)]
pub struct XmppBenchArgs {
    /// The server's address.
    #[arg(long, value_parser = parse_addr, default_value = "127.0.0.1:5222")]
    pub server: SocketAddr,
    /// The server's domain.
    #[arg(long, default_value = "localhost")]
    pub domain: String,
    /// Federated: the receivers log in at this other server instead, so
    /// every message crosses between the two servers (server-to-server).
    /// --logins and --idle stay on --server.
    #[arg(long, value_parser = parse_addr, requires = "to_domain")]
    pub to_server: Option<SocketAddr>,
    /// The domain of --to-server: receivers are PREFIXn@DOMAIN.
    #[arg(long, value_name = "DOMAIN", requires = "to_server")]
    pub to_domain: Option<String>,
    /// Accounts are PREFIX1, PREFIX2, … (2 per pair).
    #[arg(long, default_value = "bench")]
    pub prefix: String,
    /// The accounts' password.
    #[arg(long, default_value = "bench")]
    pub password: String,
    /// Use STARTTLS (accepting any certificate) instead of plaintext.
    #[arg(long)]
    pub tls: bool,
    /// Sender/receiver pairs.
    #[arg(long, default_value_t = 10)]
    pub pairs: usize,
    /// Messages in flight per pair.
    #[arg(long, default_value_t = 16)]
    pub inflight: usize,
    /// Body size in bytes (at least 20: the send time is written in it).
    #[arg(long, default_value_t = 64)]
    pub size: usize,
    /// Seconds of sending, after a one-second warm-up (0: skip).
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Time this many logins, then measure messages again (0: skip).
    #[arg(long, default_value_t = 0)]
    pub logins: usize,
    /// Open and hold this many authenticated connections (0: skip).
    #[arg(long, default_value_t = 0)]
    pub idle: usize,
    /// The server's PID, to read its memory from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Also print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of the account commands.
#[derive(Debug, Args)]
pub struct XmppAccountArgs {
    /// The account, e.g. juliet@localhost.
    pub jid: String,
    /// The password (visible in `ps` and shell history: for scripts and
    /// demos only).
    #[arg(long)]
    pub password: Option<String>,
    /// The database and domain.
    #[command(flatten)]
    pub store: XmppStoreArgs,
}

/// Arguments of `netlab lesson`.
#[derive(Debug, Args)]
pub struct LessonArgs {
    /// The lesson's number (1–10) or short name (e.g. `socket`); `netlab
    /// lessons` lists them.
    pub lesson: String,
    /// Wait for Enter before each live step (for instructors). Never waits
    /// when stdin is not a terminal.
    #[arg(long)]
    pub pace: bool,
    /// Instead of playing the lesson, run its live steps and write its
    /// narration to FILE as Markdown, each step's output (without colour)
    /// under the step's marker. The book's chapters are made this way
    /// (`scripts/record-book.sh`).
    #[arg(long, value_name = "FILE", conflicts_with = "pace")]
    pub record: Option<std::path::PathBuf>,
    /// After the lesson, print worked answers to its exercises, computed
    /// from the numbers of this run (try the exercises first).
    #[arg(long, conflicts_with = "record")]
    pub answers: bool,
}

/// Arguments of `netlab glossary`.
#[derive(Debug, Args)]
pub struct GlossaryArgs {
    /// The term, in any case, or one of its other names (`jid`, `Jabber
    /// ID`) or its Chinese term (`节`); several words are read as one
    /// term.
    pub term: Vec<String>,
}

/// Arguments of `netlab tour`.
#[derive(Debug, Args)]
pub struct TourArgs {
    /// Wait for Enter before each live step and between lessons.
    #[arg(long)]
    pub pace: bool,
}

/// `netlab socket …`
#[derive(Debug, Subcommand)]
pub enum SocketCommand {
    /// Listen on an address and report every call and every byte: socket,
    /// bind, listen, accept (one thread per connection), read.
    ///
    /// Talk to it from another terminal with `nc 127.0.0.1 7000`, `socat -
    /// TCP:127.0.0.1:7000` or `netlab socket connect 127.0.0.1:7000`.
    Listen(ListenArgs),
    /// Connect to an address, send a line (or stdin), print the replies.
    Connect(ConnectArgs),
    /// Run the whole lesson-10 walkthrough, server and client in one
    /// process, with the kernel's socket table after every call.
    Demo,
}

/// Arguments of `netlab socket listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address and port to listen on, e.g. `127.0.0.1:7000` or `[::1]:7000`.
    /// Port 0 lets the kernel pick a free port.
    #[arg(value_parser = parse_addr, default_value = "127.0.0.1:7000")]
    pub addr: SocketAddr,
    /// Use UDP: bind and receive datagrams (no listen, no accept).
    #[arg(long)]
    pub udp: bool,
    /// Send back everything that arrives.
    #[arg(long)]
    pub echo: bool,
    /// Exit after this many connections (TCP) or datagrams (UDP).
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// The accept-queue limit passed to listen().
    #[arg(long, default_value_t = 128)]
    pub backlog: i32,
}

/// Arguments of `netlab socket connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The server's address and port, e.g. 127.0.0.1:7000 or
    /// localhost:7000.
    #[arg(value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Use UDP: send datagrams instead of opening a connection.
    #[arg(long)]
    pub udp: bool,
    /// Send this text and a newline, instead of what you type on stdin.
    #[arg(long, value_name = "TEXT")]
    pub send: Option<String>,
    /// After sending, wait this many seconds for replies before closing.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub wait: f64,
}

/// How `dissect` and `capture` print each frame.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// One line per frame, like tcpdump.
    #[arg(long, conflicts_with = "json")]
    pub summary: bool,
    /// One JSON object per frame and line (JSON Lines), with the tree's
    /// fields as typed values: numbers, booleans for flag bits, arrays for
    /// repeated things (schemas/dissect.schema.json).
    #[arg(long)]
    pub json: bool,
}

impl OutputArgs {
    fn style(&self) -> dissect::Style {
        match (self.summary, self.json) {
            (true, _) => dissect::Style::Summary,
            (_, true) => dissect::Style::Json,
            _ => dissect::Style::Full,
        }
    }
}

/// What the frames of `--hex` input begin with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkArg {
    /// An Ethernet header (as on `lo` and most networks).
    #[default]
    Ethernet,
    /// Directly an IP header.
    Raw,
}

/// Arguments of `netlab dissect`.
#[derive(Debug, Args)]
pub struct DissectArgs {
    /// A pcap or pcapng file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: String,
    /// The input is hex text, one frame per line (spaces, colons and `#`
    /// comments allowed).
    #[arg(long)]
    pub hex: bool,
    /// With --hex: what each frame begins with.
    #[arg(long, value_enum, default_value_t)]
    pub link: LinkArg,
    /// Output style.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `netlab capture`.
#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// The interface to capture on (`netlab lesson 8` lists them).
    #[arg(long, default_value = "lo")]
    pub iface: String,
    /// Stop after this many frames.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub seconds: Option<f64>,
    /// Only TCP or UDP frames to or from this port.
    #[arg(long)]
    pub port: Option<u16>,
    /// Also save the frames to this pcapng file, each with its summary as
    /// a comment (opens in Wireshark).
    #[arg(long, value_name = "FILE")]
    pub write: Option<std::path::PathBuf>,
    /// Output style.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `netlab handshake`.
#[derive(Debug, Args)]
pub struct HandshakeArgs {
    /// The server's port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Also save the connection's frames as pcapng, each commented with its
    /// explanation.
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<std::path::PathBuf>,
}

/// Arguments of `netlab trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The message's text.
    #[arg(long, default_value = "Hello, Bob!")]
    pub message: String,
    /// Only the plaintext run: skip the second run with TLS.
    #[arg(long)]
    pub plaintext_only: bool,
    /// Also save the frames of both runs as pcapng, each commented with
    /// its explanation (opens in Wireshark).
    #[arg(long, value_name = "FILE")]
    pub write: Option<std::path::PathBuf>,
}

/// Arguments of `netlab compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Message size for the round trips, in bytes.
    #[arg(long, default_value_t = 64)]
    pub size: usize,
    /// Round trips and connects per transport.
    #[arg(long, default_value_t = 2000)]
    pub count: usize,
    /// Also measure across a two-host lab that drops this percentage of
    /// packets each way (builds and removes the lab; needs root).
    #[arg(long, value_name = "PCT")]
    pub loss: Option<f64>,
    /// Print JSON instead of a table: the rows, and every measurement as
    /// numbers with the unit in the key (schemas/compare.schema.json).
    #[arg(long)]
    pub json: bool,
}

/// `netlab lab …`
#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Build the lab (or rebuild it with new settings), showing every `ip`
    /// and `nft` command it runs.
    Up(LabUpArgs),
    /// Tear the lab down (deleting the namespaces removes everything).
    Down,
    /// Say whether the lab is up, with its addresses and loss.
    Status,
    /// Run a command inside host `a` or `b`, e.g. `netlab lab exec b --
    /// ping -c 3 198.18.0.1`.
    Exec(LabExecArgs),
}

/// Arguments of `netlab lab up`.
#[derive(Debug, Args)]
pub struct LabUpArgs {
    /// Drop this percentage of packets at random, in each direction.
    #[arg(long, default_value_t = 0.0, value_name = "PCT")]
    pub loss: f64,
    /// The MTU of the virtual cable.
    #[arg(long, default_value_t = 1500)]
    pub mtu: u32,
}

/// Arguments of `netlab lab exec`.
#[derive(Debug, Args)]
pub struct LabExecArgs {
    /// The host: `a` (198.18.0.1) or `b` (198.18.0.2).
    #[arg(value_parser = ["a", "b"])]
    pub host: String,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// Arguments of `netlab completions`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Lessons => print!("{}", show::lessons::table()),
        Command::Lesson(args) => {
            let lesson = registry::find(&args.lesson).with_context(|| {
                format!(
                    "there is no lesson `{}`: use a number from 1 to 10 or a \
                     short name from `netlab lessons`",
                    args.lesson
                )
            })?;
            if lesson.needs == registry::Needs::Lab {
                // This lesson builds the namespace lab.
                lab::tear_down_on_ctrl_c();
            }
            if let Some(path) = &args.record {
                show::style::init(ColorChoice::Never);
                let steps = recording::write(lesson, path)?;
                println!(
                    "lesson {}: {steps} live steps recorded in {}",
                    lesson.number,
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = std::io::stdout();
            let demo =
                player::play(lesson, &mut Pacer::new(args.pace), &mut out)?;
            if args.answers {
                player::answers(lesson, demo.as_ref(), &mut out)?;
            }
        }
        Command::Tour(args) => {
            // Lesson 9 builds the namespace lab.
            lab::tear_down_on_ctrl_c();
            player::tour(&mut Pacer::new(args.pace), &mut std::io::stdout())?;
        }
        Command::Glossary(args) => {
            print!("{}", show::glossary::answer(&args.term.join(" "))?);
        }
        Command::Socket(SocketCommand::Listen(args)) => {
            tools::socket::listen(&args)?
        }
        Command::Socket(SocketCommand::Connect(args)) => {
            tools::socket::connect(&args)?
        }
        Command::Socket(SocketCommand::Demo) => {
            let steps = Walkthrough::new(
                std::net::Ipv4Addr::LOCALHOST.into(),
                lesson10::BACKLOG,
            )
            .run_all()
            .context("running the socket walkthrough on 127.0.0.1")?;
            println!("{}", lesson10::render(&steps));
        }
        Command::Dissect(args) => {
            tools::dissect::run(&dissect::Options {
                input: args.input,
                hex: args.hex,
                link: match args.link {
                    LinkArg::Ethernet => Link::Ethernet,
                    LinkArg::Raw => Link::RawIp,
                },
                style: args.output.style(),
            })?;
        }
        Command::Capture(args) => {
            let duration = match args.seconds {
                Some(s) if s.is_finite() && s >= 0.0 => {
                    Some(Duration::from_secs_f64(s))
                }
                Some(_) => anyhow::bail!("--seconds must be 0 or more"),
                None => None,
            };
            tools::capture::run(&tools::capture::Options {
                style: args.output.style(),
                iface: args.iface,
                count: args.count,
                duration,
                port: args.port,
                write: args.write,
            })?;
        }
        Command::Handshake(args) => {
            tools::handshake::run(args.port, args.pcap.as_deref())?;
        }
        Command::Trace(args) => {
            anyhow::ensure!(
                !args.message.is_empty(),
                "--message needs some text to send"
            );
            tools::trace::run(&tools::trace::Options {
                body: args.message,
                plaintext_only: args.plaintext_only,
                write: args.write,
            })?;
        }
        Command::Compare(args) => {
            if args.loss.is_some() {
                lab::tear_down_on_ctrl_c();
            }
            tools::compare::run(&tools::compare::Options {
                measure: crate::transport::compare::Options {
                    size: args.size,
                    count: args.count.max(1),
                    ..Default::default()
                },
                loss: args.loss,
                json: args.json,
            })?;
        }
        Command::Lab(command) => return tools::lab::run(command),
        Command::Xmpp(command) => xmpp_command(command)?,
        Command::Completions(args) => {
            clap_complete::generate(
                args.shell,
                &mut Cli::command(),
                "netlab",
                &mut std::io::stdout(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses `127.0.0.1:7000`, `[::1]:7000` or `localhost:7000`.
fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let hint = "write it as HOST:PORT, e.g. 127.0.0.1:7000, [::1]:7000 or \
                localhost:7000";
    match text.rsplit_once(':') {
        None => Err(format!("`{text}` has no port; {hint}")),
        Some((_, port)) if port.parse::<u16>().is_err() => {
            Err(format!("`{port}` is not a port number (0–65535); {hint}"))
        }
        Some(_) => text
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve `{text}`: {e}; {hint}"))?
            .next()
            .ok_or_else(|| format!("`{text}` resolves to no address; {hint}")),
    }
}

/// `netlab xmpp …`
fn xmpp_command(command: XmppCommand) -> anyhow::Result<()> {
    use tools::xmpp_server::{self, AccountAction};
    let (action, args) = match command {
        XmppCommand::Server(args) => {
            let args = *args;
            let mut components = args.component;
            if let Some(file) = &args.component_file {
                components.extend(xmpp_server::read_component_file(file)?);
            }
            return xmpp_server::run(&xmpp_server::Options {
                db: args.store.db()?,
                domain: args.store.domain,
                bind: args.bind,
                tls: args.tls.into(),
                allow_plaintext_network: args.allow_plaintext_network,
                components,
                component_bind: args.component_bind,
                s2s: (args.s2s == OnOff::On).then(|| {
                    let mut s2s =
                        crate::xmpp::server::S2sConfig::new(args.s2s_bind);
                    s2s.routes = args.s2s_route;
                    s2s.dns = args.s2s_dns;
                    s2s
                }),
                s2s_ca: args.s2s_ca,
                cert: args.cert,
                key: args.key,
                trace: args.trace,
                trace_secrets: args.trace_secrets,
                max_connections: args.max_connections,
                read_rate: (args.read_rate > 0).then_some(
                    crate::xmpp::server::shares::Rate {
                        bytes_per_second: args.read_rate,
                        burst: args.read_burst,
                    },
                ),
                max_per_address: args.max_per_address,
                resume_window: Duration::try_from_secs_f64(args.resume_window)
                    .context("--resume-window")?,
            });
        }
        XmppCommand::Client(args) => {
            return tools::xmpp_client::run(&tools::xmpp_client::Args {
                jid: args.jid,
                password: args.password,
                server: args.server,
                trust_cert: args.trust_cert,
                insecure: args.insecure,
                plaintext: args.plaintext,
                resource: args.resource,
                send: args.send.map(|mut v| {
                    let text = v.pop().unwrap_or_default();
                    (v.pop().unwrap_or_default(), text)
                }),
                recv: args.recv,
                timeout: Duration::from_secs(args.timeout),
                trace: args.trace,
                trace_secrets: args.trace_secrets,
                stream_management: !args.no_sm,
            });
        }
        XmppCommand::Bench(args) => {
            let report = tools::xmpp_bench::run(&tools::xmpp_bench::Args {
                server: args.server,
                domain: args.domain,
                to: args.to_server.zip(args.to_domain).map(
                    |(server, domain)| tools::xmpp_bench::Remote {
                        server,
                        domain,
                    },
                ),
                prefix: args.prefix,
                password: args.password,
                tls: args.tls,
                pairs: args.pairs,
                inflight: args.inflight,
                size: args.size.max(20),
                seconds: args.seconds,
                logins: args.logins,
                idle: args.idle,
                server_pid: args.server_pid,
            })?;
            if args.json {
                println!("{}", serde_json::to_string(&report)?);
            }
            return Ok(());
        }
        XmppCommand::Gateway(args) => {
            return tools::xmpp_gateway::run(&tools::xmpp_gateway::Options {
                name: args.name,
                server: args.server,
                irc_bind: args.irc_bind,
                secret: args.secret,
                trace: args.trace,
            });
        }
        XmppCommand::Adduser(args) => (AccountAction::Add, args),
        XmppCommand::Passwd(args) => (AccountAction::Passwd, args),
        XmppCommand::Deluser(args) => (AccountAction::Delete, args),
    };
    xmpp_server::account(
        action,
        &args.store.db()?,
        &args.store.domain,
        &args.jid,
        args.password,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn addresses_parse_with_helpful_errors() {
        assert_eq!(
            parse_addr("127.0.0.1:7000"),
            Ok("127.0.0.1:7000".parse().expect("addr"))
        );
        assert_eq!(
            parse_addr("[::1]:80"),
            Ok("[::1]:80".parse().expect("addr"))
        );
        assert!(
            parse_addr("localhost:7000")
                .expect("localhost resolves")
                .ip()
                .is_loopback()
        );
        let err = parse_addr("127.0.0.1").expect_err("no port");
        assert!(err.contains("has no port"), "{err}");
        let err = parse_addr("127.0.0.1:99999").expect_err("bad port");
        assert!(err.contains("not a port number"), "{err}");
        let err = parse_addr("300.1.1.1:80").expect_err("bad address");
        assert!(err.contains("cannot resolve"), "{err}");
    }
}
