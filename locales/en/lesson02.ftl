# Lesson 2's live output (src/show/interop.rs): our client and XML typed by
# hand on a plain socket, through the same server.

interop-listening = listening on { $addr }, in this process, without TLS
interop-alice-in =
    netlab's Client logged alice in ({ $mechanism }, with the exchanges of
    lesson 1), bound { $jid } and sent <presence/>
interop-connect = connect() to { $server } from { $local }
interop-plain-socket = a plain TCP socket: no XMPP library from here on
interop-plain-layout =
    (RFC 4616: authorization identity, here empty, NUL, user, NUL, password)
interop-received = her Client received it, { $took } after bob's write; as it parsed it:
interop-answers = her Client answers (Client::send)
interop-trace = The server's trace of these two messages:
interop-closed-too = the server closed the TCP connection too
interop-closed = the server closed the connection
interop-more-bytes = more bytes came after the server's last word
interop-third-socket = a third socket, which sends a message without logging in
interop-carol-opened =
    connect() from { $local }; stream opened: { $typed } bytes typed, { $read } read
interop-typed = typed { $bytes } bytes:
interop-sent = sent { $bytes } bytes:
