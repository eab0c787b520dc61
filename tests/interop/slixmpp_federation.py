#!/usr/bin/env python3
"""Two slixmpp accounts on two federating servers: everything between them
crosses server-to-server streams (RFC 6120 § 3.2 SRV lookup, XEP-0220
dialback or SASL EXTERNAL, whatever the servers do).

    slixmpp_federation.py \\
        --port1 15222 --domain1 p.example --user1 alice --pass1 apass --cafile1 P/certs/p.example.crt \\
        --port2 15223 --domain2 q.example --user2 bob --pass2 bpass --cafile2 Q/certs/q.example.crt

Each side has its own --hostN (127.0.0.1), --portN (5222), --domainN,
--userN, --passN, and TLS: --cafileN FILE (trust this CA or self-signed
certificate; slixmpp checks it against --domainN), --insecureN (no
verification) or --plainN (no TLS on c2s). Common: --mech, --debug,
--timeout (seconds for the whole run, 30 by default), --unknown DOMAIN (also
check that a message to a domain nobody serves bounces with an error).

Steps, each printing "ok: ..." (or "FAIL: ..." and exit 1):
  1. both log in, fetch their roster, remove leftovers of an earlier run
     (RFC 6121 § 2.5), send initial presence;
  2. a subscribes to b, b approves; b subscribes to a, a approves
     (§ 3.1: the first stanza from server 1 to server 2 opens the first
     s2s stream, the approval the one back: its time includes dialback);
  3. each sees the other available (§ 3.1.5 / § 4.2.2);
  4. one chat message each way (§ 5);
  5. a pings server 2 and b pings server 1 (XEP-0199 iq to the bare
     domain, answered by the remote server itself);
  6. the rosters say subscription "both";
  7. b goes unavailable and a sees it (§ 4.5);
  8. with --unknown: a message to user@DOMAIN comes back as an error.
Exits 0 when all passed.
"""

import argparse
import asyncio
import secrets
import signal
import sys
import time
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError, IqTimeout

import slixmpp_common as common
from slixmpp_pair import Failed, Run, Side, forget_peer, login, next_chat, roster_items


def side_args(args: argparse.Namespace, n: int) -> argparse.Namespace:
    """The options of side n in the shape slixmpp_common expects."""
    return argparse.Namespace(
        host=getattr(args, f"host{n}"),
        port=getattr(args, f"port{n}"),
        domain=getattr(args, f"domain{n}"),
        cafile=getattr(args, f"cafile{n}"),
        insecure=getattr(args, f"insecure{n}"),
        plain=getattr(args, f"plain{n}"),
        mech=args.mech,
        debug=args.debug,
    )


async def ping(run: Run, side: Side, domain: str, fatal: asyncio.Future) -> float:
    """XEP-0199 ping to a server; returns the round trip in seconds."""
    iq = side.client.Iq()
    iq["type"] = "get"
    iq["to"] = domain
    iq.append(ET.Element("{urn:xmpp:ping}ping"))
    started = time.monotonic()
    try:
        await run.wait(f"{side.name} to get an answer to its ping to {domain}", asyncio.ensure_future(iq.send(timeout=10)), fatal)
    except IqError as e:
        raise Failed(f"{side.name}'s ping to {domain} got an error: {e.iq['error']['condition']} {e.iq['error']['text']}".strip())
    except IqTimeout:
        raise Failed(f"{side.name}'s ping to {domain} got no answer in 10 s")
    return time.monotonic() - started


async def steps(run: Run, a: Side, b: Side, args: argparse.Namespace, fatal: asyncio.Future) -> None:
    # -- 1. log in, roster, initial presence ------------------------------------
    await login(run, a, side_args(args, 1))
    await login(run, b, side_args(args, 2))
    for side, peer in ((a, b), (b, a)):
        run.step = f"{side.name} roster get"
        items = await roster_items(side)
        run.ok(f"{side.name} fetched its roster ({len(items)} items)")
        await forget_peer(side, peer, items)
        side.client.send_presence()

    # -- 2. subscriptions both ways, across the servers --------------------------
    t = time.monotonic()
    run.step = "a sends subscribe"
    a.client.send_presence(pto=b.bare, ptype="subscribe")
    await run.wait(f"b to receive a's subscription request (server 1 -> server 2)", b.expect(b.subscribe_from, a.bare), fatal)
    run.ok(f"b received the subscription request from {a.bare} ({time.monotonic() - t:.2f} s: first s2s stream 1 -> 2)")

    t = time.monotonic()
    b.client.send_presence(pto=a.bare, ptype="subscribed")
    await run.wait("a to receive b's approval (server 2 -> server 1)", a.expect(a.subscribed_from, b.bare), fatal)
    run.ok(f"a received subscribed from {b.bare} ({time.monotonic() - t:.2f} s: s2s stream 2 -> 1)")

    t = time.monotonic()
    b.client.send_presence(pto=a.bare, ptype="subscribe")
    await run.wait("a to receive b's subscription request", a.expect(a.subscribe_from, b.bare), fatal)
    run.ok(f"a received the subscription request from {b.bare} ({time.monotonic() - t:.2f} s)")

    t = time.monotonic()
    a.client.send_presence(pto=b.bare, ptype="subscribed")
    await run.wait("b to receive a's approval", b.expect(b.subscribed_from, a.bare), fatal)
    run.ok(f"b received subscribed from {a.bare} ({time.monotonic() - t:.2f} s)")

    # -- 3. presence ------------------------------------------------------------
    p = await run.wait("a to see b's presence", a.expect(a.available_from, b.bare), fatal)
    run.ok(f"a sees b available ({p['from']})")
    p = await run.wait("b to see a's presence", b.expect(b.available_from, a.bare), fatal)
    run.ok(f"b sees a available ({p['from']})")

    # -- 4. one message each way --------------------------------------------------
    token = secrets.token_hex(4)
    hello = f"hello {b.bare}, from {a.bare} ({token})"
    t = time.monotonic()
    a.client.send_message(mto=b.bare, mbody=hello, mtype="chat")
    msg = await next_chat(run, b, "b to receive a's message", fatal)
    if msg["from"].bare != a.bare or msg["body"] != hello:
        raise Failed(f"b received {msg['body']!r} from {msg['from']}, expected {hello!r} from {a.bare}")
    run.ok(f"b received a's message {hello!r} ({time.monotonic() - t:.3f} s)")

    reply = f"hello {a.bare}, from {b.bare} ({token})"
    t = time.monotonic()
    b.client.send_message(mto=msg["from"], mbody=reply, mtype="chat")
    msg = await next_chat(run, a, "a to receive b's reply", fatal)
    if msg["from"].bare != b.bare or msg["body"] != reply:
        raise Failed(f"a received {msg['body']!r} from {msg['from']}, expected {reply!r} from {b.bare}")
    run.ok(f"a received b's reply {reply!r} ({time.monotonic() - t:.3f} s)")

    # -- 5. iq ping to the remote server ------------------------------------------
    rtt = await ping(run, a, args.domain2, fatal)
    run.ok(f"a pinged {args.domain2}: result in {rtt:.3f} s")
    rtt = await ping(run, b, args.domain1, fatal)
    run.ok(f"b pinged {args.domain1}: result in {rtt:.3f} s")

    # -- 6. rosters ------------------------------------------------------------------
    for side, peer in ((a, b), (b, a)):
        run.step = f"{side.name} roster check"
        items = await roster_items(side)
        item = items.get(peer.bare)
        if item is None:
            raise Failed(f"{side.name}'s roster has no item for {peer.bare}: {dict(items)}")
        if item["subscription"] != "both":
            raise Failed(f"{side.name}'s roster item for {peer.bare} has subscription {item['subscription']!r}, expected 'both'")
        run.ok(f"{side.name}'s roster lists {peer.bare} with subscription both")

    # -- 7. unavailable presence crosses too -------------------------------------------
    gone = a.client.loop.create_future()

    def on_unavailable(p) -> None:
        if p["from"].bare == b.bare and not gone.done():
            gone.set_result(p)

    a.client.add_event_handler("presence_unavailable", on_unavailable)
    b.client.send_presence(ptype="unavailable")
    p = await run.wait("a to see b go unavailable", gone, fatal)
    run.ok(f"a sees b unavailable ({p['from']})")

    # -- 8. a domain nobody serves --------------------------------------------------------
    if args.unknown:
        bounced = a.client.loop.create_future()

        def on_error(m) -> None:
            if m["type"] == "error" and m["from"].domain == args.unknown and not bounced.done():
                bounced.set_result(m)

        a.client.add_event_handler("message_error", on_error)
        t = time.monotonic()
        a.client.send_message(mto=f"nobody@{args.unknown}", mbody="is anyone there?", mtype="chat")
        m = await run.wait(f"an error for the message to nobody@{args.unknown}", bounced, fatal)
        run.ok(f"the message to nobody@{args.unknown} bounced: {m['error']['type']}/{m['error']['condition']} ({time.monotonic() - t:.2f} s)")


