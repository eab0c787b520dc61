# Lesson 3's live output: the stanza as the server read and wrote it
# (src/show/traits.rs), its notes (src/course/stanza_notes.rs), the JIDs
# and why some are not JIDs (src/course/traits.rs,
# src/show/jid_error.rs), federation refused, push against polling, and
# what the server offered before login.

## The `stanza` step.

traits-arrived = C→S, what the server read from Alice ({ $bytes } bytes):
traits-left = S→C, as the server wrote it to Bob ({ $bytes } bytes):
traits-added = The server changed one thing: it added { $added }.
traits-forged = Then Alice's client writes from="{ $forged }" itself; Bob gets:

## The `annotate` step: each item's meaning (src/course/stanza_notes.rs).

notes-message =
    a message stanza: pushed to the addressee, who sends nothing back
    ("fire and forget"); in namespace jabber:client, inherited from the
    stream header
notes-presence =
    a presence stanza: availability, broadcast to those who subscribed
notes-iq =
    an iq stanza: a request (get, set) that gets exactly one answer
    (result, error)
notes-body = the human-readable text of the message
notes-subject = the topic of the conversation
notes-thread = which conversation thread this message belongs to
notes-error = what went wrong with the stanza this one answers
notes-condition = the defined error condition
notes-extension =
    a payload in another namespace, { $ns }: { $what }. The server routes
    it without understanding it; only the receiving software gives it
    meaning
notes-no-namespace =
    an element in no namespace: not valid inside a jabber:client stream
notes-unknown-namespace =
    a payload in a namespace this program does not know, { $ns }: the
    server routes it untouched, and a receiver that does not know it
    ignores it
notes-chatstates =
    Chat State Notifications; <active/> says the sender is looking at the
    conversation
notes-receipts = Message Delivery Receipts
notes-delay = Delayed Delivery: when it was held
notes-oob = Out of Band Data: a URL to fetch
notes-bob = Bits of Binary: small binary data
notes-to-bare =
    the addressee, as the sender wrote it: a bare JID (an account), so the
    server picks which of its connected resources get it
notes-to-full =
    the addressee, as the sender wrote it: a full JID, so exactly that
    connected resource gets it
notes-to-invalid = not a valid JID: { $error }
notes-from =
    the sender's full JID, stamped by the server: the sender did not write
    it and cannot choose it, so nobody can speak for someone else
notes-id =
    chosen by the sender, so that an answer or an error can say which
    stanza it is about
notes-lang =
    the language of the human-readable text: { $value }, a language tag
    (BCP 47)
notes-xmlns =
    puts this element and its children in namespace { $value }; the
    namespace, not the element's name, says which specification defines it
notes-attribute =
    an attribute of this element, defined by its namespace's specification
notes-type = { $value }: { $meaning }
notes-type-chat = a one-to-one conversation
notes-type-normal = a standalone message
notes-type-groupchat = multi-user chat
notes-type-headline = an alert that expects no reply
notes-type-error = an error about a stanza sent earlier
notes-type-get = a request for information
notes-type-set = a request to change something
notes-type-result = the answer to a get or set
notes-type-unavailable = going offline
notes-type-subscription = a subscription request or answer
notes-type-unknown = a type this program does not know
notes-text = the text itself: { $chars } characters, { $bytes } bytes
notes-text-wide =
    the text itself: { $chars } characters but { $bytes } bytes, because
    XMPP is always UTF-8 and a Chinese character takes three bytes
traits-read-as =
    src/xmpp/stanza.rs reads it as a Message: type { $kind }, from { $from }
    ({ $from_kind } JID), to { $to } ({ $to_kind } JID), { $bodies } body,
    and { $payloads } payload it keeps without interpreting: { $list }
traits-jid-bare = bare
traits-jid-full = full
traits-jid-none = none

## The `jids` step: the table, its rules, and the strings refused.

