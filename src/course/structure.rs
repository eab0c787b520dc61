//! Lesson 4's world: one XMPP server and the clients around it, driven
//! step by step and observed from outside — the server's own trace, its
//! database file, and the kernel's socket table. Functions here act and
//! measure and return values; `src/show/structure.rs` lays them out and
//! `src/course/lesson04.rs` is the script that calls both.
//!
//! ```text
//!   alice (laptop) ──TCP──┐
//!   alice (phone)  ──TCP──┤  server "localhost"  ── database file
//!   bob   (phone)  ──TCP──┘  (routes, keeps records, manages connections)
//!                            │ component port (XEP-0114)
//!                            ├── gw.localhost, the IRC gateway ◄─IRC─ mallory
//!                            └── bot.localhost, a component typed by hand
//! ```
//!
//! Everything is real: the server is `src/xmpp/server/`, started in this
//! process by [`super::xmpp_stage`]; the clients log in over loopback TCP;
//! the records are read from the SQLite file the server writes.
//!
//! Read before: [`super::xmpp_stage`], [`super::conversation`]. Book:
//! `book/src/lesson-04.md`. Run: `netlab lesson 4`.
//!
//! Specs: [RFC 6120] (streams § 4, binding § 7, stanza routing § 10),
//! [RFC 6121] (rosters § 2, offline messages § 8.5.2).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 6121]: https://datatracker.ietf.org/doc/html/rfc6121

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

use super::conversation::{chat, subscribe, user_of, wait_for};
use super::irc_user::IrcUser;
use super::typed_component::TypedComponent;
use super::xmpp_stage::{Setup, Stage, TraceLine};
use crate::gateway::{self, Gateway};
use crate::sockets::proc_net::{self, SocketRow, TcpState};
use crate::xmpp::client::{Client, ClientError};
use crate::xmpp::framing::Element;
use crate::xmpp::ns;
use crate::xmpp::server::{ComponentSpec, StreamKind, TraceKind};
use crate::xmpp::store::{Credential, Offline, RosterItem};

/// The accounts on the lesson's server. Carol never logs in: messages to
/// her wait in the database.
pub const USERS: [&str; 3] = ["alice", "bob", "carol"];

/// The component typed by hand, and the secret it shares with the server.
pub const BOT: (&str, &str) = ("bot.localhost", "bot-secret");

/// The IRC gateway's domain, and its secret.
pub const GATEWAY: (&str, &str) = ("gw.localhost", "gw-secret");

/// The IRC user on the other side of the gateway.
pub const IRC_NICK: &str = "mallory";

/// Who is on stage, and where each listens.
#[derive(Clone, Debug)]
pub struct Cast {
    /// The server's port for clients.
    pub clients: SocketAddr,
    /// The server's port for components.
    pub components: SocketAddr,
    /// The gateway's port for IRC users.
    pub irc: SocketAddr,
    /// The accounts.
    pub users: Vec<String>,
    /// The logged-in clients' full JIDs.
    pub online: Vec<String>,
}

/// What mallory typed and read to register on IRC.
#[derive(Clone, Debug)]
pub struct IrcLogin {
    /// The lines mallory typed.
    pub typed: Vec<String>,
    /// The gateway's welcome, as mallory read it.
    pub welcome: Vec<String>,
}

/// What the trace said about one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conn {
    /// The client's address and port ("connected from …").
    pub peer: Option<SocketAddr>,
    /// The full JID once bound.
    pub jid: Option<String>,
    /// Whether the server noted the connection's end.
    pub closed: bool,
    /// A client's stream or a component's.
    pub stream: Option<StreamKind>,
}

/// The server and the people around it. Fields drop in order: the
/// clients before the stage whose runtime they use.
pub struct World {
    /// Alice's laptop (replaced by a newer laptop session in `jobs`).
    pub alice: Client,
    /// Bob's phone.
    pub bob: Client,
    /// Alice's second device, once logged in.
    pub alice_phone: Option<Client>,
    /// The component typed by hand, until the server ends its stream.
    pub bot: Option<TypedComponent>,
    /// The IRC user, connected to the gateway.
    pub mallory: IrcUser,
    /// Her client's address, to name her socket in the kernel's table.
    mallory_addr: SocketAddr,
    /// How she registered.
    pub irc_login: IrcLogin,
    /// Where the gateway listens for IRC users.
    pub irc_addr: SocketAddr,
    /// Every trace line so far.
    trace: Vec<TraceLine>,
    /// Each connection, by the server's number for it.
    conns: BTreeMap<u64, Conn>,
    /// The server, its database and its trace.
    pub stage: Stage,
}

