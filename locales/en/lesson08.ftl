# Lesson 8's live output (src/course/lesson08.rs): addresses, localhost,
# the two families, port classes, the ephemeral range.

ports-loopback =
    recvfrom() says the datagram came from { $from }: 127.42.0.1 is this
    host too, like every address in 127.0.0.0/8
ports-hosts-lines = /etc/hosts lines naming localhost:
ports-localhost-both =
    localhost is both 127.0.0.1 and ::1 here: a client tries them in the
    order above
ports-localhost-v4 =
    localhost is only IPv4 here: this /etc/hosts has no `::1 localhost`
    line, although ::1 itself works (see next step)
ports-family =
    loopback { $loopback }, { $bits } bits per address, sockaddr
    { $sockaddr } bytes
ports-family-connected = connected { $client } → { $server } over { $family }
ports-family-failed = could not connect: { $error }
ports-article-reserved =
    The article says 0–1024 are reserved: the reserved range ends at 1023
    (RFC 6335 § 6).
ports-unprivileged-start =
    This kernel lets unprivileged programs bind from port { $start } up
    (/proc/sys/net/ipv4/ip_unprivileged_port_start).
ports-separate-spaces =
    TCP and UDP have separate port spaces: a TCP and a UDP socket were both
    bound to 127.0.0.1:{ $port } at the same time.
ports-ephemeral-range =
    ephemeral range: { $start }–{ $end }
    (/proc/sys/net/ipv4/ip_local_port_range); RFC 6335's dynamic range is
    49152–65535.
ports-ephemeral-seen = { $count } connections got local ports { $ports }: { $verdict }.
ports-ephemeral-inside = all inside the kernel's range, chosen by the kernel, not by IANA
ports-ephemeral-outside = not all inside the range: something changed the setting meanwhile