traits-jid-written = written (rule)
traits-jid-local = local
traits-jid-domain = domain
traits-jid-resource = resource
traits-jid-rule = ({ $rule })
jid-rule-full = full: one device
jid-rule-bare = bare; case folded
jid-rule-resource = resource: all after 1st /
jid-rule-at = the @ is in the resource
jid-rule-server = the server itself
jid-rule-dot = final dot dropped
jid-rule-ipv6 = IPv6 address as domain
jid-rule-script = any script in a localpart
traits-not-jids = Not JIDs, and the rule each breaks:
traits-long = { $start }…@localhost ({ $count } a's)
traits-unexpected = accepted as { $jid } (unexpected)
traits-bound =
    Alice logs in once more, asking for the resource "tablet/2@home". The
    server bound { $jid }: local { $local }, domain { $domain }, resource
    { $resource }.

## Why a string is not a JID (src/show/jid_error.rs): the words of
## src/xmpp/jid.rs's JidError.

jid-part-local = localpart
jid-part-domain = domainpart
jid-part-resource = resourcepart
jid-error-empty =
    the JID is empty; at least a domainpart is needed (RFC 7622 § 3.1)
jid-error-empty-part =
    the { $part } is empty: '{ $jid }' has { $place } ({ $section }: every
    part present is at least one octet, RFC 7622 § 3.1)
jid-where-local = nothing before the '@'
jid-where-domain = no server between the '@' and the '/'
jid-where-resource = nothing after the '/'
jid-error-too-long =
    the { $part } is { $len } octets long, above the maximum of 1023
    (RFC 7622 § 3.1)
jid-error-forbidden =
    the { $part } '{ $text }' contains { $char }, which is not allowed there
    ({ $rule }, { $section })
jid-forbidden-reserved = the eight characters " & ' / : < > @ are reserved
jid-forbidden-space = the PRECIS IdentifierClass has no spaces
jid-forbidden-control = control characters are never allowed
jid-forbidden-dns =
    a DNS label is letters, digits and '-' (or an IDNA2008 U-label)
jid-error-empty-label =
    the domainpart '{ $domain }' has an empty label (two dots in a row, or
    a dot at the start); a DNS name is labels separated by single dots
    (RFC 7622 § 3.2, RFC 1034 § 3.1)
jid-error-ip-literal =
    the domainpart '{ $domain }' starts with '[' but is not an IPv6 address
    in brackets like '[::1]' (RFC 7622 § 3.2, RFC 3986 § 3.2.2)

## The `federation` step.

traits-alice-sends = alice sends:
traits-server-answers = server answers:
traits-federation =
    The domainpart example.org names another server, so Alice's server
    would have to reach it, server to server (port 5269). This lesson runs
    it with federation off (lesson 5 turns it on), so it answered
    <{ $condition }/> itself. The error says from="juliet@example.org"
    because it is about that address, but nothing left this machine:
    Juliet's client would never be contacted by Alice's, only by its own
    server.

## The `push-poll` step.

traits-race =
    { $messages } messages from Alice, one every { $spacing }, each sent by
    XMPP and posted to the HTTP inbox at the same instant:
traits-race-how = Bob gets them by
traits-race-requests = requests
traits-race-empty = empty
traits-race-up = up
traits-race-down = down
traits-race-mean = mean
traits-race-max = max
traits-push = XMPP push
traits-poll = poll every { $every }
traits-segments = { $method } { $count } ({ $bytes } bytes)
traits-list-separator = {", "}
traits-race-columns =
    Up and down: bytes on the receiver's connection, counted by its relay.
    Mean and max: delay from sending to arrival. Not counted: TCP/IP
    headers, { $headers } bytes per segment on lo. Segments with data:
    { $segments }.
traits-race-measured =
    Measured on this machine just now: run it again and the delays change,
    the pattern does not.

## The `security` step.

traits-features = the features the server offered Alice before login:
traits-first-sasl = Alice's first SASL message ({ $mechanism }):
traits-decoded = base64-decoded: { $decoded }
traits-security =
    The server offered <starttls/> (TLS, to encrypt the stream and prove
    the server's name) and SASL mechanisms (to prove who the user is). This
    lesson's clients skipped TLS to keep every byte readable; SCRAM still
    kept the password off the wire: the decoded message holds the user name
    and a random nonce, and the password never crosses, only a proof
    computed from it.