/// A row of the kernel's socket table with the name of its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Socket {
    /// The row as `/proc/net/tcp` printed it.
    pub row: SocketRow,
    /// Who holds this end.
    pub owner: Owner,
}

/// Who holds a socket of the lesson: a value, not words, so that the
/// lesson can pick rows by it and the view can name it in either
/// language (`src/show/structure.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The server's listening socket for clients.
    ClientPort,
    /// The server's listening socket for components.
    ComponentPort,
    /// The gateway's listening socket for IRC users.
    IrcPort,
    /// The server's end of a connection, for this client or component.
    ServerEnd(String),
    /// The gateway's end of an IRC user's connection.
    GatewayEnd(String),
    /// A client's end of its connection to the server.
    Client(String),
    /// An IRC user's end of its connection to the gateway.
    IrcClient(String),
    /// A component's end of its connection to the server.
    Component(String),
}

impl Owner {
    /// Whether this is the listening side's end of a connection.
    pub fn is_accepted_end(&self) -> bool {
        matches!(self, Owner::ServerEnd(_) | Owner::GatewayEnd(_))
    }
}

/// A stanza sent and what the server's trace shows of its journey.
#[derive(Clone, Debug)]
pub struct Journey {
    /// The XML the sender's client wrote.
    pub typed: String,
    /// The trace lines (in and out, no notes), each with its owner.
    pub lines: Vec<(String, TraceLine)>,
}

/// What the server keeps about accounts, read from its database file.
#[derive(Clone, Debug)]
pub struct Records {
    /// Where the file is.
    pub file: PathBuf,
    /// Every account.
    pub users: Vec<String>,
    /// Alice's SCRAM keys, one per mechanism.
    pub credentials: Vec<Credential>,
    /// Alice's roster version and items.
    pub roster: (u64, Vec<RosterItem>),
    /// Messages waiting for carol.
    pub offline: Vec<Offline>,
}

/// One row of the server's table of connections, as its trace tells it,
/// with the kernel's state of the server's end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The server's number for the connection.
    pub conn: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// The bound JID, or the component's domain.
    pub jid: String,
    /// A client's stream or a component's.
    pub kind: StreamKind,
    /// The kernel's state for the server's end, if it still lists it.
    pub state: Option<TcpState>,
}

/// A session replaced by a newer one with the same resource.
#[derive(Clone, Debug)]
pub struct Replaced {
    /// What the server wrote to the old connection, and noted.
    pub lines: Vec<(String, TraceLine)>,
    /// What the old client reported.
    pub error: String,
}

/// The stream headers of one connection.
#[derive(Clone, Debug)]
pub struct Streams {
    /// The server's number for the connection.
    pub conn: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// The bound JID, or the component's domain.
    pub jid: String,
    /// A client's stream or a component's.
    pub kind: StreamKind,
    /// Each stream header, in order: who sent it, and its XML.
    pub headers: Vec<(TraceKind, String)>,
}

impl World {
    // ANCHOR: start
    /// A server whose database is a file, accounts [`USERS`] and two
    /// components, [`GATEWAY`] and [`BOT`]; alice logged in from her
    /// laptop and bob from his phone, both online; the IRC gateway
    /// connected, with mallory registered on its IRC side; the typed
    /// component connected last.
    pub fn start() -> anyhow::Result<World> {
        let spec = |(name, secret): (&str, &str)| ComponentSpec {
            name: name.into(),
            secret: secret.into(),
        };
        let mut stage = Stage::start_with(Setup {
            on_disk: true,
            components: vec![spec(GATEWAY), spec(BOT)],
            ..Setup::new(&USERS)
        })?;
        let mut alice = stage.connect("alice", "laptop").context("alice")?;
        let mut bob = stage.connect("bob", "phone").context("bob")?;
        stage.block_on(online(&mut alice))?;
        stage.block_on(online(&mut bob))?;
        let components = stage.component_addr().context("component port")?;
        let irc_addr = start_gateway(&mut stage, components)?;
        let (mallory, welcome) = IrcUser::register(irc_addr, IRC_NICK)?;
        let bot = TypedComponent::connect(components, BOT.0, BOT.1)?;
        // ANCHOR_END: start
        let irc_login = IrcLogin {
            typed: mallory.typed.clone(),
            welcome,
        };
        let mut world = World {
            alice,
            bob,
            alice_phone: None,
            bot: Some(bot),
            mallory_addr: mallory.local_addr()?,
            mallory,
            irc_login,
            irc_addr,
            trace: Vec::new(),
            conns: BTreeMap::new(),
            stage,
        };
        world.more_trace();
        Ok(world)
    }

