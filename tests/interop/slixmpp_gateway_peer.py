#!/usr/bin/env python3
"""One slixmpp account talking to an IRC user through netlab's gateway.

    slixmpp_gateway_peer.py --port 15222 --domain localhost --plain \\
        --user alice --pass apass --contact mallory@gw.localhost \\
        [--absent nobody@gw.localhost]

Steps, each printing "ok: ..." (RFC 6121 § 3.1 subscription, § 4
presence, § 5 messages, RFC 6120 § 8.3 errors):

1. log in, fetch the roster, send initial presence;
2. subscribe to --contact and wait for "subscribed" (the gateway approves
   at once), then print "ready" — start the IRC client after this line;
3. wait for --contact to become available (the IRC user registered);
4. wait for a chat message from --contact and answer "echo: <body>";
5. with --absent: send a message there and expect an error back
   (item-not-found: no IRC user holds that nick);
6. wait for --contact to become unavailable (the IRC user quit).

Exits 0 after the last step, or prints "FAIL: ..." and exits 1 on the
first failure or after --timeout seconds.
"""

import argparse
import asyncio
import signal
import sys

import slixmpp_common as common


async def main_async(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    client = common.make_client(args, f"{args.user}@{args.domain}", args.password)
    contact = args.contact
    fatal = loop.create_future()
    session = loop.create_future()
    subscribed = loop.create_future()
    available = loop.create_future()
    unavailable = loop.create_future()
    errors: asyncio.Queue = asyncio.Queue()
    messages: asyncio.Queue = asyncio.Queue()
    step = ["start"]

    def settle(fut, value=None):
        if not fut.done():
            fut.set_result(value)

    def on_fatal(why: str) -> None:
        if not fatal.done():
            fatal.set_result(why)

    def on_presence(p) -> None:
        if p["from"].bare != contact:
            return
        kind = p["type"]
        if kind == "subscribed":
            settle(subscribed, p)
        elif kind == "unavailable":
            if available.done():
                settle(unavailable, p)
        elif kind in ("available", "", "chat", "away", "xa", "dnd"):
            settle(available, p)

    def on_message(msg) -> None:
        if msg["type"] == "error":
            errors.put_nowait(msg)
        elif msg["body"]:
            messages.put_nowait(msg)

    client.add_event_handler("session_start", lambda _: settle(session))
    client.add_event_handler("presence", on_presence)
    client.add_event_handler("message", on_message)
    client.add_event_handler("message_error", on_message)
    client.add_event_handler("connection_failed", lambda e: on_fatal(f"could not connect: {e}"))
    client.add_event_handler("failed_auth", lambda _: on_fatal("authentication failed"))
    client.add_event_handler("stream_error", lambda e: on_fatal(f"stream error: {e}"))
    client.add_event_handler("netlab_mismatch", on_fatal)

    async def wait(what: str, fut):
        step[0] = what
        fut = asyncio.ensure_future(fut)
        done, _ = await asyncio.wait({fut, fatal}, return_when=asyncio.FIRST_COMPLETED)
        if fut not in done:
            raise RuntimeError(fatal.result())
        return fut.result()

    async def steps() -> None:
        client.connect(args.host, args.port)
        await wait("logging in", session)
        await client.get_roster()
        client.send_presence()
        print(f"ok: logged in as {client.boundjid.full}", flush=True)
        client.send_presence(pto=contact, ptype="subscribe")
        await wait(f"subscribed from {contact}", subscribed)
        print(f"ok: {contact} approved the subscription", flush=True)
        print("ready", flush=True)
        p = await wait(f"{contact} to become available", available)
        print(f"ok: {contact} is available ({p['from']})", flush=True)
        msg = await wait(f"a message from {contact}", messages.get())
        print(f"got: {msg['from']}: {msg['body']}", flush=True)
        msg.reply(f"echo: {msg['body']}").send()
        print(f"ok: answered {msg['from'].bare}", flush=True)
        if args.absent:
            client.send_message(mto=args.absent, mbody="anyone there?", mtype="chat")
            err = await wait(f"an error from {args.absent}", errors.get())
            condition = err["error"]["condition"]
            print(f"ok: {args.absent} answered with error {condition} ({err['error']['type']}): {err['error']['text']}", flush=True)
        p = await wait(f"{contact} to become unavailable", unavailable)
        print(f"ok: {contact} is unavailable ({p['status']})", flush=True)

    try:
        await asyncio.wait_for(steps(), timeout=args.timeout)
    except asyncio.TimeoutError:
        print(f"FAIL: timed out after {args.timeout} s waiting for: {step[0]}", flush=True)
        return 1
    except RuntimeError as e:
        print(f"FAIL: {e} (during: {step[0]})", flush=True)
        return 1
    finally:
        if client.transport is not None:
            client.disconnect(wait=1)
        await asyncio.sleep(0.2)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_connection_args(parser)
    parser.add_argument("--user", required=True)
    parser.add_argument("--pass", dest="password", required=True)
    parser.add_argument("--contact", required=True, help="the IRC user's JID, e.g. mallory@gw.localhost")
    parser.add_argument("--absent", help="a JID at the gateway no IRC user holds: expect an error")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    common.setup_logging(args)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
