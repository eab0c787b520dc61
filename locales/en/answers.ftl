# The worked answers `netlab lesson N --answers` prints after a lesson,
# composed from the student's own run (each lesson's `answers()` in
# src/course/lessonNN.rs), and the words they share
# (src/course/worked.rs). Each message is one paragraph of Markdown.

## Shared by every lesson.

answer-not-run = Its step did not run.
# Lists: "a, b and c". The code joins all but the last with
# answer-list-comma first.
answer-list-and = { $first } and { $last }
answer-list-comma = { $first }, { $next }

## Lesson 10: sockets.

answer-10-port = Your listener got port { $port }.
answer-10-port-inside =
    Your listener got port { $port }. This machine's ephemeral range
    (`/proc/sys/net/ipv4/ip_local_port_range`) is { $start }–{ $end }, so
    { $port } is inside it: for port 0 the kernel picks from the same
    range it uses for clients.
answer-10-port-outside =
    Your listener got port { $port }. This machine's ephemeral range
    (`/proc/sys/net/ipv4/ip_local_port_range`) is { $start }–{ $end }, so
    { $port } is outside it: this kernel picks a bound port 0 from
    elsewhere.
answer-10-table = After `connect` the table showed { $sockets } sockets.
answer-10-table-unowned =
    After `connect` the table showed { $sockets } sockets; the one with no
    owner (inode 0) was { $local } → { $remote }, the server's end that the
    kernel finished but nobody had `accept()`ed.
answer-10-backlog =
    The `backlog` step answered the second question: with backlog
    { $backlog }, the queue held { $held } finished connections (Recv-Q
    { $queued }) and the next client, { $left }, stayed in SYN_SENT: the
    server's kernel dropped its SYN without a word.
# When no client was left out (the `left` of answer-10-backlog).
answer-10-backlog-none = none
answer-10-got-in =
    After one `accept()` made room, its TCP sent the SYN again and it got
    in { $after } later; a program would only have seen `connect()` take
    longer.
answer-10-not-in =
    It had not got in a few seconds after `accept()` made room: its
    retries back off (1 s, 2 s, 4 s …).
answer-10-time-wait =
    While both run, `ss -tn 'sport = :7000'` shows one row: the server's
    accepted socket, ESTAB, local port 7000, peer nc's ephemeral port.
    (The listener is in LISTEN, which `ss` lists only with `-l`; nc's own
    socket has the ephemeral port as its source, so `'dport = :7000'`
    shows it.) Ctrl-C makes nc close first: nc's socket sends the first
    FIN and stays in TIME_WAIT for 60 s, seen with `ss -tn 'dport =
    :7000'`; the server's socket, which answered the FIN, is gone. The
    side that closes first waits, so that a late segment of this
    connection cannot land in a new one between the same two ports.
answer-10-time-wait-ours =
    This lesson's `close` step shows the same rule: its client closed
    first, and the socket in TIME_WAIT was { $addr }, held by `{ $owner }`.
answer-10-udp =
    UDP has no connections, so there is nothing to accept: the listener's
    one socket receives every datagram with `recvfrom()`, and each
    datagram carries its sender's address.
answer-10-udp-refused = In the `udp` step, `{ $call }` returned { $returned }.

## Lesson 1: instant messaging.

answer-01-rows =
    Your table had { $rows } rows with port { $port }: the listener and
    { $established } ESTABLISHED ends. A connection has two ends, and here
    both ends are sockets of this one process, so the kernel lists each
    connection twice: once from the client's side ({ $clients }), once
    from the server's. The number in every row is { $port }, the server's
    port: local on the listener and the server's ends, remote on the
    clients' rows.
# One client's end in answer-01-rows: "alice's client at 127.0.0.1:5000".
answer-01-client-at = { $owner } at { $addr }
answer-01-push =
    Bob's client sent { $sent } stanzas: the message came down the
    connection he opened at login. The server added { $added }. Alice's
    client could write any name there; the server knows which connection
    the stanza came in on and who logged in on it, so it writes `from`
    itself (and overwrites one a client wrote): nobody can send in someone
    else's name.