    /// Who is on stage, and where each listens.
    pub fn cast(&self) -> anyhow::Result<Cast> {
        Ok(Cast {
            clients: self.stage.addr(),
            components: self
                .stage
                .component_addr()
                .context("the server has no component port")?,
            irc: self.irc_addr,
            users: USERS.iter().map(|u| u.to_string()).collect(),
            online: vec![
                self.alice.jid().to_string(),
                self.bob.jid().to_string(),
            ],
        })
    }

    /// The trace recorded since the last call, remembered in full and
    /// with what it says about each connection.
    fn more_trace(&mut self) -> Vec<TraceLine> {
        let lines = self.stage.take_trace();
        for line in &lines {
            let conn = self.conns.entry(line.conn).or_default();
            conn.stream = Some(line.stream);
            if let Some(jid) = &line.jid {
                conn.jid = Some(jid.clone());
            }
            // The server's notes when a connection arrives and ends
            // (its c2s.rs and component.rs).
            let note = line.text.as_str();
            if let Some(peer) = note
                .strip_prefix("connected from ")
                .or_else(|| note.strip_prefix("component connection from "))
                .and_then(|p| p.parse().ok())
            {
                conn.peer = Some(peer);
            }
            if line.kind == TraceKind::Note
                && (note.starts_with("connection closed")
                    || note.starts_with("component connection closed")
                    || note.starts_with("stream error"))
            {
                conn.closed = true;
            }
        }
        self.trace.extend(lines.iter().cloned());
        lines
    }

    /// Who a connection belongs to: `alice/laptop`, or its number before
    /// it bound a resource.
    pub fn who(&self, conn: u64) -> String {
        match self.conns.get(&conn).and_then(|c| c.jid.as_deref()) {
            Some(jid) => short_jid(jid),
            None => crate::tr!("structure-connection", conn = conn),
        }
    }

    /// Trace lines with their owners, notes left out.
    fn owned(&self, lines: &[TraceLine]) -> Vec<(String, TraceLine)> {
        lines
            .iter()
            .filter(|l| l.kind != TraceKind::Note)
            .map(|l| (self.who(l.conn), l.clone()))
            .collect()
    }

    // ANCHOR: sockets
    /// The kernel's TCP rows with one of the listening ports at either
    /// end (the server's two, the gateway's IRC port), each named: the
    /// listeners, then each connection's two ends.
    pub fn sockets(&self) -> anyhow::Result<Vec<Socket>> {
        let clients = self.stage.addr().port();
        let components = self.stage.component_addr().map(|a| a.port());
        let irc = self.irc_addr.port();
        let ours = |port: u16| {
            port == clients || Some(port) == components || port == irc
        };
        let mut found: Vec<((u8, String), Socket)> = proc_net::tcp_sockets()?
            .into_iter()
            .filter(|r| ours(r.local.port()) || ours(r.remote.port()))
            .filter(|r| {
                matches!(r.state, TcpState::Listen | TcpState::Established)
            })
            .map(|row| {
                let listening = ours(row.local.port());
                let port = if listening {
                    row.local.port()
                } else {
                    row.remote.port()
                };
                let peer = if listening { row.remote } else { row.local };
                // Linux gives two outgoing connections the same local port
                // when they go to different places, so mallory is the one
                // whose address matches *on the IRC port*.
                let who = if peer == self.mallory_addr && port == irc {
                    IRC_NICK.to_owned()
                } else {
                    self.who_at(peer).unwrap_or_else(|| "?".into())
                };
                let (order, owner) = match (row.state, listening) {
                    (TcpState::Listen, _) if port == irc => (2, Owner::IrcPort),
                    (TcpState::Listen, _) if port == clients => {
                        (0, Owner::ClientPort)
                    }
                    (TcpState::Listen, _) => (1, Owner::ComponentPort),
                    (_, true) if port == irc => {
                        (4, Owner::GatewayEnd(who.clone()))
                    }
                    (_, true) => (4, Owner::ServerEnd(who.clone())),
                    (_, false) if port == irc => {
                        (3, Owner::IrcClient(who.clone()))
                    }
                    (_, false) if port == clients => {
                        (3, Owner::Client(who.clone()))
                    }
                    (_, false) => (3, Owner::Component(who.clone())),
                };
                ((order, who), Socket { row, owner })
            })
            .collect();
        // The listeners first, then each connection's two ends together,
        // in the order the lesson introduces their owners.
        let rank = |who: &str| match who {
            _ if who.starts_with("alice") => 0,
            _ if who.starts_with("bob") => 1,
            _ if who == GATEWAY.0 => 2,
            _ if who == IRC_NICK => 3,
            _ if who == BOT.0 => 4,
            _ => 5,
        };
        found.sort_by(|a, b| {
            let key =
                |k: &(u8, String)| (k.0.min(3), rank(&k.1), k.1.clone(), k.0);
            key(&a.0).cmp(&key(&b.0))
        });
        Ok(found.into_iter().map(|(_, s)| s).collect())
    }
    // ANCHOR_END: sockets

