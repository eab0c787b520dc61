//! What the lessons' clients do on the stage: wait for a stanza, write a
//! chat message, subscribe to a contact's presence.
//!
//! Lessons 1, 2 and 4 drive real [`Client`]s against the server of
//! [`super::xmpp_stage`]; these are the few moves they share. Each is a
//! plain async function over one or two clients, so that a lesson (or a
//! test) can compose them inside one [`super::xmpp_stage::Stage::block_on`].
//!
//! Read before: [`super::xmpp_stage`]. Read after: [`super::im`], which
//! uses them for lesson 1. Book: `book/src/lesson-01.md`.
//!
//! Specs: [RFC 6121] § 3 (subscriptions), § 5 (messages).
//!
//! [RFC 6121]: https://datatracker.ietf.org/doc/html/rfc6121

use std::time::Duration;

use anyhow::{Context, bail};

use crate::xmpp::client::Client;
use crate::xmpp::framing::Element;

/// How long a step waits for a stanza before it reports that none came.
/// Loopback delivers in well under a millisecond; two seconds only
/// matter on a machine that is badly overloaded.
pub const PATIENCE: Duration = Duration::from_secs(2);

// ANCHOR: wait_for
/// Reads stanzas until one that `wanted` accepts arrives, and returns it
/// with the ones that came before it. A client has one connection and
/// reads everything in the order the server wrote it: a message, a
/// presence, an iq result, whatever comes next.
pub async fn wait_for(
    client: &mut Client,
    what: &str,
    wanted: impl Fn(&Element) -> bool,
) -> anyhow::Result<(Element, Vec<Element>)> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut before = Vec::new();
    loop {
        let next = tokio::time::timeout_at(deadline, client.recv())
            .await
            .with_context(|| {
                format!(
                    "{} waited {} s for {what}",
                    client.jid(),
                    PATIENCE.as_secs()
                )
            })??;
        let Some(stanza) = next else {
            bail!("the server closed {}'s stream", client.jid());
        };
        if wanted(&stanza) {
            return Ok((stanza, before));
        }
        before.push(stanza);
    }
}
// ANCHOR_END: wait_for

// ANCHOR: chat
/// `<message to='…' type='chat'><body>…</body></message>`: a one-to-one
/// chat message (RFC 6121 § 5.2.2). No `from`: the server adds it.
pub fn chat(to: &str, body: &str) -> Element {
    Element::new("message", None)
        .with_attr("to", to)
        .with_attr("type", "chat")
        .with_child(Element::new("body", None).with_text(body))
}
// ANCHOR_END: chat

// ANCHOR: subscribe
/// `asker` asks to see `granter`'s presence, and `granter` agrees
/// (RFC 6121 § 3.1). Granting also sends the granter's current presence
/// (§ 3.1.5): that is waited for too, so that the trace is complete.
pub async fn subscribe(
    asker: &mut Client,
    granter: &mut Client,
) -> anyhow::Result<()> {
    let asker_jid = asker.jid().bare().to_string();
    let granter_jid = granter.jid().bare().to_string();
    asker.send(&subscription(&granter_jid, "subscribe")).await?;
    wait_for(granter, "a subscription request", |e| {
        e.attr("type") == Some("subscribe")
    })
    .await?;
    granter
        .send(&subscription(&asker_jid, "subscribed"))
        .await?;
    wait_for(asker, "the approval", |e| {
        e.attr("type") == Some("subscribed")
    })
    .await?;
    wait_for(asker, "the granter's presence", |e| {
        e.local_name() == "presence" && e.attr("type").is_none()
    })
    .await?;
    Ok(())
}
// ANCHOR_END: subscribe

/// `<presence to='…' type='subscribe'/>` and its relatives (RFC 6121
/// § 3.1).
fn subscription(to: &str, kind: &str) -> Element {
    Element::new("presence", None)
        .with_attr("to", to)
        .with_attr("type", kind)
}

/// Whether a stanza is a `<message>`.
pub fn is_message(element: &Element) -> bool {
    element.local_name() == "message"
}

/// The text of a message's `<body>`, empty when it has none.
pub fn body_of(message: &Element) -> String {
    message
        .elements()
        .find(|e| e.local_name() == "body")
        .map(Element::text)
        .unwrap_or_default()
}

/// The attributes of `after` that `before` did not have, as
/// `name="value"`: what the server added to a stanza on its way.
pub fn added_attributes(before: &Element, after: &Element) -> Vec<String> {
    after
        .attributes
        .iter()
        .filter(|a| before.attr(&a.name).is_none())
        .map(|a| format!("{}=\"{}\"", a.name, a.value))
        .collect()
}

/// `alice` from `alice@localhost/laptop`.
pub fn user_of(jid: &str) -> &str {
    jid.split('@').next().unwrap_or(jid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_has_no_from_and_one_body() {
        let m = chat("bob@localhost", "hi");
        assert_eq!(m.attr("from"), None);
        assert_eq!(m.attr("type"), Some("chat"));
        assert_eq!(body_of(&m), "hi");
        assert!(is_message(&m));
        let stamped = m.clone().with_attr("from", "alice@localhost/laptop");
        assert_eq!(
            added_attributes(&m, &stamped),
            ["from=\"alice@localhost/laptop\""]
        );
    }

    #[test]
    fn the_user_is_the_localpart() {
        assert_eq!(user_of("alice@localhost/laptop"), "alice");
        assert_eq!(user_of("localhost"), "localhost");
    }
}
