# Lesson 9's live output (src/course/lesson09.rs, src/show/analogies.rs,
# src/show/app_acks.rs): TCP against UDP, measured. The comparison
# table's own words are in compare.ftl.

# The handshake, loss and fragments steps without what they need.
tcpudp-ladder-needs-capture = (the ladder needs a capture; the rest of the lesson does not)
tcpudp-loss-needs-lab = (the loss measurements need the lab; run the lesson with sudo to see them)
tcpudp-no-lab = (no lab: see the step before)

# The limits step.
tcpudp-udp-fits = UDP sendto() of { $bytes } bytes: sent, and { $received } bytes arrived in one piece
tcpudp-udp-too-large = UDP sendto() of { $bytes } bytes: { $result }
tcpudp-sent-unexpected = sent { $bytes } (unexpected!)
tcpudp-refused = refused by the kernel: { $error }
tcpudp-tcp-write = TCP write() of { $bytes } bytes: { $accepted } accepted at once, { $received } bytes arrived in { $reads } read() calls

# The boundaries step.
tcpudp-sent-label = sent:
tcpudp-sent = { $sizes } bytes, three separate write()/sendto() calls
tcpudp-tcp-read = read() returned { $sizes } bytes — { $pieces }
tcpudp-udp-recv = recv() returned { $sizes } bytes — three datagrams, three pieces
tcpudp-again = again, { $pause } between the three TCP writes:
tcpudp-one-piece = one piece, the boundaries are gone
tcpudp-three-pieces = three pieces: the reader took each write before the next came
tcpudp-pieces = { $n } pieces

# The speed step's first row.
tcpudp-round-trip-64 = round trip, 64 B
tcpudp-round-trip-shows = a small request and answer: UDP saves a little per message

# The http step.
tcpudp-server-got = server got { $line } from { $from }
tcpudp-kept-open =
    { $requests } request(s), { $connections } TCP connection(s) accepted:
    HTTP/1.1 kept the connection open between requests

# The acks step (src/show/app_acks.rs).
acks-col-without = without stream management
acks-col-with = with stream management
acks-alice-sent = alice sent
acks-messages = { $count } messages
acks-swallowed = the relay swallowed
acks-swallowed-bytes = { $bytes } bytes (messages 2, 3)
acks-send-queue = alice's kernel: send queue
acks-delivered = 0 bytes: TCP says delivered
acks-bytes = { $bytes } bytes
acks-no-queue = not found in /proc/net/tcp
acks-count = alice's count before the cut
acks-counted = { $sent } sent, { $acknowledged } acknowledged, { $waiting } waiting
acks-no-count = none: nothing counts
acks-after-cut = after the cut
acks-resumed = resumed; { $resent } sent again
acks-new-session = a new session
acks-bob-received = bob received
acks-of = { $received } of { $sent }
acks-lost = lost, and nobody told
acks-sm-on = alice's stream management, with it on:

# The analogies step (src/show/analogies.rs).
an-tcp = TCP ≈ a phone call
an-udp = UDP ≈ a text message (SMS)
an-holds = holds:
an-breaks = breaks:
an-dial =
    you dial before you talk: connect() took a median { $connect } (the SYN,
    SYN-ACK, ACK round trip) before the first byte could go; a UDP socket's
    first sendto() took { $sendto }, with no call to set up.
an-whole =
    what you say arrives whole and in order: with { $percent }% loss each
    way, { $received } of { $sent } bytes arrived{ $order }.
an-in-place = , every one in its place
an-not-in-order = , but not all in order
an-circuit =
    a call reserves a circuit, a fixed share of every link, for as long as
    it lasts; TCP reserves nothing on the path. Its segments queue with
    everyone else's, and when the network dropped them, the sender's kernel
    sent { $retransmitted } segments again.
an-circuit-no-lab =
    a call reserves a circuit on the whole path; TCP reserves nothing and
    repairs loss by sending again. (The loss step measures this; it needs
    root: sudo netlab lesson 9.)
an-pauses =
    a voice keeps its pauses; TCP does not: { $writes } writes ({ $sizes })
    came out as { $reads } read(s) ({ $readsizes }). The words arrive, the
    sentences' edges do not.
an-one-piece =
    each message arrives as one piece or not at all: { $datagrams }
    datagrams, { $recvs } recv() calls ({ $sizes }).
an-no-call = no call to set up: you send, and it goes (the first sendto() above).
an-store =
    SMS is store-and-forward: the operator's message centre keeps a message
    until the phone is reachable and tries again (lesson 1). UDP keeps
    nothing: { $lost } of { $sent } datagrams ({ $share }%) vanished on the
    lossy link, and no one tried again.
an-report =
    SMS can send a delivery report; UDP tells the sender nothing: all
    { $sent } sendto() calls succeeded, the lost datagrams' too{ $reordered }.
an-reordered = , and { $count } arrived out of order
an-store-no-lab =
    SMS is stored and retried, with delivery reports; UDP is neither stored
    nor reported. (The loss step counts the lost datagrams; it needs root.)

# `netlab lab up` and `netlab lab status` (src/show/lab.rs): the lab the
# loss step builds.
lab-is-up = lab is up:
lab-host = host { $name }  { $addr } ({ $namespace }, { $iface })
lab-link = link    MTU { $mtu }, loss { $loss }% each way