answer-01-presence =
    At login the server sent bob's `<presence/>` to { $first }: nobody had
    a subscription to bob yet, and presence goes only to those the user
    allowed. In the `presence` step alice asked (`subscribe`) and bob
    agreed (`subscribed`); after that bob's "away" went to { $away },
    { $took } after he wrote it.
# Who got a presence, when nobody did.
answer-01-nobody = nobody
answer-01-delay =
    Bob got the message { $total } ms after alice sent it. The lesson kept
    bob offline for { $away } ms on purpose, and his new login (a new TCP
    connection, SASL, binding) took { $relogin } ms; the other { $rest } ms
    went to his presence and the delivery. The stamp, { $stamp }, is when
    the server received the message, that is when alice wrote it. After a
    week his client should show the stamp: the time he got it only says
    when he happened to log in.
answer-01-no-stamp = (none)

## Lessons 8 and 9 name the step that did not run.

answer-step-not-run = The `{ $step }` step did not run.

## Lesson 8: addresses and ports.

answer-08-route-gateway =
    On this machine it would leave through **{ $interface }**: the most
    specific route containing it is `{ $route }` via { $gateway }: no
    interface has an address on 192.0.2.10's network, so the packet goes
    to that *gateway* (the next router) through { $interface }. The
    kernel picks, of all routes whose network contains the address, the
    one with the longest prefix.
answer-08-route-direct =
    On this machine it would leave through **{ $interface }**: it is
    inside { $network }, the network of { $interface }'s own address in
    the `interfaces` table, so the packet goes straight out of
    { $interface } to 192.0.2.10 itself, no router between. The kernel
    picks, of all routes whose network contains the address, the one with
    the longest prefix.
answer-08-no-route =
    This machine has no route that contains 192.0.2.10 (no default route
    either): sending would fail with ENETUNREACH.
answer-08-route-unreadable = The routing table could not be read ({ $error }).
answer-08-route-check = `ip route get 192.0.2.10` prints the same choice.
answer-08-localhost-yes =
    Yes: `getaddrinfo("localhost")` returned { $addresses }, so `::1` is
    included; a client tries the addresses in that order.
answer-08-localhost-no =
    No: `getaddrinfo("localhost")` returned only { $addresses }, because
    the `/etc/hosts` lines naming localhost are IPv4 only. The line `::1
    localhost` (Debian writes `::1 localhost ip6-localhost ip6-loopback`)
    would add it. `::1` itself works either way: the `families` step
    connected over it.
answer-08-ephemeral =
    Your range is { $start }–{ $end }: { $end } − { $start } + 1 = { $size }
    ports. A TCP connection is told apart by four numbers: source address,
    source port, destination address, destination port. From one client
    address to one server address and port, only the source port can
    change, so at most { $size } connections can exist at once (fewer
    while closed ones wait in TIME_WAIT). To another server port or
    address, the same source ports can be used again, because the four
    numbers differ: the limit is per destination, not global. Your 5
    connections got { $ports }, all to one server, each a different source
    port.
answer-08-privileged-root =
    You ran the lesson with CAP_NET_BIND_SERVICE (as root): the `errors`
    step's `bind(127.0.0.1:80)` returned 0, and only the thread that
    dropped the capability got { $error }. So `netlab socket listen
    127.0.0.1:80` listens for you; an ordinary user gets { $error } and
    the fix line: { $fix }.
answer-08-privileged-user =
    You ran the lesson as an ordinary user: the `errors` step's
    `bind(127.0.0.1:80)` returned { $error }, and so will `netlab socket
    listen 127.0.0.1:80`. Its fix line is the step's: { $fix }. With
    `sudo` the same command listens, because root has the capability.
answer-08-privileged-untried = The `errors` step did not try port 80.
answer-08-unprivileged-start =
    Port 8080 works for everyone: this kernel lets unprivileged programs
    bind from port { $start } up (the `ports` step read it from
    `/proc/sys/net/ipv4/ip_unprivileged_port_start`).

## Lesson 2: why XMPP.

