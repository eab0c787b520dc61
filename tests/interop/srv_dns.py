#!/usr/bin/env python3
"""A tiny authoritative DNS server for federation tests on one machine.

    srv_dns.py [--port PORT] [--bind ADDR] [--ttl SECONDS] [--no-tcp] [-v]
               --srv NAME=TARGET:PORT[:PRIORITY[:WEIGHT]]...
               [--a NAME=IPV4]... [--aaaa NAME=IPV6]...

    srv_dns.py --port 0 \\
        --srv _xmpp-server._tcp.p.example=localhost.:25270 \\
        --srv _xmpp-server._tcp.q.example=localhost.:25271

Answers, over UDP and TCP on ADDR:PORT (127.0.0.1, port 0 = any free one):
  - the records given on the command line (SRV priority 0 and weight 5
    unless given; several --srv for one name give several records);
  - NOERROR with no answer for other types of those names (AAAA of a name
    that has only A, A of an SRV name...) and for names above them
    (`_tcp.p.example`: empty non-terminals, RFC 8020);
  - NXDOMAIN for every other name. No SOA in negative answers, so
    resolvers do not cache them (RFC 2308 § 5).
Responses are authoritative (AA) and also say "recursion available" (RA):
a forwarding resolver (Prosody's libunbound with `forward`) treats an
answer without RA to its recursive query as lame. TTL is 1 s by default.
An EDNS OPT in the query is answered with one (UDP size 1232).

Prints "ready PORT" on stdout once both sockets listen; SIGTERM or SIGINT
stop it with exit 0. Malformed packets are dropped (or answered FORMERR
when the header is readable), never fatal. `-v` logs one line per query on
stderr. Standard library only.

Run with `--self-test` to start a server in-process, query it over UDP
and TCP with a small client written here, and check the answers.
"""

import argparse
import ipaddress
import signal
import socket
import struct
import sys
import threading

TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 16: "TXT", 28: "AAAA", 33: "SRV", 41: "OPT", 255: "ANY"}
T_A, T_AAAA, T_SRV, T_OPT, T_ANY = 1, 28, 33, 41, 255
C_IN = 1
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
EDNS_SIZE = 1232


class Malformed(Exception):
    pass


# -- names --------------------------------------------------------------------


def normalize(name: str) -> str:
    """Lower case, no trailing dot ("" is the root)."""
    return name.strip().rstrip(".").lower()


def encode_name(name: str) -> bytes:
    out = b""
    for label in normalize(name).split(".") if normalize(name) else []:
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ValueError(f"bad label {label!r} in {name!r}")
        out += bytes([len(raw)]) + raw
    if len(out) + 1 > 255:
        raise ValueError(f"name too long: {name!r}")
    return out + b"\0"