def fail_on_errors(side: Side, args: argparse.Namespace) -> None:
    """An error bounced by a server (remote-server-not-found,
    remote-server-timeout...) ends the run at once with its condition,
    instead of a timeout waiting for what will never come."""

    def on_error(stanza) -> None:
        if args.unknown and stanza["from"].domain == args.unknown:
            return  # expected in step 8
        error = stanza["error"]
        side._fatal(
            f"{side.name} got a {stanza.name} error from {stanza['from']}: "
            f"{error['type']}/{error['condition']} {error['text'] or ''}".rstrip()
        )

    side.client.add_event_handler("presence_error", on_error)
    side.client.add_event_handler("message_error", on_error)


async def main_async(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    fatal = loop.create_future()
    run = Run()
    a = Side("a", args.user1, args.pass1, side_args(args, 1), fatal)
    b = Side("b", args.user2, args.pass2, side_args(args, 2), fatal)
    fail_on_errors(a, args)
    fail_on_errors(b, args)
    started = time.monotonic()
    try:
        await asyncio.wait_for(steps(run, a, b, args, fatal), timeout=args.timeout)
    except asyncio.TimeoutError:
        print(f"FAIL: timed out after {args.timeout} s while waiting for: {run.step}", flush=True)
        return 1
    except Failed as e:
        print(f"FAIL: {e} (during: {run.step})", flush=True)
        return 1
    except (IqError, IqTimeout) as e:
        print(f"FAIL: iq failed during {run.step}: {e}", flush=True)
        return 1
    finally:
        for side in (a, b):
            side.closing = True
            if side.client.transport is not None:
                side.client.disconnect(wait=1)
        await asyncio.sleep(0.2)
    print(f"ok: all {run.checks} checks passed in {time.monotonic() - started:.2f} s", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for n in (1, 2):
        g = parser.add_argument_group(f"side {n}")
        g.add_argument(f"--host{n}", default="127.0.0.1", help="address of the server's c2s port")
        g.add_argument(f"--port{n}", type=int, default=5222, help="c2s port")
        g.add_argument(f"--domain{n}", required=True, help="the server's domain (the accounts' JIDs)")
        g.add_argument(f"--user{n}", required=True, help="local part of the account")
        g.add_argument(f"--pass{n}", required=True)
        tls = g.add_mutually_exclusive_group()
        tls.add_argument(f"--cafile{n}", help="PEM file of the CA (or self-signed cert) to trust")
        tls.add_argument(f"--insecure{n}", action="store_true", help="do not verify the server's certificate")
        tls.add_argument(f"--plain{n}", action="store_true", help="plain TCP, no STARTTLS")
    parser.add_argument("--mech", help="force one SASL mechanism on both sides")
    parser.add_argument("--debug", action="store_true", help="log every stanza to stderr")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole run")
    parser.add_argument("--unknown", metavar="DOMAIN", help="also check that a message to DOMAIN bounces")
    args = parser.parse_args()
    if args.domain1 == args.domain2:
        parser.error("--domain1 and --domain2 must differ: this is a federation test")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    common.setup_logging(args)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
