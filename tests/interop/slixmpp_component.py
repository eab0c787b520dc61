#!/usr/bin/env python3
"""A slixmpp external component (XEP-0114) that echoes every chat message.

    slixmpp_component.py --host 127.0.0.1 --port 5347 \\
        --name echo.localhost --secret s3cret [--count N]

Connects to a server's component port, does the handshake of XEP-0114 § 3
(slixmpp's ComponentXMPP: no XML declaration, no version), prints "ready"
once the server accepted it, then answers each chat message to
anything@NAME with "echo: <body>", from the address it was sent to, and
prints "got: <from> -> <to>: <body>". Exits 0 after --count answers or on
SIGTERM; prints "FAIL: ..." and exits 1 if the handshake fails or the
stream ends early.
"""

import argparse
import asyncio
import signal
import sys

from slixmpp.componentxmpp import ComponentXMPP


async def main_async(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    component = ComponentXMPP(args.name, args.secret, args.host, args.port)
    finished = loop.create_future()
    answered = 0

    def settle(value: int) -> None:
        if not finished.done():
            finished.set_result(value)

    def on_start(_event) -> None:
        print("ready", flush=True)

    def on_message(msg) -> None:
        nonlocal answered
        # Never answer an error (RFC 6120 § 8.3.1) or a bodyless message.
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        print(f"got: {msg['from']} -> {msg['to']}: {msg['body']}", flush=True)
        # reply() swaps to/from: the answer comes from the address the
        # message was sent to, inside our domain.
        msg.reply(f"echo: {msg['body']}").send()
        answered += 1
        if args.count and answered >= args.count:
            settle(0)

    def on_fatal(message: str) -> None:
        if not finished.done():
            print(f"FAIL: {message}", flush=True)
            settle(1)

    component.add_event_handler("session_start", on_start)
    component.add_event_handler("message", on_message)
    component.add_event_handler("stream_error", lambda e: on_fatal(f"stream error: {e['condition']}"))
    component.add_event_handler("disconnected", lambda reason: on_fatal(f"disconnected: {reason}"))
    component.add_event_handler("connection_failed", lambda e: on_fatal(f"could not connect: {e}"))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, settle, 0)
    component.connect()
    try:
        code = await asyncio.wait_for(finished, timeout=args.timeout)
    except asyncio.TimeoutError:
        print(f"FAIL: nothing finished within {args.timeout} s", flush=True)
        code = 1
    component.disconnect()
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5347)
    parser.add_argument("--name", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
