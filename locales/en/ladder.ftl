# The handshake ladder (src/show/ladder.rs) and what each TCP segment of a
# connection means (src/wire/tcp_flow.rs). $me and $peer are `client` or
# `server`; $order is `first` or `second`.

ladder-client = client { $addr }
ladder-server = server { $addr }
ladder-wire = on the wire: seq { $seq }
ladder-wire-ack = on the wire: seq { $seq } ack { $ack }
ladder-data = { $bytes } bytes { $text }
ladder-window-note =
    win is the receive window: how many bytes the sender of the segment can
    still take in. The field has 16 bits, too few for fast links, so each
    SYN's window scale option (WS { $shift }) says that its side's later
    windows count in units of 2^{ $shift } bytes: win={ $window } means
    { $window } × { $unit } = { $bytes } bytes (RFC 7323 § 2). The SYNs' own
    windows are not scaled.

flow-rst =
    RST: the { $me } aborts the connection (nothing listening, or a program
    closed with unread data)
flow-syn =
    the { $me } opens: it picks its initial sequence number (ISN) { $isn }
    and announces its options
flow-ack-is-isn = ack = { $peer }'s ISN + 1 = { $ack }
flow-ack-is = ack = { $ack }
flow-syn-ack =
    the { $me } accepts: its own ISN { $isn }, and { $check }, because the
    SYN took one sequence number
flow-fin =
    { $bytes ->
        [0] {""}
       *[other] { $bytes } bytes and then{" "}
    }FIN: the { $me } will send no more ({ $order } FIN; it takes one
    sequence number too)
flow-data =
    { $bytes } bytes of data from the { $me }; the { $peer } will
    acknowledge up to seq + { $bytes }
flow-ack-syn =
    the { $me } acknowledges the { $peer }'s SYN: the handshake is
    complete, both sides are ESTABLISHED
flow-ack-data = the { $me } acknowledges the { $peer }'s data
flow-ack-fin = the { $me } acknowledges the FIN
flow-ack-last-fin =
    the { $me } acknowledges the last FIN and, having closed first, waits
    in TIME_WAIT (2 × MSL) before forgetting the connection
