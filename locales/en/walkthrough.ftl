# Lesson 10's walkthrough (src/sockets/walkthrough.rs): after each call,
# what the kernel did, read from /proc/net/tcp. The labels of each step
# (src/show/steps.rs).

kernel-label = kernel:

walk-socket-created =
    a TCP socket now exists (/proc/self/fd/{ $fd } → socket:[{ $inode }]),
    but it has no address or port, so /proc/net/tcp does not list it yet
walk-socket-listed = the socket already appears in /proc/net/tcp
walk-reuseaddr = getsockopt reads SO_REUSEADDR back as { $on }
walk-bound =
    port { $port } is reserved for this socket; a socket that is only bound
    is still not in /proc/net/tcp ({ $rows } rows)
walk-listening =
    state { $state }; { $queued } connections wait in the accept queue (a
    LISTEN row's Recv-Q), at most { $backlog } may wait
walk-listener-missing = the listener is missing from /proc/net/tcp
walk-second-socket = a second, unconnected TCP socket
walk-picked-port = 0, the kernel picked port { $port }
walk-connected =
    SYN, SYN-ACK, ACK done before any accept(): both ends are ESTABLISHED,
    and the server's end waits in the accept queue with no fd ({ $queued }
    queued)
walk-accept-returned = fd { $fd }, peer { $peer }
walk-accepted =
    the queued connection now has fd { $fd } (same local port, new socket);
    accept queue back to { $queued }
walk-bytes-wait =
    { $bytes } bytes wait in the server socket's receive queue (Recv-Q)
    until the server reads them
walk-read-returned = { $bytes } bytes: { $text }
walk-recv-q-empty = Recv-Q is empty again
walk-reply = the reply crosses the same connection the other way
walk-full-duplex = one connection carries bytes both ways (full duplex)
walk-half-closed =
    FIN sent and acknowledged: client FIN_WAIT2, server CLOSE_WAIT (it may
    still send); the server's Recv-Q is { $fin }: a FIN takes up one
    sequence number
walk-end-of-stream = { $bytes } (end of stream: the peer sent FIN)
walk-read-zero = a read of 0 bytes is how a program learns the peer is done
walk-server-closed =
    the server's FIN is acknowledged and its socket is gone; the client,
    which closed first, is in TIME_WAIT
walk-time-wait =
    the fd is gone, but the kernel keeps the TIME_WAIT entry (no inode now)
    for 60 s, so late segments of this connection cannot confuse a new one
walk-listener-closed =
    the LISTEN row is gone: new connections to the port would now be
    refused

## The backlog, threads and UDP steps (src/course/lesson10.rs,
## src/sockets/udp_contrast.rs).

backlog-listen = listen(backlog { $backlog }) on { $addr }, and never accept()
backlog-queued = done by the kernel, waits in the queue
backlog-dropped = its SYN was dropped: queue full
backlog-recv-q = the LISTEN row's Recv-Q is { $queued }: backlog { $backlog } + 1
backlog-got-in =
    after one accept(), client { $client }'s TCP resent its SYN and got in
    { $after } later
backlog-not-yet =
    after one accept(), the last client had not got in yet: its retries
    back off
threads-listening =
    listening on { $addr }; the main thread only accept()s and hands each
    connection to a new thread
threads-concurrent =
    while both handlers were running, /proc/net/tcp held { $count }
    ESTABLISHED sockets on { $addr }
threads-served =
    { $client } from { $peer }: served by thread { $thread } (kernel tid
    { $tid }), read back { $reply }
udp-listed = /proc/net/udp lists it at once, in state { $state }: UDP has no states
udp-missing = (missing)
udp-listen-unexpected = 0 (unexpected!)
udp-no-listen = no connections, so nothing to listen for and nothing to accept()
udp-sent =
    no handshake: the datagram left at once, from port { $port } the kernel
    picked on the spot
udp-received = { $bytes } bytes { $text } from { $from }
udp-one-socket =
    the same server socket receives from every peer; each datagram names its
    sender
