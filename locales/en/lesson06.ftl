# Lesson 6's live output (src/show/costs.rs): what XMPP costs, counted by
# relays on the way: the login, the overhead of a message, TLS, base64,
# an extension payload, an unknown request.

costs-login = Alice logging in, counted by her relay from connect() to her bound resource:
costs-plaintext = plaintext
costs-login-counts = up { $up } bytes, down { $down } bytes, { $segments } segments with data
costs-tls-added =
    TLS added { $bytes } bytes: the TLS handshake (key exchange, the
    server's certificate) and one more stream restart inside it. All of it
    is paid once per connection, and an XMPP connection stays open for
    hours.
costs-columns =
    XML sent: what Alice's client wrote, counted on her link; { $envelope }
    bytes of it are the envelope around the body. To Bob: the same stanza on
    Bob's link, { $stamp } bytes longer because the server stamped from=. In
    TLS: the same on a TLS connection. On the wire: plus { $headers } bytes
    of TCP/IP headers per segment (lesson 7), what Bob's network carried.
costs-first-bytes = the { $body }-byte message, first bytes on Bob's link:
costs-encrypted = (no text: encrypted)
costs-no-record = (the bytes do not start with a TLS record header)
costs-one-record = The relay counted { $bytes } bytes: 5 + { $length }, one record.
costs-more-records = The relay counted { $bytes } bytes: more than one record.
costs-record-header =
    The TLS record header, 5 bytes (RFC 8446 § 5.1): type { $kind } =
    application data; version { $version }, which TLS 1.3 writes as "1.2" on
    purpose so that old middleboxes let it through; length { $length } = the
    { $xml } bytes of XML + { $inner } (1 byte of real content type, 16
    bytes of authentication tag, RFC 8446 § 5.2). { $counted }
costs-file =
    a { $bytes }-byte file of random bytes (like a photo or a zip), sent
    in-band as XEP-0231 Bits of Binary:
costs-base64-text = base64 text
costs-alice-sent = stanza Alice sent
costs-bob-got = stanza Bob got
costs-bytes = { $bytes } bytes
costs-decoded-same = Bob decoded it: the same bytes
costs-decoded-different = Bob decoded it: DIFFERENT bytes
costs-content-id = content id: { $cid }
costs-largest =
    This server refuses any stanza above { $limit } KiB (Limits in
    src/xmpp/framing/mod.rs; RFC 6120 § 13.12 asks servers for such a
    limit), so the largest file that fits in one message is { $largest }
    KiB.
costs-payload-written = Alice's client wrote this payload:
costs-payload-carried = exactly these { $bytes } bytes are in what Bob's link carried: { $answer }
costs-yes = yes
costs-no = no
costs-payload-kept = Bob's stanza layer kept it, uninterpreted, in Message.payloads:
costs-by-hand = The same payload typed by hand, single quotes:
costs-reached-bob = reached Bob as:
costs-changed-nothing = What changed: nothing, byte for byte.
costs-became = { $was } became { $now } ({ $times } times)
costs-list-separator = {", "}
costs-changed = What changed: { $each }; every other character is the same.
costs-changed-length =
    What changed: more than single characters (the length differs).
costs-alice-asks = alice asks the server:
costs-server-answers = the server answers:
