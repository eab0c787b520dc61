# Lesson 7's live output (src/course/lesson07.rs, src/show/osi_live.rs):
# the captured frame, the OSI layers against TCP/IP, loopback, a datagram
# across a router, a switch learning addresses.

# The capture step.
osi-captured = client { $client } → server { $server }: { $frames } frames captured on lo
osi-this-one = ◀ this one
osi-built-instead =
    Without the capability the lesson goes on with the same frame built by
    netlab's own encoders (the headers a kernel would write), not a captured
    one.
osi-syn-options =
    Frame { $number } is the client's SYN. Its TCP options: { $options }. MSS
    and WS are announced once, in the SYNs; later segments carry only the
    timestamps (TS).
osi-win-units =
    {" "}After the SYNs, win counts in units of 2^{ $shift } = { $unit } bytes
    (WS { $shift }): win={ $window } means { $window } × { $unit } = { $bytes }
    bytes.

# The layers, as OSI and TCP/IP name them ($n is the OSI number). The
# English are the words of src/show/packet.rs (a test checks).
osi-layer =
    { $n ->
        [1] physical
        [2] data link
        [3] network
        [4] transport
        [5] session
        [6] presentation
       *[7] application
    }
osi-tcpip =
    { $n ->
        [1] link
        [2] link
        [3] internet
        [4] transport
       *[other] application
    }

# The pdus step: the other language's name for each unit stands beside it.
osi-pdu-col-layer = OSI layer
osi-pdu-col-here = in this frame
osi-pdu-col-unit = the unit (PDU)
osi-pdu-col-other = 中文
osi-no-header = (no header)
osi-unit-bits = bits
osi-unit-frame = frame
osi-unit-packet = packet (datagram)
osi-unit-segment = segment
osi-unit-datagram = datagram
osi-unit-stanza = message (stanza)
osi-unit-message = message

# The loopback step.
osi-lo-interface = interface { $name }: MAC { $mac }, MTU { $mtu } bytes, no network card behind it
osi-none = none
osi-lo-captured = the captured frame's Ethernet header: destination { $dst }, source { $src }, type { $kind }
osi-lo-built = the built frame's Ethernet header: destination { $dst }, source { $src }, type { $kind }
osi-lo-physical = physical layer: none — no cable, no voltages; the kernel copies the frame in memory

# The models step.
osi-col-osi = OSI
osi-col-name = name
osi-col-tcpip = TCP/IP model
osi-col-here = in this frame
osi-bytes-of = { $title } ({ $bytes } bytes)
osi-no-presentation = no header: XML is the presentation (TLS after STARTTLS)
osi-no-session = no header: the XMPP stream is the session
osi-no-wire = nothing: no wire on loopback

# The router and switch steps without root.
osi-lab-needs-root = this step builds network namespaces, which needs root
osi-lab-failed = this step could not run here
osi-recorded-below =
    { $why }. Below is the same step RECORDED on another machine (its
    addresses and numbers are not yours):
osi-recorded-run = recorded run
osi-recorded-end = end of the recorded run

# The router step.
osi-not-udp = (a captured frame was not Ethernet/IPv4/UDP)
osi-sent-across = host a sent { $bytes } bytes of UDP to { $dst }; captured twice:
osi-col-field = field
osi-col-before = leaving a (before)
osi-col-after = reaching b (after)
osi-col-router = the router
osi-field-eth-src = Ethernet source
osi-field-eth-dst = Ethernet dest.
osi-field-checksum = IPv4 checksum
osi-field-ip-src = IPv4 source
osi-field-ip-dst = IPv4 destination
osi-field-ports = UDP ports
osi-field-payload = payload bytes
osi-new = new: { $iface }
osi-less =
    { $n ->
        [1] one less
       *[other] { $n } less
    }
osi-unchanged = unchanged
osi-changed = changed!
osi-recomputed = recomputed
osi-one-link = one link:
osi-no-route = (no route found)
osi-router-did =
    What the router did: a frame arrived on r-eth0, addressed to r-eth0's
    MAC. It looked up the destination { $dst } in its table and found
    `{ $route }`; it took one off the TTL ({ $before } → { $after }),
    recomputed the header checksum, and sent the same datagram on, in a new
    frame from r-eth1's MAC to b's eth0. The IP addresses say who talks to
    whom, end to end; the MAC addresses only say who is next on this one
    link.

# The switch step.
osi-fdb-empty = (empty: the switch has learned no address)
osi-fdb-entry = { $mac }  port { $port }   (host { $host }, learned)
osi-switch-sent = host a ({ $mac }) sent a datagram to
osi-switch-answered = host b ({ $mac }), and b answered.
osi-cable-carried =
    host { $host }'s cable carried { $frames ->
        [1] 1 frame
       *[other] { $frames } frames
    }:
osi-broadcast = [broadcast]
osi-switch-learned =
    The switch learned each address from the source of a frame: a's from
    its ARP broadcast, b's from b's reply. Host c sent nothing, so the table
    has no entry for it yet. Host c's cable carried { $atc } frame(s),
    { $broadcast } of them broadcast (to ff:ff:ff:ff:ff:ff, which goes out
    of every port) and { $cunicast } addressed to a single MAC; the
    { $unicast } unicast frames between a and b went only where the table
    said. A hub has no table: it would have repeated all { $atb } frames to
    c as well.