answer-02-plain =
    `{ $initial }` decodes to { $bytes } bytes: `{ $od }`. The NUL bytes
    (`\0`) separate three fields: the authorization identity (empty: "the
    same as the user"), the user name `{ $user }`, and the password
    `{ $password }`. Whoever captures the connection learns both and can
    log in as { $user } from then on; base64 only makes bytes printable,
    it hides nothing.
answer-02-rewritten =
    Bob typed { $typed } bytes with { $typed_single } single quotes;
    alice's client got { $got } bytes with { $got_single } single and
    { $got_double } double quotes. The server added { $added }, and it
    wrote every attribute in double quotes: it parsed bob's XML into a
    tree and wrote the tree out anew. To XML both quotes mean the same,
    and alice's client reads the tree (element, attributes, text), not the
    bytes: what counts is the meaning.
answer-02-mechanisms =
    The server offered { $offered }. Alice's client picked { $picked }, the
    first it knows in its order of preference; bob typed PLAIN. PLAIN must
    never be offered without TLS: it sends the password itself (exercise
    1), readable by anyone on the path. The SCRAM mechanisms send only a
    proof computed from the password and a fresh nonce, useless to replay.
answer-02-early =
    The server answered carol's `<message>` with a stream error,
    `<{ $condition }/>`, closed its stream (`</stream:stream>`), and
    closed the TCP connection: carol's next `read()` returned { $read }.
    The message went nowhere. Before SASL the connection belongs to
    nobody, so the server has no `from` it could stamp; a server that
    delivered it would let anyone write anonymously.
# The same, when the stream error carried a <text/>.
answer-02-early-text =
    The server answered carol's `<message>` with a stream error,
    `<{ $condition }/>`, with the text "{ $text }", closed its stream
    (`</stream:stream>`), and closed the TCP connection: carol's next
    `read()` returned { $read }. The message went nowhere. Before SASL
    the connection belongs to nobody, so the server has no `from` it
    could stamp; a server that delivered it would let anyone write
    anonymously.

## Lesson 3: XMPP's traits.

answer-03-from =
    Alice's client sent { $sent } bytes and Bob got { $got }: { $more } more.
    They are ` { $added }`, a space and the attribute ({ $length } bytes),
    which the server added. When Alice's client wrote `from="{ $forged }"`
    itself, Bob still got `from="{ $stamped }"`: the server overwrites
    whatever a client writes there with the address of the connection the
    stanza came in on, so Alice cannot pose as Bob.
# The verdict and the device that answer-03-jids names.
answer-03-one-account = All three are the same account
answer-03-not-one-account = They are not all the same account
# Every bare JID was the same one; or each, as a list.
answer-03-accounts-each = `{ $bare }` for each
answer-03-accounts-apart = { $list }
answer-03-device-full = the two full JIDs
answer-03-device-none = none of them
answer-03-jids =
    { $verdict }: the local and domain parts are lower-cased, so each one's
    account (bare JID) is { $accounts }. Same device: { $device }.
    `Alice@LocalHost/Laptop` is the device `Laptop` and
    `alice@localhost/laptop` the device `laptop`, and the resourcepart
    keeps its case; `alice@localhost` has no resource, so it names the
    account, not a device.
# The same, quoting the comparison the `jids` step printed.
answer-03-jids-rule =
    { $verdict }: the local and domain parts are lower-cased, so each one's
    account (bare JID) is { $accounts }. Same device: { $device }.
    `Alice@LocalHost/Laptop` is the device `Laptop` and
    `alice@localhost/laptop` the device `laptop`, and the resourcepart
    keeps its case (your `jids` step: `{ $left } != { $right }`);
    `alice@localhost` has no resource, so it names the account, not a
    device.
answer-03-poll =
    Your 100 ms poller sent { $requests } requests and { $empty } came back
    empty: it asked while nothing was new. { $users } idle users polling
    every { $every } make { $each } requests a second each, { $total } a
    second for the server, all of them answered with nothing. Push needs
    none: your push receiver sent { $push } requests, and an idle user
    costs the server only the open connection.

## Lesson 6: XMPP's pros and cons.

answer-06-overhead =
    With TLS, the { $body }-byte message took { $wire } bytes on Bob's link
    (the `on the wire` column): { $xml } bytes of XML as Bob got it,
    { $tls } of TLS record around it, { $headers } of TCP/IP headers. The
    body's share was { $share } %. Everything but the body, { $overhead }
    bytes, stays about the same whatever the body's length (the envelope
    does not grow with the text), so the body is half of the message when
    it is about as long: roughly { $overhead } bytes. The table agrees: the
    body's share was { $share64 } % at 64 bytes and { $share1024 } % at
    1024.