    /// Who is connected from this client address.
    fn who_at(&self, peer: SocketAddr) -> Option<String> {
        self.conns
            .values()
            .find(|c| c.peer == Some(peer) && !c.closed)
            .and_then(|c| c.jid.as_deref())
            .map(short_jid)
    }

    // ANCHOR: client_to_client
    /// Alice writes to bob: client → server → client, routed by the
    /// localpart of `to`.
    pub fn client_to_client(&mut self) -> anyhow::Result<Journey> {
        self.more_trace();
        let message = chat("bob@localhost", "Lunch at noon?");
        let World {
            alice, bob, stage, ..
        } = self;
        stage.block_on(async {
            alice.send(&message).await?;
            wait_for(bob, "alice's message", is_message).await
        })?;
        let lines = self.more_trace();
        Ok(Journey {
            typed: message.to_xml(),
            lines: self.owned(&lines),
        })
    }
    // ANCHOR_END: client_to_client

    /// Component `name`'s connection so far, from the trace: its stream
    /// header, the server's, and the handshake.
    pub fn component_login(&self, name: &str) -> Vec<(String, TraceLine)> {
        // Its first lines come before the server knows its name: found by
        // the connection's number.
        let conn = self
            .trace
            .iter()
            .find(|l| {
                l.stream == StreamKind::Component
                    && l.jid.as_deref() == Some(name)
            })
            .map(|l| l.conn);
        self.trace
            .iter()
            .filter(|l| Some(l.conn) == conn)
            .map(|l| (self.who(l.conn), l.clone()))
            .collect()
    }

    // ANCHOR: to_gateway
    /// Alice writes to mallory's address on the gateway's domain: client
    /// → server → gateway, and the gateway turns it into an IRC line on
    /// mallory's connection. Returns the journey through the server and
    /// what mallory read.
    pub fn client_to_gateway(
        &mut self,
    ) -> anyhow::Result<(Journey, Vec<String>)> {
        self.more_trace();
        let to = format!("{IRC_NICK}@{}", GATEWAY.0);
        let message = chat(&to, "Hi mallory, from XMPP");
        self.stage.block_on(self.alice.send(&message))?;
        let read =
            self.mallory.read_until(|line| line.contains(" PRIVMSG "))?;
        let lines = self.more_trace();
        let journey = Journey {
            typed: message.to_xml(),
            lines: self.owned(&lines),
        };
        Ok((journey, read))
    }
    // ANCHOR_END: to_gateway

    // ANCHOR: from_gateway
    /// Mallory answers on IRC: one `PRIVMSG` line to the nick the
    /// gateway gives alice; the gateway sends it to the server as a
    /// message from `mallory@gw.localhost`, and the server routes it to
    /// alice. Returns the line typed and the journey through the server.
    pub fn gateway_to_client(&mut self) -> anyhow::Result<(String, Journey)> {
        self.more_trace();
        let line = "PRIVMSG alice|localhost :Hi alice, from IRC";
        self.mallory.type_line(line)?;
        self.stage.block_on(wait_for(
            &mut self.alice,
            "mallory's answer",
            is_message,
        ))?;
        let lines = self.more_trace();
        let journey = Journey {
            typed: line.to_owned(),
            lines: self.owned(&lines),
        };
        Ok((line.to_owned(), journey))
    }
    // ANCHOR_END: from_gateway

    // ANCHOR: lie
    /// The component writes a `from` outside its domain, pretending to be
    /// alice. The server ends its stream with `invalid-from` (RFC 6120
    /// § 4.9.3.9) and routes nothing.
    pub fn component_lies(&mut self) -> anyhow::Result<Journey> {
        self.more_trace();
        let typed = "<message from='alice@localhost/laptop' \
                     to='bob@localhost' type='chat'>\
                     <body>Send me your password</body></message>";
        let mut bot = self.bot.take().context("the component is gone")?;
        bot.type_xml(typed)?;
        // Everything the server still writes, to its closing tag.
        while bot.read_stanza()?.is_some() {}
        drop(bot);
        // The server's note that the connection is closed comes a moment
        // after its closing tag.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let lines = self.more_trace();
        let lines: Vec<TraceLine> = lines
            .into_iter()
            .filter(|l| l.stream == StreamKind::Component)
            .collect();
        Ok(Journey {
            typed: typed.to_owned(),
            // Notes included: they say what the server decided.
            lines: lines.into_iter().map(|l| (self.who(l.conn), l)).collect(),
        })
    }
    // ANCHOR_END: lie

    /// Makes records worth reading: alice and bob subscribe to each
    /// other's presence (a roster row each), and alice writes to carol,
    /// who is offline (a row in `offline`).
    pub fn make_records(&mut self) -> anyhow::Result<Journey> {
        let World {
            alice, bob, stage, ..
        } = self;
        stage.block_on(async {
            subscribe(alice, bob).await?;
            subscribe(bob, alice).await
        })?;
        self.more_trace();
        let message = chat("carol@localhost", "Call me when you are back");
        let World { alice, stage, .. } = self;
        stage.block_on(async {
            alice.send(&message).await?;
            // Nothing comes back for a stored message. A ping does get an
            // answer, and the server handles one connection's stanzas in
            // order: once the answer is here, the message is stored.
            alice.request(ping()).await
        })?;
        let lines = self.more_trace();
        let lines: Vec<TraceLine> = lines
            .into_iter()
            .filter(|l| l.text.starts_with("<message"))
            .collect();
        Ok(Journey {
            typed: message.to_xml(),
            lines: self.owned(&lines),
        })
    }

    // ANCHOR: records
    /// Reads the server's database file the way any SQLite reader could:
    /// a second connection to the same file.
    pub fn records(&self) -> anyhow::Result<Records> {
        let store = self.stage.open_store()?;
        let mut credentials = Vec::new();
        for mechanism in ["SCRAM-SHA-1", "SCRAM-SHA-256"] {
            credentials.extend(store.credential("alice", mechanism)?);
        }
        Ok(Records {
            file: self.stage.store_path().context("the file")?,
            users: store.users()?,
            credentials,
            roster: store.roster("alice")?,
            offline: store.offline("carol")?,
        })
    }
    // ANCHOR_END: records

    // ANCHOR: second_device
    /// Alice logs in a second time, from her phone: a second TCP
    /// connection for the same account. Bob then writes to her bare JID,
    /// and the server delivers to both of her devices.
    pub fn second_device(&mut self) -> anyhow::Result<Journey> {
        let mut phone = self.stage.connect("alice", "phone")?;
        self.stage.block_on(async {
            phone.send(&Element::new("presence", None)).await?;
            wait_for(&mut phone, "its own presence", is_available).await
        })?;
        // Bob and alice's laptop are told she is online on the phone too.
        let World {
            alice, bob, stage, ..
        } = self;
        stage.block_on(async {
            wait_for(bob, "alice's phone", is_available).await?;
            wait_for(alice, "her own phone", is_available).await
        })?;
        self.more_trace();
        let message = chat("alice@localhost", "Are you on your phone?");
        let World {
            alice, bob, stage, ..
        } = self;
        stage.block_on(async {
            bob.send(&message).await?;
            wait_for(alice, "bob's message", is_message).await?;
            wait_for(&mut phone, "bob's message", is_message).await
        })?;
        self.alice_phone = Some(phone);
        let mut lines = self.more_trace();
        // The two copies are written by two connection tasks at the same
        // moment: shown in one order, what came in first.
        lines.sort_by_key(|l| (l.kind != TraceKind::In, self.who(l.conn)));
        Ok(Journey {
            typed: message.to_xml(),
            lines: self.owned(&lines),
        })
    }
    // ANCHOR_END: second_device

