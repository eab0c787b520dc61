# The errors of the packet parsers (src/wire/): why a header could not be
# read. A rule's message is chosen by the parser (`rule!` in src/wire/*.rs)
# and worded only when shown; `netlab dissect --json` always shows it in
# English. The RFC section comes after it, in brackets, from the code.

## The three kinds of error (src/wire/mod.rs)

wire-truncated =
    { $layer } is truncated: it needs { $needed } bytes but only
    { $available } were captured
wire-malformed = { $layer } { $rule } ({ $spec })
wire-buffer-too-small =
    { $layer } needs a { $needed }-byte buffer to emit into, got
    { $available }
# The only layer whose name is words rather than a protocol's name.
wire-layer-ipv6-ext = IPv6 extension header
# TCP and UDP: the checksum covers a pseudo-header of both addresses.
wire-mixed-families =
    pseudo-header cannot mix the address families of { $src } and { $dst }

## IPv4 (src/wire/ipv4.rs)

wire-ipv4-version = version { $version } is not 4
wire-ipv4-ihl = header length { $length } is below the minimum of { $minimum }
wire-ipv4-total-length =
    total length { $total } is below its own header length { $header }
wire-ipv4-options =
    options of { $length } bytes do not fill whole 32-bit words up to
    { $maximum } bytes
wire-ipv4-total-length-too-big = total length { $length } does not fit in 16 bits

## IPv6 and its extension headers (src/wire/ipv6.rs)

wire-ipv6-version = version { $version } is not 6
wire-ipv6-jumbogram =
    payload length 0 with a Hop-by-Hop header announces a jumbogram, which
    is not supported
wire-ipv6-payload-too-long = payload length { $length } does not fit in 16 bits
wire-ipv6-flow-label = flow label { $label } does not fit in 20 bits
wire-ipv6-chain-too-long =
    chain has more than { $maximum } headers, more than any real packet
    carries
wire-ipv6-hop-by-hop-late =
    Hop-by-Hop header at byte { $at } does not immediately follow the IPv6
    header
wire-ipv6-ah-too-short =
    AH at byte { $at } has payload length { $field }, { $length } bytes,
    shorter than its 12 fixed bytes
wire-ipv6-option-no-length =
    option type { $kind } at byte { $at } has no length byte before the
    header ends
wire-ipv6-option-too-long =
    option type { $kind } at byte { $at } has { $length } bytes of data and
    runs past the end of the header at byte { $end }

## UDP (src/wire/udp.rs)

wire-udp-length = length { $length } is below the minimum of { $minimum }
wire-udp-length-too-big = length { $length } does not fit in 16 bits

## TCP (src/wire/tcp.rs)

wire-tcp-data-offset =
    data offset { $length } is below the minimum of { $minimum }
wire-tcp-options-too-long =
    options of { $length } bytes do not fit in the 40 the data offset can
    describe
wire-tcp-option-no-length =
    option kind { $kind } at byte { $at } has no length byte before the
    header ends
wire-tcp-option-too-short =
    option kind { $kind } at byte { $at } has length { $length }, shorter
    than its own kind and length bytes
wire-tcp-option-too-long =
    option kind { $kind } at byte { $at } has length { $length } and runs
    past the end of the header at byte { $end }
# $option is the option the code found: mss, window-scale, sack-permitted
# or timestamps.
wire-tcp-option-length =
    { $option ->
        [mss] MSS
        [window-scale] window scale
        [sack-permitted] SACK-permitted
       *[timestamps] timestamps
    } option at byte { $at } has length { $length }, not { $expected }
wire-tcp-sack-length =
    SACK option at byte { $at } has length { $length }, not 8 × blocks + 2

## ARP (src/wire/arp.rs)

wire-arp-lengths =
    address lengths { $hardware } and { $protocol } are not 6 and 4 for
    Ethernet and IPv4
wire-arp-lengths-differ =
    sender and target addresses differ in length, but share one length field
wire-arp-lengths-too-big =
    address lengths { $hardware } and { $protocol } do not fit in a byte

## ICMPv6 (src/wire/icmpv6.rs)

wire-icmpv6-too-long = message of { $length } bytes is too long for a checksum

## Neighbour discovery (src/wire/ndp.rs)

wire-ndp-option-no-length =
    option type { $kind } at byte { $at } has no length byte before the
    message ends
wire-ndp-option-zero-length =
    option type { $kind } at byte { $at } has length 0, which is invalid:
    the packet must be discarded
wire-ndp-option-too-long =
    option type { $kind } at byte { $at } is { $length } bytes long and runs
    past the end of the message at byte { $end }

## TLS records (src/wire/tls_record.rs)

wire-tls-version = record version { $version } does not start with 3
wire-tls-length = record length { $length } is above the maximum of { $maximum }

## DNS (src/wire/dns.rs)

wire-dns-label-length-of =
    label { $label } of { $name } has { $length } bytes, not 1 to { $maximum }
wire-dns-label-length = a label of { $length } bytes is not 1 to { $maximum }
wire-dns-name-too-long =
    name { $name } takes { $length } bytes, more than { $maximum }
wire-dns-name-at-too-long = name at byte { $at } is longer than { $maximum } bytes
wire-dns-tcp-length =
    message of { $length } bytes ends at byte { $end }, before its TCP length
    prefix says
wire-dns-emit-records =
    message has { $records } records; emit writes the header and questions
    only
wire-dns-qdcount = { $questions } questions do not fit in QDCOUNT
wire-dns-rdata-length =
    { $record } record data at byte { $at } is { $length } bytes, not
    { $expected }
wire-dns-rdata-too-short =
    { $record } record data at byte { $at } is { $length } bytes, not at
    least { $minimum }
wire-dns-rdata-name-end =
    { $record } record data at byte { $at } ends at byte { $end }, but its
    name ends at byte { $name_end }
wire-dns-soa-length =
    SOA record data at byte { $at } has { $length } bytes after its names,
    not 20
wire-dns-txt-string =
    TXT string at byte { $at } has length { $length } and runs past the
    record data at byte { $end }
wire-dns-pointer-forward =
    pointer at byte { $at } of the name at byte { $name } points to byte
    { $target }, not before byte { $before }: only backward pointers are
    followed
wire-dns-label-reserved-bits =
    label length byte { $byte } at byte { $at } starts with the reserved bits
    { $bits }