answer-06-base64 =
    Base64 writes 4 characters for every group of 3 bytes, and a last
    group that is not full still gets all 4 (padded with `=`). { $raw }
    bytes are { $full } full groups and { $left } { $left ->
        [one] byte
       *[other] bytes
    } left over, so { $groups } groups × 4 = { $encoded } characters, not
    the { $naive } that 4/3 gives. A 3 MB photo ({ $photo } bytes) would be
    { $photo64 } characters of base64, plus the { $envelope } bytes of XML
    around it that your run measured: { $stanza } bytes, about
    { $megabytes } MB, in one stanza. This server refuses any stanza above
    { $max } bytes ({ $maxkib } KiB), so it would not accept it: the
    largest file that fits is { $largest } KiB. That is why real clients
    send files beside the stream instead, with HTTP File Upload.
answer-06-changed-nothing = What changed: nothing, byte for byte.
answer-06-changed =
    What changed: { $changes }; every other character is the same.
# One change in answer-06-changed: "' became " (8 times)".
answer-06-change = { $was } became { $now } ({ $times } times)
answer-06-changed-length =
    What changed: more than single characters (the length differs).
answer-06-extension =
    The server parses every stanza into elements and attributes and writes
    it out again in its own style; `'…'` and `"…"` are two spellings of the
    same attribute value, so the XML means exactly the same and any
    software that reads the extension as XML gets the same element. Only
    code that compared raw bytes would break, which is why XMPP extensions
    never do. To avoid a request the other side cannot answer, a client
    first asks which features it supports: Service Discovery, XEP-0030.
answer-06-unknown =
    Your `unknown-iq` step shows what happens without asking first: the
    server answered <{ $condition }/>.

## Lesson 4: XMPP's structure.

answer-04-sockets =
    The kernel listed { $rows } rows: { $listening } listening sockets and
    { $connected } connected ones, { $connections } connections seen from
    both ends. Each connection is there twice because a TCP connection has
    two ends, each a socket of its own, and here both ends live in this
    one process: the client's, with a port the kernel picked for it, and
    the server's.
answer-04-sockets-example =
    For example { $local } → { $remote } is { $owner }, and { $remote } →
    { $local } the server's end of the same connection.
answer-04-sockets-listening =
    The rows with no remote address (0.0.0.0:0) are the { $listening } in
    LISTEN: { $names }. A listening socket is connected to nobody; it only
    waits, and every connection it accepts gets a new socket of its own.
# One listener in answer-04-sockets-listening: "127.0.0.1:5222 (server,
# client port)".
answer-04-listener = { $addr } ({ $owner })
answer-04-no-handshake = The `roles` step showed no handshake.
answer-04-handshake-same = the same
answer-04-handshake-different = a different value: the server would have refused it
answer-04-handshake =
    It sent `<handshake>{ $sent }</handshake>`: the SHA-1 hash, in hex, of
    the stream id the server had just given it ({ $id }) followed by the
    secret. Computed again for this answer, SHA-1("{ $id }" + "{ $secret }")
    is { $check }. The secret itself never crossed the connection. A
    recording is useless later because the id is fresh and random for
    every connection: the next time { $domain } connects, the server
    expects the hash of a different id, and a hash cannot be turned back
    into the secret it was made from.
answer-04-stamped =
    The server added `from="{ $from }"` to alice's messages: her client
    wrote none, and the server writes who sent a stanza for every client.
answer-04-kept =
    The gateway's message already carried `from="{ $from }"`, written by
    the gateway itself, which speaks for every IRC user; the server only
    checked that the address is in the gateway's domain, { $domain }, and
    let it pass unchanged.
answer-04-by-domain =
    To route `mallory@{ $domain }` the server looked only at the domain,
    { $domain }: it belongs to a component, so the whole message went to
    the gateway; the localpart `mallory` is the gateway's business.
