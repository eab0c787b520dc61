#!/usr/bin/env python3
"""A bare server-to-server initiator, for negative federation tests and
for seeing what a receiving server says: opens one s2s stream, claims a
domain with a dialback key (XEP-0220 step 1) and reports the answer.

    s2s_probe.py --port 25270 --from q.example --to p.example
                 [--key KEY | --secret SECRET] [--plain]
                 [--expect valid|invalid|error] [--timeout 10] [-v]
    s2s_probe.py --self-test

Connects to 127.0.0.1:PORT (--host to change), sends
<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback'
from=FROM to=TO version='1.0'>, does STARTTLS when offered (no
certificate check, no client certificate; --plain: never), then sends
<db:result from=FROM to=TO>KEY</db:result> (KEY: a random, hence forged,
one by default) and waits for <db:result type=.../> or a stream error.
The receiving server checks the key with the authoritative server of FROM
(found by DNS), so a forged key for a domain a real server serves must
come back "invalid". --secret SECRET computes the real key of a server
whose dialback secret is SECRET (prosody.sh --dialback-secret), per
XEP-0185 § 2: hex(HMAC-SHA256(hex(SHA256(SECRET)), "TO FROM STREAM-ID")),
so the probe can stand in for that server and get "valid".
--self-test checks that function against the XEP's test vectors.

Prints "result: valid|invalid" or "error: ..." (stream error, close,
timeout) and each element received with -v; exits 0 when the outcome is
--expect (default: invalid), else 1. Standard library only.
"""

import argparse
import hashlib
import hmac
import secrets
import socket
import ssl
import sys
import time
import xml.etree.ElementTree as ET

STREAMS = "http://etherx.jabber.org/streams"
TLS = "urn:ietf:params:xml:ns:xmpp-tls"
DB = "jabber:server:dialback"


class Stream:
    """One XML stream over a socket: top-level elements as they complete."""

    def __init__(self, sock, verbose: bool):
        self.sock, self.verbose = sock, verbose
        self.restart()

    def restart(self) -> None:
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.header = None
        self.pending = []
        self.closed = False

    def send(self, data: str) -> None:
        if self.verbose:
            print(f"sent: {data}", file=sys.stderr, flush=True)
        self.sock.sendall(data.encode())

    def next(self, deadline: float):
        """The next complete top-level element; ET.Element, or raises EOFError."""
        while True:
            if self.pending:
                return self.pending.pop(0)
            if self.closed:
                raise EOFError("stream closed by the server")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed")
            self.parser.feed(data)
            for event, elem in self.parser.read_events():
                if event == "start":
                    self.depth += 1
                    if self.depth == 1:
                        self.header = elem
                        if self.verbose:
                            print(f"received header: {elem.attrib}", file=sys.stderr, flush=True)
                elif event == "end":
                    self.depth -= 1
                    if self.depth == 1:
                        if self.verbose:
                            print(f"received: {ET.tostring(elem, encoding='unicode')}", file=sys.stderr, flush=True)
                        self.pending.append(elem)
                    elif self.depth == 0:
                        self.closed = True  # after what came before it


def dialback_key(secret: str, receiving: str, originating: str, stream_id: str) -> str:
    """XEP-0185 § 2; the HMAC key is the hex string of SHA-256(secret)."""
    hmac_key = hashlib.sha256(secret.encode()).hexdigest().encode()
    return hmac.new(hmac_key, f"{receiving} {originating} {stream_id}".encode(), hashlib.sha256).hexdigest()


VECTORS = [  # XEP-0220 examples 1 and 5, XEP-0185 § 3
    ("s3cr3tf0rd14lb4ck", "montague.example", "capulet.example", "D60000229F",
     "b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3"),
    ("d14lb4ck43v3r", "capulet.example", "montague.example", "417GAF25",
     "225cc5aa6a071133249d25fef42ae516fc7a86c523aa1c6980a7f73e784c972d"),
    ("s3cr3tf0rd14lb4ck", "xmpp.example.com", "example.org", "D60000229F",
     "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643"),
]


