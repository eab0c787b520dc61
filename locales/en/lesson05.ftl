# Lesson 5's live output (src/course/lesson05.rs): alice and bob on two
# servers, a.example and b.example, drawn as one ladder; and the servers'
# own notes on that ladder (src/show/server_notes.rs).

## connect

lesson05-listens = { $server } listens for
lesson05-listens-on = clients on { $c2s }, servers on { $s2s }
lesson05-given-address =
    alice's client was given a.example's address, { $addr }. The kernel
    made the TCP connection (three-way handshake, lesson 9) before
    a.example's accept() returned; /proc/net/tcp lists its two ends:
lesson05-pair = local { $local } remote { $remote } { $state }
lesson05-bob-too = bob did the same with b.example, from { $addr }.

## authenticate

lesson05-certificate = a.example's certificate:
lesson05-subject = subject CN={ $subject }, SHA-256 fingerprint:
lesson05-no-subject = (none)
lesson05-pinned =
    alice's client pinned exactly this certificate, and the TLS handshake
    succeeded: the server holds its private key. That authenticates the
    server to alice — and says nothing about alice. SASL, inside TLS,
    authenticates her:
lesson05-password =
    The password ({ $password }) appears in { $leaked ->
        [0] none
       *[other] { $leaked }
    } of the { $lines } lines the four parties recorded during alice's and
    bob's logins, base64 decoded.
# A SASL payload decoded, and what its fields are (RFC 5802 § 5.1).
lesson05-sasl-decoded = = { $text } ({ $what })
lesson05-sasl-auth =
    client-first: n,, = no channel binding; n= the user; r= alice's random
    nonce
lesson05-sasl-challenge =
    server-first: r= her nonce + the server's; s= the salt stored with her
    account; i= PBKDF2 iterations
lesson05-sasl-response =
    client-final: p= the proof, made from the password and never the
    password
lesson05-sasl-success =
    server-final: v= the server's signature: it knows her stored keys

## wire

lesson05-relay-login =
    alice logged in a second time, through a relay on { $relay } that copies
    every byte to a.example and keeps a copy (lesson 6): the relay sees what
    a capture would. Her <auth>, as a.example parsed it after decrypting,
    { $bytes } bytes:
lesson05-one-record =
    the same bytes as the relay carried them, one TLS record of { $bytes }
    bytes:
lesson05-record-read =
    17 = application data, 03 03 = "TLS 1.2" (TLS 1.3 says so on purpose),
    then the length; the rest is ciphertext. The record is { $extra } bytes
    longer than the XML{ $why } { $matched } of the { $pieces } pieces alice
    sent after TLS were each exactly { $extra } bytes longer on the wire.
lesson05-record-tls13 =
    : 5 of header, 1 of real content type and 16 of authentication tag
    (TLS 1.3, RFC 8446 § 5.2).
lesson05-record-other = .

## presence

lesson05-step4-here =
    a.example has no stream to b.example yet: step 4 happens here
    ({ $pieces } pieces of XML, { $ms } ms; next)
lesson05-servers-did-it =
    The servers did it all: alice named bob@b.example; a.example stamped
    from=, carried the request to b.example, kept bob's answer in alice's
    roster (the roster push), and b.example sent bob's presence, because
    bob allowed it.

## s2s

lesson05-links =
    a→b marks the TCP connection a.example opened to b.example, b→a the one
    b.example opened back. Each server proved its name on its own
    connection: the receiver asked the claimed domain itself (db:verify, on
    its own connection there, with the stream id { $ids }) whether it made
    the key. Two connections, one each way: that is the article's "mutual".
lesson05-and = {" and "}

## kernel

lesson05-for-clients = { $server } (clients)
lesson05-for-servers = { $server } (servers)
lesson05-kernel-lists =
    Every ESTABLISHED TCP connection of this lesson, as the kernel lists
    them in /proc/net/tcp (each once, from the side that connected):
lesson05-kernel-verdict =
    { $connections } connections, and every one ends at a server's listening
    socket. A connection between alice and bob: { $direct }. Between the two
    servers: { $between }, one each way. Not peer-to-peer: client–server,
    and servers federating.
lesson05-direct-yes = yes
lesson05-direct-none = none

## exchange

lesson05-hop =
    from={ $from } to={ $to } — arrived { $ms } ms later
lesson05-from-none = (none: the server stamps it)
lesson05-hops-took = { $hops } hops, { $ms } ms
lesson05-times =
    Times are from each party's own record: when the sender wrote the bytes,
    when the receiver had parsed them. On loopback a hop costs a fraction of
    a millisecond; across the Internet each server-to-server hop adds the
    distance between the servers.

## down

lesson05-stopped =
    b.example was stopped: its listening sockets ({ $c2s } and { $s2s }) are
    closed. alice writes to bob again:
lesson05-no-error = (no error)
lesson05-bounced =
    alice's client got back her message with type={ $type } and the
    condition <{ $condition }/>: a.example could not reach b.example, said
    so, and dropped nothing in silence.

## The servers' notes (src/show/server_notes.rs), word for word as the
## server writes them (src/xmpp/server/c2s.rs, s2s_in.rs, s2s_out.rs).

note-connected-from = connected from { $addr }
note-server-connection-from = server connection from { $addr }
note-tls-restarts = TLS established; the stream restarts
note-tls-unverified =
    TLS established (certificate not verified: dialback decides)
note-authenticated-as = authenticated as { $user }
note-bound = bound { $jid }
note-failed-connecting = failed: connecting to { $addr }: { $error }
note-may-send-to-us =
    authenticated: { $domain } may send to us on this stream
note-may-now-send =
    authenticated: { $ours } may now send to { $theirs } on this stream
note-claims-name =
    { $from } claims its name: asking { $from } itself (db:verify, id { $id })
note-is-at = { $domain } is at { $addr } ({ $how })
note-how-pinned = pinned route
note-how-fallback = no SRV record: A/AAAA, port 5269
