#!/usr/bin/env python3
"""Stream management (XEP-0198) across broken connections: slixmpp and
its xep_0198 plugin, through a TCP proxy that breaks them.

    slixmpp_sm.py --host 127.0.0.1 --port 15222 --domain localhost \\
        --cafile cert.pem --mode resume --cuts 100 --stalls 5

Two accounts, a and b, send each other numbered chat messages ("a:17")
all the time, through a proxy in this script that sits between them and
the server. Then, with --mode resume:

- a *cut* aborts every proxied connection: both sides see it break, the
  clients reconnect at once and resume their sessions (<resume/>);
- a *stall* silently stops forwarding, both ways, and leaves the sockets
  open: nobody sees a thing. The clients notice when a ping (XEP-0199)
  gets no answer within --ping-timeout, drop the connection and resume
  on a new one; the server learns that the old connection is dead only
  from the resume.

Every message must arrive exactly once and in order. A message counts as
sent once slixmpp has queued it for acknowledgement (the plugin's
unacked queue); slixmpp silently drops stanzas still waiting in its own
send queue when a connection breaks, so the sender tries those again:
that is the client's business, not what is tested here.

With --mode expire only b is proxied, and only a sends. Each cut keeps b
away (the proxy refuses it) for longer than the server's resumption
window (--away): the resume fails, b logs in afresh, and every message
the server had sent b and never seen acknowledged must reach b again —
from offline storage, or, with --second-resource, on b's other resource
(a second login of b, not proxied, at a lower priority). None may be
lost; duplicates are counted (a message b received but had not
acknowledged when the connection broke is delivered again: XEP-0198
promises at least once when a session cannot be resumed).

Prints one "report:" line with the figures, then "PASS" (exit 0) or
"FAIL: ..." (exit 1).
"""

import argparse
import asyncio
import logging
import re
import sys
import time

import slixmpp_common as common
from slixmpp.exceptions import IqTimeout

log = logging.getLogger("slixmpp_sm")


class Pair:
    """One proxied connection: client side and server side."""

    def __init__(self, client_writer, server_writer):
        self.writers = (client_writer, server_writer)
        self.stalled = False
        self.closed = False

    def abort(self):
        if self.closed:
            return
        self.closed = True
        for writer in self.writers:
            writer.transport.abort()