def header(src: str, dst: str) -> str:
    return (f"<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='{STREAMS}' "
            f"xmlns:db='{DB}' from='{src}' to='{dst}' version='1.0'>")


def describe_error(elem) -> str:
    conditions = [child.tag.split("}")[-1] for child in elem if child.tag.split("}")[-1] != "text"]
    text = elem.findtext("{urn:ietf:params:xml:ns:xmpp-streams}text") or ""
    return f"stream error {' '.join(conditions)} {text}".strip()


def probe(args: argparse.Namespace) -> str:
    deadline = time.monotonic() + args.timeout
    sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    stream = Stream(sock, args.verbose)
    stream.send(header(args.src, args.dst))
    features = stream.next(deadline)
    if features.tag == f"{{{STREAMS}}}error":
        return "error: " + describe_error(features)
    if features.find(f"{{{TLS}}}starttls") is not None and not args.plain:
        stream.send(f"<starttls xmlns='{TLS}'/>")
        answer = stream.next(deadline)
        if answer.tag != f"{{{TLS}}}proceed":
            return f"error: STARTTLS answered with {answer.tag}"
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        stream.sock = context.wrap_socket(sock, server_hostname=args.dst)
        stream.restart()
        stream.send(header(args.src, args.dst))
        features = stream.next(deadline)
        print(f"note: STARTTLS done ({stream.sock.version()})", flush=True)
        if features.tag == f"{{{STREAMS}}}error":
            # e.g. s2s_secure_auth = true and no (valid) client certificate
            return "error: " + describe_error(features)
    stream_id = stream.header.get("id") if stream.header is not None else None
    print(f"note: stream id {stream_id!r}, features: {[c.tag for c in features]}", flush=True)
    if args.secret is not None:
        key = dialback_key(args.secret, args.dst, args.src, stream_id or "")
        print(f"note: key {key} (from the secret)", flush=True)
    else:
        key = args.key or secrets.token_hex(32)
    stream.send(f"<db:result from='{args.src}' to='{args.dst}'>{key}</db:result>")
    while True:
        elem = stream.next(deadline)
        if elem.tag == f"{{{DB}}}result":
            return f"result: {elem.get('type')}"
        if elem.tag == f"{{{STREAMS}}}error":
            return "error: " + describe_error(elem)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="the receiving server's s2s port")
    parser.add_argument("--from", dest="src", help="the domain claimed")
    parser.add_argument("--to", dest="dst", help="the receiving server's domain")
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument("--key", help="dialback key to send (default: a random one)")
    keys.add_argument("--secret", help="compute the key as a server with this dialback secret would")
    parser.add_argument("--self-test", action="store_true", help="check the key function against the XEP's vectors")
    parser.add_argument("--plain", action="store_true", help="never STARTTLS")
    parser.add_argument("--expect", default="invalid", choices=["valid", "invalid", "error"])
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("-v", "--verbose", action="store_true", help="print the elements on stderr")
    args = parser.parse_args()
    if args.self_test:
        bad = 0
        for secret, receiving, originating, stream_id, expected in VECTORS:
            ok = dialback_key(secret, receiving, originating, stream_id) == expected
            bad += not ok
            print(f"{'ok' if ok else 'FAIL'}: XEP-0185 key for {receiving} {originating} {stream_id}", flush=True)
        return 1 if bad else 0
    if args.port is None or not args.src or not args.dst:
        parser.error("--port, --from and --to are required")
    try:
        outcome = probe(args)
    except TimeoutError:
        outcome = f"error: no answer within {args.timeout} s"
    except (EOFError, OSError, ET.ParseError) as e:
        outcome = f"error: {e}"
    print(outcome, flush=True)
    got = outcome.split(":")[1].strip() if outcome.startswith("result") else "error"
    return 0 if got == args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
