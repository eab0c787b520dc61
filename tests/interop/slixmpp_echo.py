#!/usr/bin/env python3
"""One slixmpp account that answers every chat message with "echo: <body>".

    slixmpp_echo.py --host 127.0.0.1 --port 15222 --domain localhost \\
        --user b --pass bpass --cafile cert.pem [--count N] [--approve]

Prints "ready" once it is logged in and has sent its initial presence (a
test waits for that line before it sends anything), then one
"got: <from>: <body>" line per message it answered. Runs until killed
(SIGTERM or SIGINT: closes the stream and exits 0) or until it has answered
--count messages. Prints "FAIL: ..." and exits 1 if it cannot log in
within --timeout seconds.

With --approve it also approves every subscription request and asks for
one back (RFC 6121 § 3.1), so a client under test can add it as a contact.
"""

import argparse
import asyncio
import signal
import sys

import slixmpp_common as common


async def main_async(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    jid = f"{args.user}@{args.domain}"
    client = common.make_client(args, jid, args.password)
    online = loop.create_future()
    finished = loop.create_future()
    answered = 0

    def settle(fut: asyncio.Future, value) -> None:
        if not fut.done():
            fut.set_result(value)

    async def on_session(_event) -> None:
        # RFC 6121 § 2.2 and § 4.2: roster first, then initial presence.
        await client.get_roster()
        client.send_presence()
        settle(online, None)

    def on_message(msg) -> None:
        nonlocal answered
        # Errors must never be answered (RFC 6120 § 8.3.1), group chat is
        # not ours to echo, and chat states or receipts carry no body.
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        print(f"got: {msg['from']}: {msg['body']}", flush=True)
        msg.reply(f"echo: {msg['body']}").send()
        answered += 1
        if args.count and answered >= args.count:
            settle(finished, 0)

    def on_subscribe(presence) -> None:
        if not args.approve:
            return
        peer = presence["from"].bare
        client.send_presence(pto=peer, ptype="subscribed")
        client.send_presence(pto=peer, ptype="subscribe")
        print(f"approved: {peer}", flush=True)

    def on_fatal(message: str) -> None:
        # Once finished (count reached or signal), our own close is no failure.
        if not finished.done():
            print(f"FAIL: {message}", flush=True)
            settle(finished, 1)

    client.add_event_handler("session_start", on_session)
    client.add_event_handler("message", on_message)
    client.add_event_handler("presence_subscribe", on_subscribe)
    client.add_event_handler("connection_failed", lambda e: on_fatal(f"could not connect: {e}"))
    client.add_event_handler("failed_auth", lambda _: on_fatal(f"SASL {common.mechanism(client)} authentication failed"))
    client.add_event_handler("no_auth", lambda _: on_fatal("no SASL mechanism in common with the server"))
    client.add_event_handler("stream_error", lambda e: on_fatal(f"stream error: {e}"))
    client.add_event_handler("disconnected", lambda reason: on_fatal(f"disconnected: {reason}"))
    client.add_event_handler("netlab_mismatch", on_fatal)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, settle, finished, 0)

    client.connect(args.host, args.port)
    try:
        await asyncio.wait_for(asyncio.shield(online), timeout=args.timeout)
    except asyncio.TimeoutError:
        if not finished.done():
            print(f"FAIL: not logged in after {args.timeout} s", flush=True)
            return 1
    if finished.done():
        return finished.result()
    print(
        f"ready: {client.boundjid.full} ({common.mechanism(client)} over {common.transport_security(client)})",
        flush=True,
    )
    code = await finished
    # A clean close: </stream:stream>, wait for the server's (RFC 6120 § 4.4).
    await client.disconnect(wait=1)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_connection_args(parser)
    parser.add_argument("--user", required=True, help="local part of the account")
    parser.add_argument("--pass", dest="password", required=True)
    parser.add_argument("--count", type=int, default=0, help="exit 0 after answering this many messages")
    parser.add_argument("--approve", action="store_true", help="approve subscription requests and subscribe back")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds allowed for logging in")
    args = parser.parse_args()
    # Piped into head or grep -m1: stop quietly when the reader goes away.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    common.setup_logging(args)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