class Proxy:
    """A TCP proxy that can cut or stall every connection through it."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.pairs: set[Pair] = set()
        self.refusing = False
        self.connections = 0

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.accept, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def accept(self, client_reader, client_writer):
        if self.refusing:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections += 1
        pair = Pair(client_writer, server_writer)
        self.pairs.add(pair)
        await asyncio.gather(
            self.forward(client_reader, server_writer, pair),
            self.forward(server_reader, client_writer, pair),
        )
        self.pairs.discard(pair)

    async def forward(self, reader, writer, pair: Pair):
        try:
            while not pair.closed:
                data = await reader.read(65536)
                if not data:
                    break
                if pair.stalled:
                    # A route that drops everything: read nothing more,
                    # forward nothing, close nothing.
                    await asyncio.Event().wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        pair.abort()

    def cut(self):
        for pair in list(self.pairs):
            pair.abort()

    def stall(self):
        stalled = [p for p in self.pairs if not p.stalled]
        for pair in stalled:
            pair.stalled = True
        # Dead routes are cleaned up later; by then both ends have moved on.
        asyncio.get_running_loop().call_later(5, lambda: [p.abort() for p in stalled])


class Peer:
    """One slixmpp client with xep_0198, sending numbered messages."""

    def __init__(self, args, name: str, address, priority: int = 0, resource: str = "sm"):
        self.name = name
        self.address = address
        self.priority = priority
        self.client = common.make_client(args, f"{name}@{args.domain}/{resource}", f"{name}pass")
        self.client.register_plugin("xep_0198")
        self.client.register_plugin("xep_0199")
        self.online = asyncio.Event()
        self.finishing = False
        self.committed = 0  # messages in slixmpp's unacked queue (or acked)
        self.next = 0  # the next number to hand to slixmpp
        self.received: dict[str, list[int]] = {}
        self.sessions = 0
        self.resumed = 0
        self.client.add_event_handler("session_start", self.on_session_start)
        self.client.add_event_handler("session_resumed", self.on_resumed)
        self.client.add_event_handler("disconnected", self.on_disconnected)
        self.client.add_event_handler("connection_failed", self.on_disconnected)
        self.client.add_event_handler("message", self.on_message)
        self.client.add_filter("out_sce", self.commit)

    def connect(self):
        self.client.connect(*self.address)

    def on_session_start(self, _event):
        self.sessions += 1
        self.client.send_presence(ppriority=self.priority)
        self.online.set()

    def on_resumed(self, _event):
        self.resumed += 1
        self.online.set()

    def on_disconnected(self, _event):
        self.online.clear()
        if not self.finishing:
            asyncio.get_running_loop().call_later(0.05, self.reconnect)

    def reconnect(self):
        if not self.finishing and self.client.transport is None:
            self.connect()

    def on_message(self, msg):
        match = re.fullmatch(r"(\w+):(\d+)", msg["body"] or "")
        if msg["type"] == "chat" and match:
            self.received.setdefault(match[1], []).append(int(match[2]))

    def commit(self, stanza):
        """Runs after xep_0198's own filter: a message is sent for good
        once the plugin keeps it for acknowledgement. Anything else (the
        plugin not enabled yet, or a number out of turn after one was
        refused) is dropped here and handed over again."""
        match = re.fullmatch(rf"{self.name}:(\d+)", str(stanza["body"]) if stanza.name == "message" else "")
        if not match:
            return stanza
        number = int(match[1])
        if number == self.committed and self.client.plugin["xep_0198"].enabled_out:
            self.committed += 1
            return stanza
        self.next = self.committed
        return None

    async def pump(self, to: str, interval: float, stop: asyncio.Event):
        while not stop.is_set():
            await self.online.wait()
            self.client.send_message(mto=to, mbody=f"{self.name}:{self.next}", mtype="chat")
            self.next += 1
            await asyncio.sleep(interval)

    async def keepalive(self, domain: str, every: float, timeout: float, stop: asyncio.Event):
        """A ping that goes unanswered means a dead route: drop it."""
        while not stop.is_set():
            await asyncio.sleep(every)
            if not self.online.is_set():
                continue
            try:
                await self.client.plugin["xep_0199"].ping(jid=domain, timeout=timeout)
            except IqTimeout:
                self.client.abort()
            except Exception:  # disconnected while waiting: reconnecting
                pass


class Stuck(Exception):
    """A client did not come back online in time."""


async def all_online(peers, what: str, timeout: float = 30.0):
    try:
        await asyncio.wait_for(asyncio.gather(*(p.online.wait() for p in peers)), timeout)
    except asyncio.TimeoutError:
        states = []
        for p in peers:
            sm = p.client.plugin["xep_0198"]
            states.append(
                f"{p.name}: online {p.online.is_set()}, transport {p.client.transport is not None}, "
                f"sessions {p.sessions}, resumed {p.resumed}, sm in/out {sm.enabled_in}/{sm.enabled_out}, "
                f"sm id {sm.sm_id is not None}, features {sorted(p.client.features)}"
            )
        raise Stuck(f"not online {timeout:.0f} s {what}: " + "; ".join(states))


def check(name: str, sent: int, got: list[int]) -> tuple[int, int, int]:
    """Lost, duplicated, out of order."""
    lost = len(set(range(sent)) - set(got))
    duplicated = len(got) - len(set(got))
    seen = set()
    out_of_order = 0
    last = -1
    for number in got:
        if number in seen:
            continue
        seen.add(number)
        if number < last:
            out_of_order += 1
            if out_of_order <= 3:
                print(f"{name}: {number} after {last}", file=sys.stderr)
        last = max(last, number)
    return lost, duplicated, out_of_order


async def main_async(args) -> int:
    proxy = Proxy(args.host, args.port)
    proxy_port = await proxy.start()
    via_proxy = ("127.0.0.1", proxy_port)
    direct = (args.host, args.port)
    b_jid = f"b@{args.domain}"
    a_jid = f"a@{args.domain}"
    if args.mode == "resume":
        peers = [Peer(args, "a", via_proxy), Peer(args, "b", via_proxy)]
    else:
        peers = [Peer(args, "a", direct), Peer(args, "b", via_proxy, priority=10)]
        if args.second_resource:
            peers.append(Peer(args, "b", direct, priority=0, resource="other"))
    a, b = peers[0], peers[1]
    for peer in peers:
        peer.connect()
    try:
        await asyncio.wait_for(asyncio.gather(*(p.online.wait() for p in peers)), 20)
    except asyncio.TimeoutError:
        print("FAIL: not logged in after 20 s", flush=True)
        return 1
    stop = asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.ensure_future(a.pump(b_jid, args.interval, stop))]
    if args.mode == "resume":
        tasks.append(asyncio.ensure_future(b.pump(a_jid, args.interval, stop)))
        for peer in peers:
            tasks.append(asyncio.ensure_future(peer.keepalive(args.domain, args.ping_every, args.ping_timeout, stop)))
        events = ["cut"] * args.cuts + ["stall"] * args.stalls
        # Spread the stalls among the cuts.
        if args.stalls:
            step = max(1, len(events) // args.stalls)
            events = ["cut"] * args.cuts
            for i in range(args.stalls):
                events.insert(min(len(events), (i + 1) * step), "stall")
        for number, event in enumerate(events):
            await all_online(peers, f"before break {number} ({event})")
            await asyncio.sleep(args.gap)
            proxy.cut() if event == "cut" else proxy.stall()
            # Both sides must see it (or, for a stall, time out) first.
            await asyncio.sleep(0.01)
    else:
        for number in range(args.cuts):
            await all_online(peers, f"before cut {number}")
            await asyncio.sleep(args.gap)
            proxy.refusing = True
            proxy.cut()
            await asyncio.sleep(args.away)
            proxy.refusing = False
    await all_online(peers, "after the last break")
    stop.set()
    await asyncio.sleep(0)
    # Everything sent must arrive: wait for the last ones in flight.
    receivers = {"a": [b] + peers[2:], "b": [a]}

    def got(sender: str) -> list[int]:
        numbers = []
        for peer in receivers[sender]:
            numbers.extend(peer.received.get(sender, []))
        return numbers

    senders = [a, b] if args.mode == "resume" else [a]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if all(set(range(s.committed)) <= set(got(s.name)) for s in senders):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # late duplicates would show now
    elapsed = time.monotonic() - started
    failures = []
    figures = []
    for sender in senders:
        numbers = got(sender.name)
        if args.mode == "expire" and args.second_resource:
            numbers = sorted(numbers)  # two receivers: order is per resource
        lost, duplicated, out_of_order = check(sender.name, sender.committed, numbers)
        figures.append(
            f"{sender.name}->{'b' if sender.name == 'a' else 'a'}: sent {sender.committed} "
            f"received {len(numbers)} lost {lost} duplicated {duplicated} out of order {out_of_order}"
        )
        if lost:
            failures.append(f"{lost} messages from {sender.name} lost")
        if args.mode == "resume" and (duplicated or out_of_order):
            failures.append(f"{sender.name}: {duplicated} duplicated, {out_of_order} out of order")
    resumed = sum(p.resumed for p in peers)
    sessions = sum(p.sessions for p in peers)
    print(
        f"report: mode {args.mode}, {args.cuts} cuts, {args.stalls if args.mode == 'resume' else 0} stalls, "
        f"{proxy.connections} proxied connections, {resumed} resumes, {sessions} sessions, "
        f"{elapsed:.1f} s; " + "; ".join(figures),
        flush=True,
    )
    for peer in peers:
        peer.finishing = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(p.client.disconnect(wait=1) for p in peers), return_exceptions=True)
    if failures:
        print("FAIL: " + "; ".join(failures), flush=True)
        return 1
    print("PASS", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_connection_args(parser)
    parser.add_argument("--mode", choices=["resume", "expire"], default="resume")
    parser.add_argument("--cuts", type=int, default=100, help="connections broken")
    parser.add_argument("--stalls", type=int, default=5, help="routes silently stopped (resume mode)")
    parser.add_argument("--interval", type=float, default=0.01, help="seconds between messages, per sender")
    parser.add_argument("--gap", type=float, default=0.15, help="seconds of traffic between two breaks")
    parser.add_argument("--away", type=float, default=2.0, help="seconds b stays away (expire mode)")
    parser.add_argument("--second-resource", action="store_true", help="b also online, not proxied (expire mode)")
    parser.add_argument("--ping-every", type=float, default=0.5)
    parser.add_argument("--ping-timeout", type=float, default=1.0)
    parser.add_argument("--deadline", type=float, default=300.0, help="fail after this many seconds in all")
    args = parser.parse_args()
    common.setup_logging(args)
    try:
        return asyncio.run(asyncio.wait_for(main_async(args), args.deadline))
    except Stuck as stuck:
        print(f"FAIL: {stuck}", flush=True)
        return 1
    except asyncio.TimeoutError:
        print(f"FAIL: the whole run took over {args.deadline:.0f} s", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