    /// The server's table of connections, from its trace, each with the
    /// kernel's state for the server's end of it.
    pub fn sessions(&self) -> anyhow::Result<Vec<Session>> {
        let ports = [
            Some(self.stage.addr().port()),
            self.stage.component_addr().map(|a| a.port()),
        ];
        let rows = proc_net::tcp_sockets()?;
        Ok(self
            .conns
            .iter()
            .filter(|(_, c)| !c.closed)
            .filter_map(|(conn, c)| {
                let (peer, jid) = (c.peer?, c.jid.clone()?);
                let state = rows
                    .iter()
                    .find(|r| {
                        ports.contains(&Some(r.local.port()))
                            && r.remote == peer
                    })
                    .map(|r| r.state);
                Some(Session {
                    conn: *conn,
                    peer,
                    jid,
                    kind: c.stream?,
                    state,
                })
            })
            .collect())
    }

    // ANCHOR: replace
    /// A new connection binds `alice@localhost/laptop`, which alice's
    /// laptop already holds: the server keeps the newer session and ends
    /// the older one with the stream error `conflict` (RFC 6120
    /// § 7.7.2.2).
    pub fn replace_laptop(&mut self) -> anyhow::Result<Replaced> {
        self.more_trace();
        let old_conn = self.conn_of("alice@localhost/laptop")?;
        let newer = self.stage.connect("alice", "laptop")?;
        let mut older = std::mem::replace(&mut self.alice, newer);
        let error = self.stage.block_on(async {
            loop {
                match tokio::time::timeout(
                    super::conversation::PATIENCE,
                    older.recv(),
                )
                .await
                {
                    Ok(Ok(Some(_))) => continue,
                    Ok(Ok(None)) => bail!("closed without an error"),
                    Ok(Err(err)) => return Ok(err),
                    Err(_) => bail!("the old laptop was not told"),
                }
            }
        })?;
        let error = match error {
            ClientError::Stream { condition, .. } => crate::tr!(
                "structure-stream-error",
                condition = condition.to_string()
            ),
            other => other.to_string(),
        };
        // The server ends the old connection after the error; its notes
        // arrive a moment later.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let lines = self.more_trace();
        let lines = lines
            .into_iter()
            .filter(|l| l.conn == old_conn)
            .map(|l| (self.who(l.conn), l))
            .collect();
        Ok(Replaced { lines, error })
    }
    // ANCHOR_END: replace

    /// The server's number for the open connection bound to `jid`.
    fn conn_of(&self, jid: &str) -> anyhow::Result<u64> {
        self.conns
            .iter()
            .find(|(_, c)| c.jid.as_deref() == Some(jid) && !c.closed)
            .map(|(n, _)| *n)
            .with_context(|| format!("no open connection for {jid}"))
    }

    /// The stream headers of every open connection, from the trace.
    pub fn streams(&mut self) -> Vec<Streams> {
        self.more_trace();
        self.conns
            .iter()
            .filter(|(_, c)| !c.closed)
            .filter_map(|(conn, c)| {
                let headers = self
                    .trace
                    .iter()
                    .filter(|l| l.conn == *conn && is_header(&l.text))
                    .map(|l| (l.kind, l.text.clone()))
                    .collect();
                Some(Streams {
                    conn: *conn,
                    peer: c.peer?,
                    jid: c.jid.clone()?,
                    kind: c.stream?,
                    headers,
                })
            })
            .collect()
    }

    // ANCHOR: remote
    /// Alice writes to a user of another domain; the server answers for
    /// it with an error.
    pub fn remote(&mut self) -> anyhow::Result<Journey> {
        self.more_trace();
        let message = chat("juliet@example.org", "Hello, Juliet")
            .with_attr("id", "l4-remote");
        let World { alice, stage, .. } = self;
        stage.block_on(async {
            alice.send(&message).await?;
            wait_for(alice, "the answer", |e| e.attr("id") == Some("l4-remote"))
                .await
        })?;
        let lines = self.more_trace();
        Ok(Journey {
            typed: message.to_xml(),
            lines: self.owned(&lines),
        })
    }
    // ANCHOR_END: remote
}

