//! A server's notes (what it did without sending bytes: "bound
//! alice@a.example/laptop", "b.example is at 127.0.0.1:5269 (pinned
//! route)") in the reader's language.
//!
//! The server writes its notes in English and stays that way: `xmpp/`
//! never depends on the course's language, the trace of `netlab xmpp
//! server` is a log, and the lessons read some notes back (lesson 5
//! finds a client's address in "connected from …"). So the notes are
//! translated here, where they are shown: each known form is taken apart
//! into its values and said again from the catalogue
//! (`locales/*/lesson05.ftl`). In English that gives back the very same
//! words; lesson 5's test checks it on every note of a real run, so a
//! note whose wording changes in the server is noticed.
//!
//! Read before: the notes themselves, in `src/xmpp/server/c2s.rs`,
//! `s2s_in.rs` and `s2s_out.rs` (`self.note(…)`). Book:
//! `book/src/lesson-05.md`. Run: `netlab lesson 5 --lang zh`.

/// `note` in the current language; a note of a form this file does not
/// know stays as the server wrote it.
pub fn say(note: &str) -> String {
    known(note).unwrap_or_else(|| note.to_owned())
}

/// `note` said again from the catalogue, if it has a known form.
pub fn known(note: &str) -> Option<String> {
    if note == "TLS established; the stream restarts" {
        return Some(crate::tr!("note-tls-restarts"));
    }
    if note == "TLS established (certificate not verified: dialback decides)" {
        return Some(crate::tr!("note-tls-unverified"));
    }
    if let Some(peer) = note.strip_prefix("component connection from ") {
        return Some(crate::tr!("structure-note-component-from", peer = peer));
    }
    if let Some(name) = note
        .strip_prefix("component ")
        .and_then(|rest| rest.strip_suffix(" authenticated"))
    {
        return Some(crate::tr!("structure-note-authenticated", name = name));
    }
    if note == "connection closed by the client" {
        return Some(crate::tr!("structure-note-client-closed"));
    }
    if note == "component connection closed" {
        return Some(crate::tr!("structure-note-component-closed"));
    }
    if let Some(addr) = note.strip_prefix("connected from ") {
        return Some(crate::tr!("note-connected-from", addr = addr));
    }
    if let Some(addr) = note.strip_prefix("server connection from ") {
        return Some(crate::tr!("note-server-connection-from", addr = addr));
    }
    if let Some(user) = note.strip_prefix("authenticated as ") {
        return Some(crate::tr!("note-authenticated-as", user = user));
    }
    if let Some(jid) = note.strip_prefix("bound ") {
        return Some(crate::tr!("note-bound", jid = jid));
    }
    if let Some(why) = note.strip_prefix("failed: ") {
        // The reason is the system's own message ("Connection refused
        // (os error 111)"), which stays as the C library gives it.
        let (addr, error) =
            why.strip_prefix("connecting to ")?.split_once(": ")?;
        return Some(crate::tr!(
            "note-failed-connecting",
            addr = addr,
            error = error
        ));
    }
    if let Some(rest) = note.strip_prefix("authenticated: ") {
        let rest = rest.strip_suffix(" on this stream")?;
        if let Some(domain) = rest.strip_suffix(" may send to us") {
            return Some(crate::tr!("note-may-send-to-us", domain = domain));
        }
        let (ours, theirs) = rest.split_once(" may now send to ")?;
        return Some(crate::tr!(
            "note-may-now-send",
            ours = ours,
            theirs = theirs
        ));
    }
    // "{from} claims its name: asking {from} itself (db:verify, id {id})"
    if let Some((from, rest)) = note.split_once(" claims its name: asking ") {
        let id = rest
            .strip_prefix(from)?
            .strip_prefix(" itself (db:verify, id ")?
            .strip_suffix(')')?;
        return Some(crate::tr!("note-claims-name", from = from, id = id));
    }
    // "{domain} is at {addr} ({how})"
    if let Some((domain, rest)) = note.split_once(" is at ") {
        let (addr, how) = rest.strip_suffix(')')?.split_once(" (")?;
        let how = match how {
            "pinned route" => crate::tr!("note-how-pinned"),
            "no SRV record: A/AAAA, port 5269" => {
                crate::tr!("note-how-fallback")
            }
            // An SRV answer is all names and numbers.
            _ => return None,
        };
        return Some(crate::tr!(
            "note-is-at",
            domain = domain,
            addr = addr,
            how = how
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_notes_come_back_word_for_word() {
        for note in [
            "connected from 127.0.0.1:49442",
            "TLS established; the stream restarts",
            "authenticated as alice",
            "bound alice@a.example/laptop",
            "b.example is at 127.0.0.1:33707 (pinned route)",
            "b.example is at 127.0.0.1:5269 (no SRV record: A/AAAA, port 5269)",
            "server connection from 127.0.0.1:42190",
            "TLS established (certificate not verified: dialback decides)",
            "a.example claims its name: asking a.example itself (db:verify, \
             id 2a26732fdd18a317)",
            "authenticated: a.example may send to us on this stream",
            "authenticated: a.example may now send to b.example on this stream",
            "failed: connecting to 127.0.0.1:33707: Connection refused (os \
             error 111)",
        ] {
            assert_eq!(known(note).as_deref(), Some(note));
        }
    }

    #[test]
    fn unknown_notes_stay_as_written() {
        assert_eq!(known("stream error not-authorized"), None);
        assert_eq!(say("server connection closed"), "server connection closed");
    }
}
