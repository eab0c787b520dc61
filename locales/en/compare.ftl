# The TCP-vs-UDP table as people read it (src/transport/compare/report.rs,
# src/tools/compare.rs): `netlab compare` and lesson 9. `--json` does not
# use these: it keeps the rows' English words, which programs match on,
# so the English here must say exactly what report.rs writes for --json
# (its tests check).

compare-col-measured = measured
compare-col-shows = what it shows
compare-spread = median { $median }, p99 { $p99 }

compare-setup = connection set-up
compare-setup-tcp = connect(): { $spread }
compare-setup-udp = none; socket()+first sendto(): { $spread }
compare-setup-shows =
    TCP waits one round trip for SYN, SYN-ACK before data may flow (RFC
    9293 § 3.5); UDP's first packet is its data.

compare-round-trip = round trip
compare-round-trip-cell = { $size } B: { $spread }
compare-round-trip-shows =
    Once connected, a small TCP message costs about what a UDP datagram
    does; the handshake and retransmission are what cost.

compare-bulk = bulk throughput
compare-bulk-tcp = { $rate } Gbit/s (128 KiB writes), 0 lost
compare-bulk-udp = { $rate } Gbit/s (1472 B datagrams), { $lost } of { $sent } lost
compare-bulk-shows =
    TCP's receive window paces the sender so nothing is lost; UDP has no
    flow control, so a fast sender can overrun the receiver.

compare-small = 64 B messages
compare-small-tcp = { $rate } writes/s, arriving in { $reads } reads
compare-small-udp = { $rate } datagrams/s, { $lost } of { $sent } lost
compare-small-shows =
    Per small message TCP can even be faster: it merges writes into fewer
    segments and reads, while every UDP datagram makes the whole trip
    through the stack.

compare-stops = receiver stops reading
compare-stops-tcp = write() says EAGAIN after { $accepted } KiB; all { $received } KiB read later
compare-stops-udp = all { $sent } sendto() succeed; { $received } arrive
compare-stops-shows =
    TCP flow control pushes back on the sender (RFC 9293 § 3.8.6); UDP
    drops silently (RFC 8085 § 3.1).

compare-writes = 3 writes of 100 B
compare-writes-tcp = read() returned { $sizes }
compare-writes-udp = recv() returned { $sizes }
compare-writes-shows =
    TCP is a byte stream and keeps no message boundaries (RFC 9293 § 2.2);
    each UDP datagram arrives whole (RFC 768).

compare-largest = largest single send
compare-largest-tcp = one write() of { $kib } KiB: accepted, read in { $reads } pieces
compare-largest-udp = { $largest } B: sent and received whole; { $refused } B: { $result }
compare-largest-sent = sent { $bytes } (unexpected)
compare-largest-shows =
    IP's 16-bit Total Length (RFC 791 § 3.1) caps a UDP datagram at 65,507
    bytes; a TCP stream has no size.

compare-lossy = over a lossy link
compare-lossy-tcp = { $received } of { $sent } B, { $order }, { $retransmissions } retransmissions, { $took }
compare-in-order = in order
compare-corrupted = CORRUPTED
compare-lossy-udp = { $received } of { $sent } arrived, { $lost } lost, { $reordered } reordered
compare-lossy-shows =
    TCP retransmits until every byte arrives in order (RFC 9293 § 3.8.1);
    UDP delivers what survives (RFC 768).

compare-within-mtu = UDP within the MTU
compare-above-mtu = UDP above the MTU
compare-mtu-tcp = (TCP sizes segments to fit: MSS)
compare-mtu-udp = { $payload } B payload: { $fate }{ $lost }
compare-one-packet = one packet
compare-fragments = { $fragments } fragments, { $reassembled } reassembled
compare-mtu-lost = , lost
compare-mtu-shows =
    An IP datagram larger than the link MTU travels in fragments and is
    whole only if all arrive (RFC 791 § 2.3).