// ANCHOR: gateway
/// Starts the IRC gateway (`src/gateway/`) beside the server: it connects
/// to the component port as [`GATEWAY`] and listens for IRC clients on a
/// port the kernel picks, which it returns. What it does is seen from
/// both its ends: the server's trace and mallory's socket.
fn start_gateway(
    stage: &mut Stage,
    components: SocketAddr,
) -> anyhow::Result<SocketAddr> {
    let config = gateway::Config {
        name: GATEWAY.0.into(),
        secret: GATEWAY.1.into(),
        server: components,
        irc_bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        trace: None,
    };
    let gateway = stage.block_on(Gateway::start(config))?;
    let irc_addr = gateway.irc_addr();
    stage.spawn_service(|shutdown| async move {
        if let Err(err) = gateway.run(shutdown).await {
            tracing::debug!("lesson 4 gateway: {err}");
        }
    });
    Ok(irc_addr)
}
// ANCHOR_END: gateway

/// Initial presence, and the copy the server sends back (RFC 6121
/// § 4.2.2).
async fn online(client: &mut Client) -> anyhow::Result<()> {
    client.send(&Element::new("presence", None)).await?;
    wait_for(client, "its own presence", is_available).await?;
    Ok(())
}

/// `<iq type='get'><ping/></iq>` (XEP-0199).
fn ping() -> Element {
    Element::new("iq", None)
        .with_attr("type", "get")
        .with_child(
            Element::new("ping", Some(ns::PING)).with_attr("xmlns", ns::PING),
        )
}

fn is_message(element: &Element) -> bool {
    element.local_name() == "message"
}

fn is_available(element: &Element) -> bool {
    element.local_name() == "presence" && element.attr("type").is_none()
}

/// A stream header, as the server's trace writes it (the server's own
/// starts with an XML declaration).
fn is_header(text: &str) -> bool {
    let text = text.strip_prefix("<?xml version='1.0'?>").unwrap_or(text);
    text.starts_with("<stream:stream")
}

/// `alice/laptop` from `alice@localhost/laptop`.
pub fn short_jid(jid: &str) -> String {
    match jid.split_once('/') {
        Some((bare, resource)) => format!("{}/{resource}", user_of(bare)),
        None => user_of(jid).to_owned(),
    }
}

/// The error condition of an error stanza: `remote-server-not-found`.
pub fn error_condition(xml: &str) -> Option<String> {
    let element = crate::xmpp::framing::parse_one(xml).ok()?;
    let error = element.elements().find(|e| e.local_name() == "error")?;
    let condition = error.elements().next()?;
    Some(condition.local_name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_file_holds_keys_and_never_the_password() {
        let mut world = World::start().expect("world");
        world.make_records().expect("records");
        let records = world.records().expect("read back");
        assert_eq!(records.users, USERS);
        assert_eq!(records.credentials.len(), 2);
        assert_eq!(records.offline.len(), 1);
        // Every byte SQLite wrote, the write-ahead log included.
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            let mut path = records.file.clone().into_os_string();
            path.push(suffix);
            bytes.extend(std::fs::read(&path).unwrap_or_default());
        }
        assert!(bytes.len() > 1000, "{} bytes", bytes.len());
        let password = super::super::xmpp_stage::PASSWORD.as_bytes();
        assert!(!bytes.windows(password.len()).any(|w| w == password));
        // The directory goes with the stage.
        let dir = records.file.parent().expect("dir").to_owned();
        drop(world);
        assert!(!dir.exists());
    }

    #[test]
    fn jids_are_shortened_to_account_and_device() {
        assert_eq!(short_jid("alice@localhost/laptop"), "alice/laptop");
        assert_eq!(short_jid("bob@localhost"), "bob");
    }

    #[test]
    fn error_conditions_are_read_from_the_stanza() {
        let xml = "<message type=\"error\"><error type=\"cancel\">\
                   <remote-server-not-found xmlns=\"urn:ietf:params:xml:ns:\
                   xmpp-stanzas\"/></error></message>";
        assert_eq!(
            error_condition(xml).as_deref(),
            Some("remote-server-not-found")
        );
        assert_eq!(error_condition("<message/>"), None);
    }

    #[test]
    fn headers_with_and_without_declaration() {
        assert!(is_header("<?xml version='1.0'?><stream:stream id='1'>"));
        assert!(is_header("<stream:stream to=\"localhost\">"));
        assert!(!is_header("<stream:features/>"));
    }
}
