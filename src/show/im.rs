//! Lesson 1's output: what [`crate::course::im`] measured, in 80 columns.
//!
//! One function per step, each taking the step's values and returning
//! text; nothing here talks to the server. Variable values (ports, times)
//! go where they cannot change how a line wraps, so that the book's
//! recorded transcript stays checkable.
//!
//! Read before: [`crate::course::im`]. Book: `book/src/lesson-01.md`.
//! Run: `netlab lesson 1`.

use std::time::SystemTime;

use crate::course::conversation::body_of;
use crate::course::im::{
    Connections, Login, Offline, PresenceSeen, Pushed, Said, percentile,
};
use crate::show::conversation::trace_lines;
use crate::show::steps::table;
use crate::show::width::current as columns;
use crate::show::{fold, style, wrap};
use crate::units::duration;

/// The login's lines are cut at this many characters: enough to keep
/// every mechanism and the bound JID, not a kilobyte of base64.
const LOGIN_LINE: usize = 160;

/// Trace lines, with their owners, one per line.
fn said(lines: &[Said], max: Option<usize>) -> String {
    trace_lines(lines.iter().map(|s| (s.who.as_str(), &s.line)), max)
}

/// The `login` step.
pub fn login(l: &Login) -> String {
    let mut out = format!(
        "{} listening on {}, in this process\n       {}\n\n",
        style::server("server"),
        l.server,
        wrap(
            "a port the kernel chose, accounts alice and bob, no TLS so \
             that every byte can be read",
            columns() - 7,
            7
        )
    );
    out.push_str(&format!(
        "alice's login, as the server saw it ({} ms; long values cut):\n",
        l.alice_took.as_millis()
    ));
    out.push_str(&said(&l.alice, Some(LOGIN_LINE)));
    out.push_str(&format!(
        "bob's login: the same {} pieces of XML, on a connection of its \
         own.\n\n",
        l.bob_pieces
    ));
    out.push_str("Then each says it is online:\n");
    out.push_str(&said(&l.online, None));
    out
}

/// The `connections` step.
pub fn connections(c: &Connections) -> String {
    let mut out = format!(
        "{}\n",
        style::kernel(&wrap(
            &format!(
                "kernel: /proc/net/tcp, every row with the server's port: \
                 the listener and {} ESTABLISHED ends, two per connection \
                 (client and server are both in this process)",
                c.established()
            ),
            columns(),
            8
        ))
    );
    out.push_str(&table(&c.rows, 0));
    out
}

/// The `push` step.
pub fn push(p: &Pushed) -> String {
    let mut out = format!(
        "alice's client writes:\n  {}\n\n",
        fold(&p.typed.to_xml(), columns() - 2, 4)
    );
    out.push_str("the server's trace, everything it saw and sent:\n");
    out.push_str(&said(&p.trace, None));
    out.push_str(&format!(
        "\n{}\n",
        wrap(
            &format!(
                "bob's client got <body>{}</body> from {}.",
                body_of(&p.got),
                p.got.attr("from").unwrap_or("?")
            ),
            columns(),
            0
        )
    ));
    out.push_str(&format!(
        "{}\n",
        wrap(
            &format!(
                "bob's client sent {} stanzas to get it: the server pushed \
                 it down the connection bob opened at login.",
                p.bob_sent
            ),
            columns(),
            0
        )
    ));
    out.push_str(&format!(
        "\nsend → receive, on this machine, now:\n  this message: {}\n  \
         {} more, one at a time: median {}, fastest {}, slowest {}\n",
        duration(p.took),
        p.times.len(),
        duration(percentile(&p.times, 50)),
        duration(percentile(&p.times, 0)),
        duration(percentile(&p.times, 100)),
    ));
    out
}

/// The `presence` step.
pub fn presence(p: &PresenceSeen) -> String {
    let mut out = "They ask for each other's presence, and agree:\n".to_owned();
    out.push_str(&said(&p.subscribe, None));
    out.push_str("\nbob goes away:\n");
    out.push_str(&said(&p.away, None));
    out.push_str(&format!(
        "\nalice's client now shows bob as \"{}\", without asking.\n\
         bob's write → alice's client: {}\n",
        p.show,
        duration(p.took)
    ));
    out
}

/// The `offline` step.
pub fn offline(o: &Offline) -> String {
    let mut out = format!(
        "bob closes his stream and his connection; alice is told:\n  {}\n\n",
        fold(&o.gone.to_xml(), columns() - 2, 4)
    );
    out.push_str("alice sends anyway; the server's trace of it:\n");
    out.push_str(&said(&o.sent, None));
    out.push_str(&format!(
        "{}\n\n",
        wrap(
            "nothing went out: bob has no connection to push it down, so \
             the server stored it (in its database, here SQLite in memory).",
            columns(),
            0
        )
    ));
    let ports: Vec<String> =
        o.bob_ports.iter().map(ToString::to_string).collect();
    out.push_str(&format!(
        "bob stays offline for {}; then he logs in again ({} ms) on a new\n\
         connection (client ports: {}), and says he is online;\n\
         the server hands him what it kept:\n  {}\n",
        duration(o.away),
        o.relogin.as_millis(),
        ports.join(" then "),
        fold(&o.stored.to_xml(), columns() - 2, 4)
    ));
    out.push_str(&format!(
        "\n<delay> (XEP-0203) says when the server received it; by this \
         machine's clock:\n  alice sent it       {}\n  the server \
         stamped  {}\n  bob got it          {} ({} ms later)\n",
        seconds(o.sent_at),
        o.stamp.as_deref().unwrap_or("(none)"),
        seconds(o.received),
        o.received
            .duration_since(o.sent_at)
            .unwrap_or_default()
            .as_millis(),
    ));
    out
}

/// A time as RFC 3339 in whole seconds, UTC, as the stamp is written.
fn seconds(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
