#!/usr/bin/env python3
"""Two slixmpp accounts on one server: log in, subscribe to each other,
see each other's presence, exchange one message each way, check the roster.

    slixmpp_pair.py --host 127.0.0.1 --port 15222 --domain localhost \\
        --user1 a --pass1 apass --user2 b --pass2 bpass --cafile cert.pem

Prints one "ok: ..." line per checked step and exits 0, or prints
"FAIL: ..." and exits 1 at the first step that went wrong, or when the
whole run takes longer than --timeout seconds (20 by default).

The steps follow RFC 6121: § 2.2 roster get, § 4.2 initial presence,
§ 3.1 subscription request and approval (both directions, so the roster
item becomes subscription "both", § 2.1.2.5), § 3.1.5 the contact's
presence delivered on approval, § 5 one chat message each way.

If the accounts already list each other (a previous run), each first
removes the other from its roster (§ 2.5), so the run can be repeated.
"""

import argparse
import asyncio
import secrets
import signal
import sys
import time

from slixmpp.exceptions import IqError, IqTimeout

import slixmpp_common as common


class Failed(Exception):
    """A step went wrong; the message says which and how."""


class Side:
    """One account: its client and what it has received, as futures to await."""

    def __init__(self, name: str, user: str, password: str, args: argparse.Namespace, fatal: asyncio.Future):
        self.name = name
        self.bare = f"{user}@{args.domain}"
        self.client = common.make_client(args, self.bare, password)
        self.fatal = fatal
        loop = asyncio.get_running_loop()
        self.session = loop.create_future()
        self.tls = False
        self.subscribe_from: dict[str, asyncio.Future] = {}
        self.subscribed_from: dict[str, asyncio.Future] = {}
        self.available_from: dict[str, asyncio.Future] = {}
        self.messages: asyncio.Queue = asyncio.Queue()

        c = self.client
        c.add_event_handler("session_start", lambda _: self._resolve(self.session, True))
        c.add_event_handler("tls_success", self._on_tls)
        c.add_event_handler("connection_failed", lambda e: self._fatal(f"{self.name} could not connect: {e}"))
        c.add_event_handler("ssl_invalid_chain", lambda e: self._fatal(f"{self.name}: TLS certificate not accepted: {e}"))
        c.add_event_handler(
            "failed_auth",
            lambda _: self._fatal(f"{self.name}: SASL {common.mechanism(c)} authentication failed"),
        )
        c.add_event_handler("failed_all_auth", lambda _: self._fatal(f"{self.name}: no SASL mechanism worked"))
        c.add_event_handler("no_auth", lambda _: self._fatal(f"{self.name}: no SASL mechanism in common with the server"))
        c.add_event_handler("stream_error", lambda e: self._fatal(f"{self.name} got a stream error: {e}"))
        c.add_event_handler("disconnected", self._on_disconnected)
        c.add_event_handler("netlab_mismatch", lambda why: self._fatal(f"{self.name}: {why}"))
        c.add_event_handler("presence_subscribe", lambda p: self._arrived(self.subscribe_from, p))
        c.add_event_handler("presence_subscribed", lambda p: self._arrived(self.subscribed_from, p))
        c.add_event_handler("presence_available", lambda p: self._arrived(self.available_from, p))
        c.add_event_handler("message", self.messages.put_nowait)
        self.closing = False

    # -- event plumbing ------------------------------------------------------

    @staticmethod
    def _resolve(fut: asyncio.Future, value) -> None:
        if not fut.done():
            fut.set_result(value)

    def _fatal(self, message: str) -> None:
        if not self.fatal.done():
            self.fatal.set_exception(Failed(message))

    def _on_tls(self, _event) -> None:
        self.tls = True

    def _on_disconnected(self, reason) -> None:
        if not self.closing:
            self._fatal(f"{self.name} was disconnected: {reason}")

    def _arrived(self, table: dict, presence) -> None:
        bare = presence["from"].bare
        self._resolve(table.setdefault(bare, asyncio.get_running_loop().create_future()), presence)

    def expect(self, table: dict, bare: str) -> asyncio.Future:
        return table.setdefault(bare, asyncio.get_running_loop().create_future())


class Run:
    def __init__(self) -> None:
        self.step = "start"
        self.checks = 0

    def ok(self, line: str) -> None:
        self.checks += 1
        print(f"ok: {line}", flush=True)

    async def wait(self, what: str, fut: asyncio.Future, fatal: asyncio.Future):
        """Await one thing, or fail at once if a fatal event came first."""
        self.step = what
        done, _ = await asyncio.wait({fut, fatal}, return_when=asyncio.FIRST_COMPLETED)
        if fatal in done:
            fatal.result()  # raises Failed
        return fut.result()


async def roster_items(side: Side) -> dict:
    """Ask the server for the whole roster (RFC 6121 § 2.2), without a
    version (§ 2.6), so the answer is the server's state, not our cache."""
    iq = side.client.Iq()
    iq["type"] = "get"
    iq.enable("roster")
    result = await iq.send(timeout=5)
    return result["roster"]["items"]


async def login(run: Run, side: Side, args: argparse.Namespace) -> None:
    side.client.connect(args.host, args.port)
    await run.wait(f"{side.name} logging in", side.session, side.fatal)
    how = common.transport_security(side.client)
    if not args.plain and not side.tls:
        raise Failed(f"{side.name} logged in without TLS: the server did not offer STARTTLS")
    run.ok(f"{side.name} logged in as {side.client.boundjid.full} ({common.mechanism(side.client)} over {how})")


