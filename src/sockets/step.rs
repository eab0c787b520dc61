//! One system call, what it returned, and what the kernel showed afterwards.
//!
//! Every demo in [`crate::sockets`] is a list of [`Step`]s. A step carries the
//! call written the way C would (`listen(fd 3, 128)`), its return value, and
//! a snapshot of the kernel's socket table taken *right after* the call, so
//! the student sees the effect, not our claim about it.
//!
//! Read before: [`super::proc_net`]. Read after: [`super::walkthrough`].

use std::fmt;

use super::proc_net::{SocketRow, TcpState};

/// Which end of the conversation made a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The end that binds, listens and accepts.
    Server,
    /// The end that connects.
    Client,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Side::Server => "server",
            Side::Client => "client",
        })
    }
}

/// A row of the kernel's table, with the name of whoever owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The row as the kernel printed it.
    pub row: SocketRow,
    /// Who holds it: `server fd 3`, or why nobody does.
    pub owner: String,
}

/// One call and its visible effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Who made the call.
    pub side: Side,
    /// The call, C-style, with our arguments.
    pub call: String,
    /// What it returned.
    pub returned: String,
    /// What the kernel did, in one sentence derived from `table`.
    pub kernel: String,
    /// The kernel's rows for the sockets of this demo, after the call.
    pub table: Vec<Observed>,
}

impl Step {
    /// The first row in the table that `owner` holds.
    pub fn row_of(&self, owner: &str) -> Option<&SocketRow> {
        row_of(&self.table, owner)
    }

    /// The state of the first row `owner` holds.
    pub fn state_of(&self, owner: &str) -> Option<TcpState> {
        state_of(&self.table, owner)
    }
}

/// The first row of `table` whose owner's name starts with `owner`.
pub fn row_of<'a>(table: &'a [Observed], owner: &str) -> Option<&'a SocketRow> {
    table
        .iter()
        .find(|o| o.owner.starts_with(owner))
        .map(|o| &o.row)
}

/// The state of that row.
pub fn state_of(table: &[Observed], owner: &str) -> Option<TcpState> {
    row_of(table, owner).map(|row| row.state)
}