answer-04-bytes =
    The same sentence took { $xml } bytes of XML from the server to the
    gateway and { $irc } bytes of IRC from the gateway to mallory (CR LF
    included): { $more } bytes more as XML.
# One stored credential in answer-04-records: "SCRAM-SHA-1 (4096
# iterations)".
answer-04-credential = { $mechanism } ({ $iterations } iterations)
answer-04-records =
    The table `credentials`: its { $rows } rows for alice, { $mechanisms },
    hold a salt, an iteration count, a StoredKey and a ServerKey, and no
    password. It is not enough to log in: a SCRAM login needs a proof made
    with the ClientKey, and the table keeps only a hash of it (StoredKey),
    which cannot be turned back. To get the password a thief must guess,
    and pay PBKDF2's thousands of rounds for each guess. For carol the
    table `offline` held { $waiting } { $waiting ->
        [one] message
       *[other] messages
    }, alice's `<message>` with the `from` the server stamped. Carol never
    logged in: she had no connection for the server to write it to, so it
    was stored, to be delivered when she next connects.
answer-04-copies =
    The server sent { $copies } copies of bob's message to
    `alice@localhost`, one to each of her online connections: { $to }. A
    bare JID names the account, so a chat message goes to every device of
    the highest priority.
answer-04-replaced =
    The old laptop session was ended: the server wrote a stream error to
    it and closed the stream, and its client reported "{ $error }". The
    new connection asked for the same resource, `laptop`; RFC 6120 lets a
    server either refuse the newcomer or end the old one, and this server
    keeps the newer, because it is the one the person is using now: the
    old one is most likely a laptop left open somewhere.
answer-04-no-client-stream = The `streams` step showed no client connection.
answer-04-streams =
    Each client connection carried { $headers } stream headers: the
    client's and the server's, twice. On connection { $conn } ({ $jid })
    the server's ids were { $ids }. After SASL succeeded the client started
    a new stream on the same TCP connection, and a new stream gets a new,
    random id from the server: the second stream is the one that lasts.
# The ids of answer-04-streams, one after the other.
answer-04-then = { $first } and then { $next }
answer-04-gateway-stream =
    The gateway's connection carried { $headers }: a component logs in
    with `<handshake>`, not SASL, so its stream never restarts.

## Lesson 5: how XMPP works.

