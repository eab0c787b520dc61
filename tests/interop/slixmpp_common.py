"""Shared by slixmpp_pair.py and slixmpp_echo.py: command-line options for
reaching a server, and one slixmpp client set up from them.

slixmpp is an XMPP library we did not write (PyPI `slixmpp`); the interop
tests use it as an independent client for netlab's server and as a peer of
netlab's client on Prosody. Only the core of slixmpp is used (no XEP plugins),
so the server needs nothing beyond RFC 6120 and RFC 6121: STARTTLS, SASL,
resource binding, roster, presence, message.
"""

import argparse
import logging
import ssl
import sys
from pathlib import Path

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    """Options that say where the server is and how to secure the stream."""
    parser.add_argument("--host", default="127.0.0.1", help="address to connect to")
    parser.add_argument("--port", type=int, default=5222, help="c2s port")
    parser.add_argument("--domain", default="localhost", help="domain of the accounts' JIDs")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--cafile", help="PEM file of the CA (or self-signed cert) to trust")
    tls.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no TLS at all: plain TCP, STARTTLS not attempted (the server must not require it)",
    )
    parser.add_argument("--mech", help="force one SASL mechanism, e.g. SCRAM-SHA-256 or PLAIN")
    parser.add_argument("--debug", action="store_true", help="log every stanza to stderr")


def setup_logging(args: argparse.Namespace) -> None:
    """slixmpp logs the XML it sends and receives at DEBUG level."""
    level = logging.DEBUG if args.debug else logging.CRITICAL
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def make_client(args: argparse.Namespace, jid: str, password: str) -> slixmpp.ClientXMPP:
    """One client that connects to exactly --host:--port, the way the options say."""
    client = slixmpp.ClientXMPP(jid, password, sasl_mech=args.mech)
    # With an explicit address slixmpp would first try direct TLS (XEP-0368)
    # on that port, then STARTTLS, then plain TCP. Our port speaks STARTTLS
    # only, so the direct-TLS ClientHello would be a wasted connection: the
    # server reads it as bad XML. Pick the one way we mean.
    client.enable_direct_tls = False
    client.enable_starttls = not args.plain
    client.enable_plaintext = args.plain
    if args.plain:
        # slixmpp refuses to send SCRAM or PLAIN over an unencrypted stream
        # unless told to: this is a loopback test of a teaching server.
        client["feature_mechanisms"].unencrypted_scram = True
        client["feature_mechanisms"].unencrypted_plain = True


    # slixmpp waits forever when the features leave it nothing to do, and
    # goes on without TLS when STARTTLS is not offered (then refuses SCRAM
    # in clear). Both would surface as a timeout or a vague SASL failure,
    # so look at each <stream:features/> and name the mismatch at once.
    tls_ns = "{urn:ietf:params:xml:ns:xmpp-tls}"
    sasl_ns = "{urn:ietf:params:xml:ns:xmpp-sasl}"

    def check_features(features) -> None:
        # Read the XML itself: slixmpp's STARTTLS stanza answers "required"
        # whether or not the server sent <required/>.
        xml = features.xml
        starttls = xml.find(f"{tls_ns}starttls")
        required = xml.find(f"{tls_ns}starttls/{tls_ns}required")
        mechanisms = xml.find(f"{sasl_ns}mechanisms")
        encrypted = client.transport is not None and client.transport.get_extra_info("ssl_object") is not None
        if args.plain and required is not None and mechanisms is None:
            # RFC 6120 § 5.3.1: <required/> means nothing else is on offer.
            client.event("netlab_mismatch", "the server requires STARTTLS but --plain was given")
        elif not args.plain and not encrypted and mechanisms is not None and starttls is None:
            client.event("netlab_mismatch", "the server does not offer STARTTLS (use --plain for a plain-TCP server)")

    client.register_handler(Callback("netlab features check", MatchXPath(f"{{{client.stream_ns}}}features"), check_features))
    if args.insecure:
        client.ssl_context.check_hostname = False
        client.ssl_context.verify_mode = ssl.CERT_NONE
    elif args.cafile:
        # slixmpp checks the certificate against the JID's domain, not --host.
        client.ca_certs = Path(args.cafile)
    # Subscriptions are answered by the test itself, never automatically.
    client.auto_authorize = None
    client.auto_subscribe = False
    return client


def mechanism(client: slixmpp.ClientXMPP) -> str:
    """The SASL mechanism slixmpp chose (set once auth succeeded)."""
    mech = client["feature_mechanisms"].mech
    return mech.name if mech is not None else "unknown"


def transport_security(client: slixmpp.ClientXMPP) -> str:
    """'STARTTLS (TLSv1.3)' or 'plain TCP', read from the live transport."""
    transport = client.transport
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    if ssl_object is None:
        return "plain TCP"
    return f"STARTTLS ({ssl_object.version()})"


def fail(message: str) -> None:
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)