def read_name(packet: bytes, offset: int) -> tuple[str, int]:
    """A (possibly compressed) name at offset: (dotted name, offset after it)."""
    labels = []
    end = None
    jumps = 0
    total = 0
    while True:
        if offset >= len(packet):
            raise Malformed("name runs past the packet")
        length = packet[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(packet):
                raise Malformed("truncated pointer")
            if end is None:
                end = offset + 2
            jumps += 1
            if jumps > 20:
                raise Malformed("pointer loop")
            offset = ((length & 0x3F) << 8) | packet[offset + 1]
            continue
        if length & 0xC0:
            raise Malformed("unknown label type")
        offset += 1
        if length == 0:
            break
        label = packet[offset : offset + length]
        if len(label) != length:
            raise Malformed("label runs past the packet")
        total += length + 1
        if total > 255:
            raise Malformed("name too long")
        labels.append(label.decode("ascii", "replace"))
        offset += length
    return ".".join(labels), (end if end is not None else offset)


# -- the zone -----------------------------------------------------------------


class Zone:
    def __init__(self, ttl: int):
        self.ttl = ttl
        self.records: dict[str, list[tuple[int, bytes, str]]] = {}  # name -> [(type, rdata, text)]

    def add(self, name: str, rtype: int, rdata: bytes, text: str) -> None:
        self.records.setdefault(normalize(name), []).append((rtype, rdata, text))

    def add_srv(self, spec: str) -> None:
        name, _, value = spec.partition("=")
        parts = value.split(":")
        if not name or len(parts) < 2 or len(parts) > 4:
            raise ValueError(f"--srv wants NAME=TARGET:PORT[:PRIORITY[:WEIGHT]], got {spec!r}")
        target, port = parts[0], int(parts[1])
        priority = int(parts[2]) if len(parts) > 2 else 0
        weight = int(parts[3]) if len(parts) > 3 else 5
        for n in (port, priority, weight):
            if not 0 <= n <= 65535:
                raise ValueError(f"out of range in {spec!r}")
        rdata = struct.pack("!HHH", priority, weight, port) + encode_name(target)
        self.add(name, T_SRV, rdata, f"SRV {priority} {weight} {port} {normalize(target)}.")

    def add_address(self, spec: str, rtype: int) -> None:
        name, _, value = spec.partition("=")
        addr = ipaddress.ip_address(value)
        if not name or addr.version != (4 if rtype == T_A else 6):
            raise ValueError(f"bad {TYPES[rtype]} record {spec!r}")
        self.add(name, rtype, addr.packed, f"{TYPES[rtype]} {addr}")

    def lookup(self, name: str, qtype: int) -> tuple[int, list[tuple[int, bytes, str]]]:
        name = normalize(name)
        if name in self.records:
            return NOERROR, [r for r in self.records[name] if qtype in (r[0], T_ANY)]
        if any(known.endswith("." + name) for known in self.records):
            return NOERROR, []  # empty non-terminal
        return NXDOMAIN, []


def answer(zone: Zone, query: bytes, udp: bool) -> tuple[bytes | None, str]:
    """The response to one query packet, or None to drop it; and a log line."""
    if len(query) < 12:
        return None, "dropped: shorter than a header"
    qid, flags, qdcount, ancount, nscount, arcount = struct.unpack("!6H", query[:12])
    if flags & 0x8000:
        return None, "dropped: a response, not a query"
    opcode = (flags >> 11) & 0xF
    rd = flags & 0x0100

    def reply(rcode: int, question: bytes = b"", answers: list = (), opt: bool = False, qd: int = 0) -> bytes:
        out_flags = 0x8000 | (opcode << 11) | 0x0400 | rd | 0x0080 | rcode  # QR AA RD RA
        body = b""
        for rtype, rdata, _text in answers:
            # The owner is the question's name: a pointer to offset 12.
            body += b"\xc0\x0c" + struct.pack("!HHIH", rtype, C_IN, zone.ttl, len(rdata)) + rdata
        additional = struct.pack("!BHHIH", 0, T_OPT, EDNS_SIZE, 0, 0) if opt else b""
        header = struct.pack("!6H", qid, out_flags, qd, len(answers), 0, 1 if opt else 0)
        return header + question + body + additional

    if opcode != 0:
        return reply(NOTIMP), f"NOTIMP: opcode {opcode}"
    if qdcount != 1:
        return reply(FORMERR), f"FORMERR: {qdcount} questions"
    try:
        qname, end = read_name(query, 12)
        if end + 4 > len(query):
            raise Malformed("truncated question")
        qtype, qclass = struct.unpack("!HH", query[end : end + 4])
        question = query[12 : end + 4]
        if question[0] & 0xC0:
            raise Malformed("compressed question name")
        # EDNS (RFC 6891): is there an OPT record among the additional ones?
        offset = end + 4
        opt = False
        payload = 512
        for i in range(ancount + nscount + arcount):
            _, offset = read_name(query, offset)
            if offset + 10 > len(query):
                raise Malformed("truncated record")
            rtype, rclass, _ttl, rdlen = struct.unpack("!HHIH", query[offset : offset + 10])
            offset += 10 + rdlen
            if rtype == T_OPT and i >= ancount + nscount:
                opt, payload = True, max(512, rclass)
    except (Malformed, struct.error) as e:
        return reply(FORMERR), f"FORMERR: {e}"
    what = f"{qname or '.'} {TYPES.get(qtype, qtype)}"
    if qclass not in (C_IN, 255):
        return reply(REFUSED, question, opt=opt, qd=1), f"{what} class {qclass} -> REFUSED"
    rcode, records = zone.lookup(qname, qtype)
    answers = records
    packet = reply(rcode, question, answers, opt, qd=1)
    if udp and len(packet) > (payload if opt else 512):
        packet = reply(rcode, question, [], opt, qd=1)
        packet = packet[:2] + struct.pack("!H", struct.unpack("!H", packet[2:4])[0] | 0x0200) + packet[4:]
        return packet, f"{what} -> {RCODES[rcode]} truncated (TC)"
    shown = "; ".join(t for _, _, t in answers) or "no answer"
    return packet, f"{what} -> {RCODES[rcode]}: {shown}"


# -- the server -----------------------------------------------------------------


class Server:
    def __init__(self, zone: Zone, bind: str, port: int, tcp: bool, verbose: bool):
        self.zone, self.verbose = zone, verbose
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        for _attempt in range(50):
            self.udp = socket.socket(family, socket.SOCK_DGRAM)
            self.udp.bind((bind, port))
            self.port = self.udp.getsockname()[1]
            self.tcp = None
            if not tcp:
                break
            self.tcp = socket.socket(family, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                self.tcp.bind((bind, self.port))
                self.tcp.listen(16)
                break
            except OSError:
                # Port 0 gave a UDP port whose TCP twin is taken: try another.
                self.tcp.close()
                self.udp.close()
                if port != 0:
                    raise
        else:
            raise OSError("no port free for both UDP and TCP")

    def log(self, line: str) -> None:
        if self.verbose:
            print(f"srv_dns: {line}", file=sys.stderr, flush=True)

    def serve_udp(self) -> None:
        while True:
            try:
                data, peer = self.udp.recvfrom(4096)
            except OSError:
                return  # closed
            try:
                packet, line = answer(self.zone, data, udp=True)
                self.log(f"udp {line}")
                if packet is not None:
                    self.udp.sendto(packet, peer)
            except Exception as e:  # never die on one packet
                self.log(f"udp error: {e!r}")

    def serve_tcp(self) -> None:
        while True:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self.tcp_connection, args=(conn,), daemon=True).start()

    def tcp_connection(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            with conn:
                while True:
                    head = self.recv_exactly(conn, 2)
                    if head is None:
                        return
                    data = self.recv_exactly(conn, struct.unpack("!H", head)[0])
                    if data is None:
                        return
                    packet, line = answer(self.zone, data, udp=False)
                    self.log(f"tcp {line}")
                    if packet is None:
                        return
                    conn.sendall(struct.pack("!H", len(packet)) + packet)
        except Exception as e:
            self.log(f"tcp error: {e!r}")

    @staticmethod
    def recv_exactly(conn: socket.socket, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def start(self) -> None:
        threading.Thread(target=self.serve_udp, daemon=True).start()
        if self.tcp is not None:
            threading.Thread(target=self.serve_tcp, daemon=True).start()

    def close(self) -> None:
        for s in (self.udp, self.tcp):
            if s is not None:
                s.close()


# -- self test: a small client --------------------------------------------------


def query(port: int, name: str, qtype: int, tcp: bool = False, edns: bool = False, host: str = "127.0.0.1"):
    """(rcode, flags, [(type, rdata)]) of one query."""
    qid = 0x1234
    packet = struct.pack("!6H", qid, 0x0100, 1, 0, 0, 1 if edns else 0) + encode_name(name) + struct.pack("!HH", qtype, C_IN)
    if edns:
        packet += struct.pack("!BHHIH", 0, T_OPT, 4096, 0, 0)
    if tcp:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(struct.pack("!H", len(packet)) + packet)
            n = struct.unpack("!H", Server.recv_exactly(s, 2))[0]
            resp = Server.recv_exactly(s, n)
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            s.sendto(packet, (host, port))
            resp = s.recv(4096)
    rid, flags, qd, an, _ns, _ar = struct.unpack("!6H", resp[:12])
    assert rid == qid, "id not echoed"
    _, offset = read_name(resp, 12)
    offset += 4
    records = []
    for _ in range(an):
        _, offset = read_name(resp, offset)
        rtype, _c, _ttl, rdlen = struct.unpack("!HHIH", resp[offset : offset + 10])
        offset += 10
        records.append((rtype, resp[offset : offset + rdlen], offset))
        offset += rdlen
    return flags & 0xF, flags, records, resp


def self_test() -> int:
    zone = Zone(ttl=1)
    zone.add_srv("_xmpp-server._tcp.a.example=localhost.:25269")
    zone.add_srv("_xmpp-server._tcp.p.example.=localhost:25270:10:20")
    zone.add_address("a.example=127.0.0.1", T_A)
    server = Server(zone, "127.0.0.1", 0, tcp=True, verbose=False)
    server.start()
    port = server.port
    failures = 0

    def check(what: str, cond: bool) -> None:
        nonlocal failures
        print(f"{'ok' if cond else 'FAIL'}: {what}", flush=True)
        failures += not cond

    for tcp in (False, True):
        via = "tcp" if tcp else "udp"
        rcode, flags, recs, resp = query(port, "_XMPP-server._tcp.a.example", T_SRV, tcp=tcp)
        ok = rcode == NOERROR and len(recs) == 1 and recs[0][0] == T_SRV
        if ok:
            prio, weight, p = struct.unpack("!HHH", recs[0][1][:6])
            target, _ = read_name(resp, recs[0][2] + 6)
            ok = (prio, weight, p, target) == (0, 5, 25269, "localhost") and flags & 0x0400 and flags & 0x0080
        check(f"{via}: SRV _xmpp-server._tcp.a.example -> 0 5 25269 localhost. (AA, RA)", bool(ok))
    rcode, _, recs, resp = query(port, "_xmpp-server._tcp.p.example", T_SRV, edns=True)
    prio, weight, p = struct.unpack("!HHH", recs[0][1][:6])
    check("SRV with priority and weight given, EDNS answered with OPT", (prio, weight, p) == (10, 20, 25270) and struct.unpack("!H", resp[10:12])[0] == 1)
    rcode, _, recs, _ = query(port, "_xmpp-server._tcp.a.example", T_AAAA)
    check("AAAA of an SRV name -> NOERROR, no answer", rcode == NOERROR and not recs)
    rcode, _, recs, _ = query(port, "a.example", T_A)
    check("A a.example -> 127.0.0.1", rcode == NOERROR and recs and recs[0][1] == bytes([127, 0, 0, 1]))
    rcode, _, recs, _ = query(port, "a.example", T_AAAA)
    check("AAAA a.example -> NOERROR, no answer", rcode == NOERROR and not recs)
    rcode, _, recs, _ = query(port, "_tcp.a.example", T_SRV)
    check("empty non-terminal _tcp.a.example -> NOERROR, no answer", rcode == NOERROR and not recs)
    for name in ("_xmpp-server._tcp.z.example", "example.com", "x.a.example"):
        rcode, _, recs, _ = query(port, name, T_SRV)
        check(f"SRV {name} -> NXDOMAIN", rcode == NXDOMAIN and not recs)
    # Garbage must not kill it.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for junk in (b"", b"\x00", b"\xff" * 11, b"\x12\x34\x01\x00\x00\x01" + b"\x00" * 6 + b"\xc0\x0c",
                     b"\x12\x34\x01\x00\x00\x01" + b"\x00" * 6 + b"\x3f", b"\x12\x34\x81\x80" + b"\x00" * 8):
            s.sendto(junk, ("127.0.0.1", port))
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"\x00\x05abc")  # short, then closed
    rcode, _, recs, _ = query(port, "_xmpp-server._tcp.a.example", T_SRV)
    check("still answering after malformed packets", rcode == NOERROR and len(recs) == 1)
    rcode, *_ = query(port, "_xmpp-server._tcp.a.example", T_SRV, tcp=True)
    check("still answering over TCP after a truncated TCP query", rcode == NOERROR)
    server.close()
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port for UDP and TCP; 0 picks a free one (default)")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--ttl", type=int, default=1, help="TTL of the answers, seconds (default 1)")
    parser.add_argument("--srv", action="append", default=[], metavar="NAME=TARGET:PORT[:PRIO[:WEIGHT]]")
    parser.add_argument("--a", action="append", default=[], metavar="NAME=IPV4")
    parser.add_argument("--aaaa", action="append", default=[], metavar="NAME=IPV6")
    parser.add_argument("--no-tcp", action="store_true", help="UDP only")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per query on stderr")
    parser.add_argument("--self-test", action="store_true", help="check the server against a built-in client, then exit")
    args = parser.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if args.self_test:
        return self_test()
    zone = Zone(args.ttl)
    try:
        for spec in args.srv:
            zone.add_srv(spec)
        for spec in args.a:
            zone.add_address(spec, T_A)
        for spec in args.aaaa:
            zone.add_address(spec, T_AAAA)
    except ValueError as e:
        parser.error(str(e))
    server = Server(zone, args.bind, args.port, not args.no_tcp, args.verbose)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    server.start()
    print(f"ready {server.port}", flush=True)
    for name, records in sorted(zone.records.items()):
        for _, _, text in records:
            server.log(f"zone: {name}. {text}")
    while not stop.wait(3600):
        pass
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