answer-05-connect =
    Alice's connection joined { $client } (her client) and { $server }
    (a.example's port for clients). Her client was only given the server's
    address; the kernel picked her end, { $client }, when she connected:
    its port comes from the ephemeral range. a.example gave her first
    stream the id { $first }. After STARTTLS the stream restarted, and
    a.example gave the new stream a new id, { $tls }; after SASL it
    restarted once more, with { $sasl }. Every new stream gets a fresh id,
    so yes, it changed.
answer-05-no-scram = The `authenticate` step showed no SCRAM exchange.
answer-05-scram =
    In the server-first message the salt is s={ $salt }, the iteration
    count i={ $iterations }. Its nonce r= starts with alice's own nonce
    from her client-first, { $mine }, and goes on with the server's part,
    { $theirs }, fresh for this login. Alice's proof p= is computed over
    the whole exchange, both nonces included. A recorded `<response>` is
    therefore worth nothing: at the next login the server picks a new
    nonce, expects a proof over that one, and the old proof does not
    match. (And the eavesdropper saw only TLS records in the first place,
    as the `wire` step showed.)
answer-05-no-verify = The `s2s` step showed no db:verify.
answer-05-verify =
    { $sender } sent the first db:verify, at { $at } ms, on the { $link }
    connection ({ $linkname }), carrying id { $id }.
answer-05-verify-given =
    That id was given at { $at } ms by { $by }, in its stream header on the
    { $link } connection ({ $linkname }): the header of the stream on which
    the other server had presented its key with db:result.
answer-05-verify-why =
    The receiver of a key asks the domain it claims to be, on its own
    connection there, whether that key was made for that stream; the id
    ties the question to one stream.
# The two server-to-server connections, in words.
answer-05-link-a-b = the one a.example opened to b.example
answer-05-link-b-a = the one b.example opened to a.example
answer-05-kernel =
    The kernel listed { $connections } connections of this lesson, and
    { $listeners } of them ended at a server's listening port: alice's and
    bob's at their own servers' client ports ({ $aport } and { $bport }),
    and the two between the servers at each one's server port. For XMPP to
    be peer-to-peer there would have to be a row joining alice's address
    { $alice } and bob's { $bob } directly; there was { $direct }.
# Whether answer-05-kernel found such a row.
answer-05-direct-one = one
answer-05-direct-none = none
answer-05-no-hops = The `exchange` step recorded no hops.
# One hop in answer-05-exchange: "alice → a.example 0.52 ms".
answer-05-hop = { $from } → { $to } { $ms } ms
answer-05-exchange =
    The hops took { $hops }. The slowest was { $from } → { $to }, { $ms } ms:
    on loopback every hop is short, and the differences come from which
    program was busy (a first message may also wait for a task to wake
    up), not from distance.
answer-05-stamped =
    Alice's client wrote no from; the first hop that carried one left
    { $left }, with from={ $from }: a.example, her server, added it, and
    b.example only checked it.
answer-05-down =
    a.example tried b.example's server port, { $port }, and noted: { $note }.
    It sent alice's message back to her with type="error" and the
    condition <{ $condition }/>: an error stanza, not silence.
answer-05-no-note = (no note)

## Lesson 7: the OSI model.

answer-07-no-ipv4 = The `layers` step did not show an IPv4 header.
answer-07-no-tcp = The `layers` step did not show a TCP header.
answer-07-fields =
    Your tree showed `protocol: { $protocol }` in the IPv4 header: that
    number told the receiving kernel to hand the packet's contents to TCP
    (17 would have meant UDP). The TCP header's `destination_port: { $dst }`
    told TCP which socket gets the bytes: the server's, the one listening
    on port { $dst }. (The `source_port` { $src } is the client's, where
    the answer goes.) Each header names the next reader: Ethernet's `type`
    names IPv4, IPv4's `protocol` names TCP, TCP's port names the program.
answer-07-no-frame = There was no frame to measure.
answer-07-header-share =
    The `encapsulation` step counted { $headers } bytes of headers in a
    { $total }-byte frame: { $share } of it, for { $data } bytes of XML.
    With a one-character message the same { $headers } bytes of headers
    would carry 1 byte of data: { $headers } of { $one } bytes, { $oneshare }
    headers. That is why a chat message's cost is mostly its envelopes,
    and why lesson 6 counts XML's own overhead on top.
answer-07-syn-why =
    MSS and the window scale are settings for the whole connection, and
    each side must know the other's before the first byte of data is sent,
    so they travel once, in the SYN and the SYN-ACK, and are not allowed
    later. Timestamps are different: they measure round trips, so once
    both SYNs offered them, every segment carries a fresh pair (the tree's
    `options` line shows them on the data segment).
answer-07-no-syn =
    Without a capture this run saw no SYN; `sudo netlab handshake` shows
    one.
answer-07-syn =
    Your SYN was frame { $number } of the capture, and its options were
    { $options }.
answer-07-mss =
    MSS { $mss } is the largest segment this side will take: { $mss } + 40
    bytes of IPv4 and TCP headers = { $packet }, { $limit }.
# The { $limit } of answer-07-mss.
answer-07-mss-largest =
    the largest IPv4 packet there is (`lo`'s MTU is larger still)
answer-07-mss-mtu = the MTU of the link
answer-07-frames =
    This lesson's own capture listed { $frames } frames of one connection:
    SYN, SYN-ACK, ACK, data and its ACKs, then the two FINs and the last
    ACK.
answer-07-no-capture =
    This run could not capture (no CAP_NET_RAW), so there is no list to
    compare with; run the exercise with `sudo`.
answer-07-tshark =
    `netlab socket demo` makes a connection of the same shape, so your file
    should hold the same kinds of frames. The two tools agree on what is in
    the file: the same number of frames, the same addresses, ports, flags
    and lengths. They differ in how they print it: tshark counts sequence
    numbers from 0 (`Seq=0`, relative), netlab's summary prints them as on
    the wire; tshark prints the window already scaled (`Win=65536`) where
    netlab prints the raw field (`win=64`), and the scale as a factor
    (`WS=1024`) where netlab prints the shift (`WS 10`, 2^10 = 1024).
answer-07-recorded =
    Without root this run showed the recording, so these numbers come from
    the recording, not from your machine.
answer-07-no-ttl = The router step did not show the TTL row.
answer-07-ttl =
    The datagram left host a with TTL { $before } and reached host b with
    TTL { $after }: one router, one less. Every router takes one off and
    drops a packet whose TTL reaches 0, so a TTL of 64 dies at the 64th
    router; the packet can cross 63 routers and still be delivered. (Host
    a's kernel chose { $chosen }, Linux's default,
    `/proc/sys/net/ipv4/ip_default_ttl`.)
answer-07-no-links = The router step did not show the links.
answer-07-next-hop =
    Host a addressed the frame to { $dest }: the "one link" lines show that
    this is the router's r-eth0, the other end of a's cable. Host b's eth0
    is { $macb }, on another link that a's frame never reaches. A MAC
    address only means something on one link, so a sends to the next hop
    its route names (`default via 198.18.1.1`), and the router builds a new
    frame, with its own r-eth1 as the source, for b's link.
answer-07-no-table = The switch step did not show the table after.
# One learned entry in answer-07-learning: "02:… on port sw-a (host a)".
answer-07-entry = { $mac } on port { $port } (host { $host })
answer-07-entry-next = { $first }; { $next }
answer-07-learning =
    The table was empty before and gained { $count } entries: { $entries }.
    A bridge learns from the *source* address of each frame that arrives:
    a's address from a's ARP broadcast ("who has 198.18.3.2?"), which came
    in on sw-a, and b's from b's ARP reply, which came in on sw-b. Host c
    only received (the broadcast) and sent nothing, so no frame ever
    arrived from c's port to teach the bridge its address.

## Lesson 9: TCP and UDP.

# How many reads: "1 read", "3 reads".
answer-09-reads =
    { $reads } { $reads ->
        [one] read
       *[other] reads
    }
answer-09-no-lab =
    This run could not build the lab (it needs root), so it measured no
    loss; run `sudo netlab lesson 9 --answers` to answer from your own
    numbers.
answer-09-not-found = (not found)
# A send queue in answer-09-acks: "0 bytes".
answer-09-bytes = { $bytes } bytes
answer-09-acks =
    The relay swallowed { $without } bytes without stream management and
    { $with } with it (the second run also carried an `<r/>`), while
    alice's kernel had { $queuewithout } and { $queuewith } left to send:
    TCP had every byte acknowledged, by the relay's kernel, so TCP saw
    nothing wrong. Only stream management noticed: its count said
    { $waiting } messages were sent and not yet handled by the server, and
    the server's `<resumed/>` confirmed it, so alice sent them again and
    bob got { $got } of { $sent }, against { $gotwithout } of
    { $sentwithout } without it. TCP's acknowledgment covers one hop
    between two kernels; an application's acknowledgment covers what the
    application handled.
answer-09-loss =
    With { $percent }% dropped each way, TCP delivered { $received } of
    { $bytes } bytes and its kernel retransmitted { $retransmitted }
    segments to do it, in { $took }; UDP lost { $lost } of { $datagrams }
    datagrams ({ $share }%), close to the { $percent }% the rule drops,
    since datagrams cross once and nothing resends them. The two numbers
    measure different things: UDP's loss is what the application sees,
    TCP's retransmissions are what its kernel did so the application sees
    none. With `netlab compare --loss 20` expect UDP to lose about one
    datagram in five, TCP to retransmit many more segments and take much
    longer (each loss makes it wait and slow down), and still deliver
    every byte.
answer-09-mss =
    Your handshake step's SYN announced `MSS { $mss }`: on `lo`, whose
    packets may be huge; on the lab's 1,500-byte link it would be 1,460
    (1,500 − 20 IPv4 − 20 TCP).
answer-09-no-mss =
    (This run captured no SYN: `sudo netlab handshake` shows its MSS.)
answer-09-fragments-no-lab =
    A 3,000-byte UDP payload is 3,028 bytes of IP datagram, cut into 3
    fragments on a 1,500-byte link; the receiver can rebuild the datagram
    only from all of them, and IP and UDP resend nothing. TCP avoids
    fragments: each side's SYN announces its MSS, the largest segment it
    takes, and the sender cuts the stream into segments that fit one
    packet.
answer-09-fragments-seen =
    In the `fragments` step, { $payload } bytes of payload already made
    { $fragments } fragments on this { $mtu }-byte link.
answer-09-fragments =
    A 3,000-byte payload plus the 8-byte UDP header is 3,008 bytes for IP
    to carry; each fragment holds at most { $per } (the MTU minus 20 bytes
    of IPv4 header, rounded down to a multiple of 8), so it travels as
    { $count } fragments. The receiver rebuilds the datagram only when all
    { $count } are there, and neither IP nor UDP resends one, so one lost
    fragment loses all 3,000 bytes. TCP never lets it come to that: each
    side's SYN announces its MSS, the largest segment it takes, and the
    sender cuts the stream into segments that fit one packet; a lost
    segment is sent again alone.
answer-09-back-to-back =
    Back to back, the three writes came out as { $reads } ({ $sizes });
answer-09-paced =
    with { $pause } between them, the server needed { $reads } ({ $sizes }).
    A `read()` returns what has arrived so far: the reader was already
    waiting, and each write arrived alone long before the next was sent.
    That is timing, not a promise: TCP still keeps no boundaries, and on a
    slow network or with a busy reader two writes can meet in one read
    again, so a protocol cannot use pauses as its framing. Typing lines
    slowly into `netlab socket connect` shows the same thing: one read per
    line, because you are the pause.
# The same, when there was no back-to-back run to quote first.
answer-09-paced-alone =
    With { $pause } between them, the server needed { $reads } ({ $sizes }).
    A `read()` returns what has arrived so far: the reader was already
    waiting, and each write arrived alone long before the next was sent.
    That is timing, not a promise: TCP still keeps no boundaries, and on a
    slow network or with a busy reader two writes can meet in one read
    again, so a protocol cannot use pauses as its framing. Typing lines
    slowly into `netlab socket connect` shows the same thing: one read per
    line, because you are the pause.
answer-09-chat =
    TCP, as XMPP does. 200 bytes fits easily in one datagram, so UDP's size
    limit is no problem, but a chat must not lose or reorder messages, and
    the server must be able to push to a client behind a home router,
    which an open TCP connection allows. Over TCP you build one thing
    yourself: framing, because writes come out merged (the `boundaries`
    step); XMPP frames by XML elements. Over UDP you would build much
    more: numbering, acknowledgments and resending for every message,
    putting them back in order, and keep-alives so the connection through
    the router stays open.
# The same, quoting the datagrams lost on the lab's lossy link.
answer-09-chat-lost =
    TCP, as XMPP does. 200 bytes fits easily in one datagram, so UDP's size
    limit is no problem, but a chat must not lose or reorder messages (on
    the lossy link UDP lost { $lost } of { $datagrams } datagrams), and the
    server must be able to push to a client behind a home router, which an
    open TCP connection allows. Over TCP you build one thing yourself:
    framing, because writes come out merged (the `boundaries` step); XMPP
    frames by XML elements. Over UDP you would build much more: numbering,
    acknowledgments and resending for every message, putting them back in
    order, and keep-alives so the connection through the router stays
    open.
answer-09-analogies-no-lab =
    An SMS centre stores a message until the phone is reachable, so it
    would have lost none; a reserved circuit drops nothing, so any
    retransmission shows TCP reserved nothing.
answer-09-analogies =
    UDP lost { $lost } of { $datagrams } datagrams. An SMS centre would have
    lost none: it stores each message and tries again until the phone is
    reachable. The number that shows TCP reserved nothing is its
    { $retransmitted } retransmissions: on a reserved circuit, capacity is
    set aside for the call and nothing of it is dropped; TCP's segments
    queued and were dropped like everyone else's, and its kernel sent them
    again.