async def forget_peer(side: Side, peer: Side, items: dict) -> None:
    """Leftovers of an earlier run would make the server skip the
    subscription handshake (RFC 6121 § 3.1.3), so remove them first."""
    if peer.bare not in items:
        return
    try:
        await side.client.del_roster_item(peer.bare)
        print(f"note: {side.name} removed {peer.bare} left in its roster by an earlier run", flush=True)
    except IqError as e:
        print(f"note: {side.name} could not remove {peer.bare}: {e.iq['error']['condition']}", flush=True)


async def next_chat(run: Run, side: Side, what: str, fatal: asyncio.Future):
    """The next message with a body: chat states or receipts some clients
    send on their own carry none, and are skipped."""
    while True:
        msg = await run.wait(what, asyncio.ensure_future(side.messages.get()), fatal)
        if msg["body"]:
            return msg


async def main_async(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    fatal = loop.create_future()
    run = Run()
    a = Side("a", args.user1, args.pass1, args, fatal)
    b = Side("b", args.user2, args.pass2, args, fatal)
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
        # Let the stream closes go out before the loop stops.
        await asyncio.sleep(0.2)
    print(f"ok: all {run.checks} checks passed in {time.monotonic() - started:.2f} s", flush=True)
    return 0


async def steps(run: Run, a: Side, b: Side, args: argparse.Namespace, fatal: asyncio.Future) -> None:
    # -- log in, roster, initial presence (RFC 6121 § 2.2, § 4.2) ------------
    await login(run, a, args)
    await login(run, b, args)
    for side, peer in ((a, b), (b, a)):
        run.step = f"{side.name} roster get"
        items = await roster_items(side)
        run.ok(f"{side.name} fetched its roster ({len(items)} items)")
        await forget_peer(side, peer, items)
        side.client.send_presence()

    # -- a subscribes to b; b approves and subscribes back (§ 3.1) -----------
    run.step = "a sends subscribe"
    a.client.send_presence(pto=b.bare, ptype="subscribe")
    await run.wait("b to receive a's subscription request", b.expect(b.subscribe_from, a.bare), fatal)
    run.ok("b received the subscription request from a")

    b.client.send_presence(pto=a.bare, ptype="subscribed")
    await run.wait("a to receive b's approval", a.expect(a.subscribed_from, b.bare), fatal)
    run.ok("a received subscribed from b")

    b.client.send_presence(pto=a.bare, ptype="subscribe")
    await run.wait("a to receive b's subscription request", a.expect(a.subscribe_from, b.bare), fatal)
    run.ok("a received the subscription request from b")

    a.client.send_presence(pto=b.bare, ptype="subscribed")
    await run.wait("b to receive a's approval", b.expect(b.subscribed_from, a.bare), fatal)
    run.ok("b received subscribed from a")

    # -- presence: on approval the server sends the contact's presence (§ 3.1.5)
    p = await run.wait("a to see b's presence", a.expect(a.available_from, b.bare), fatal)
    run.ok(f"a sees b available ({p['from']})")
    p = await run.wait("b to see a's presence", b.expect(b.available_from, a.bare), fatal)
    run.ok(f"b sees a available ({p['from']})")

    # -- one message each way (§ 5) ------------------------------------------
    token = secrets.token_hex(4)
    hello = f"hello b, from a ({token})"
    a.client.send_message(mto=b.bare, mbody=hello, mtype="chat")
    msg = await next_chat(run, b, "b to receive a's message", fatal)
    if msg["from"].bare != a.bare or msg["body"] != hello:
        raise Failed(f"b received {msg['body']!r} from {msg['from']}, expected {hello!r} from {a.bare}")
    run.ok(f"b received a's message {hello!r}")

    reply = f"hello a, from b ({token})"
    b.client.send_message(mto=msg["from"], mbody=reply, mtype="chat")
    msg = await next_chat(run, a, "a to receive b's reply", fatal)
    if msg["from"].bare != b.bare or msg["body"] != reply:
        raise Failed(f"a received {msg['body']!r} from {msg['from']}, expected {reply!r} from {b.bare}")
    run.ok(f"a received b's reply {reply!r}")

    # -- the rosters on the server now say "both" (§ 2.1.2.5) ----------------
    for side, peer in ((a, b), (b, a)):
        run.step = f"{side.name} roster check"
        items = await roster_items(side)
        item = items.get(peer.bare)
        if item is None:
            raise Failed(f"{side.name}'s roster has no item for {peer.bare}: {dict(items)}")
        if item["subscription"] != "both":
            raise Failed(f"{side.name}'s roster item for {peer.bare} has subscription {item['subscription']!r}, expected 'both'")
        run.ok(f"{side.name}'s roster lists {peer.bare} with subscription both")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_connection_args(parser)
    parser.add_argument("--user1", required=True, help="local part of account a")
    parser.add_argument("--pass1", required=True)
    parser.add_argument("--user2", required=True, help="local part of account b")
    parser.add_argument("--pass2", required=True)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for the whole run")
    args = parser.parse_args()
    # Piped into head or grep -m1: stop quietly when the reader goes away.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    common.setup_logging(args)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
