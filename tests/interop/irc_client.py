#!/usr/bin/env python3
"""A real IRC client (the PyPI `irc` package) driven by the command line:
connect, register a nick, send messages, wait for what should arrive.

    irc_client.py --port 6667 --nick mallory \\
        --send 'alice|localhost' 'hello from irc' \\
        --expect-privmsg 'alice|localhost' 'echo: hello from irc' \\
        --send 'x\\zz|y' 'to nobody' --expect-numeric 401

The steps run in the order given, once the server has welcomed us (001):
--send TARGET TEXT sends a PRIVMSG; --expect-privmsg FROM TEXT waits for a
PRIVMSG from nick FROM whose text contains TEXT; --expect-numeric CODE
waits for that numeric reply (e.g. 401 ERR_NOSUCHNICK). Then it sends QUIT
and waits for the server to close the connection.

Prints one "ok: ..." line per step, "got: <from> <command> <text>" for each
message that arrives, and exits 0; or prints "FAIL: ..." and exits 1 at the
first step that went wrong or when --timeout seconds have passed. It exits
2 if the server refused the nick (433, 432).

`irc` is an IRC library we did not write; the gateway test uses it as the
independent IRC client, the way the XMPP tests use slixmpp.
"""

import argparse
import signal
import sys
import time

import irc.client


class Failed(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6667)
    parser.add_argument("--nick", required=True)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for the whole run")
    steps = parser.add_argument_group("steps, in order")
    steps.add_argument("--send", nargs=2, action="append", dest="steps", metavar=("TARGET", "TEXT"))
    steps.add_argument("--expect-privmsg", nargs=2, action="append", dest="steps", metavar=("FROM", "TEXT"))
    steps.add_argument("--expect-numeric", nargs=1, action="append", dest="steps", metavar="CODE")
    # Keep the order of steps and which option each came from.
    order = [a for a in sys.argv[1:] if a in ("--send", "--expect-privmsg", "--expect-numeric")]
    args = parser.parse_args()
    plan = list(zip(order, args.steps or []))
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    reactor = irc.client.Reactor()
    arrived = []  # (kind, source nick, text or code)
    state = {"welcome": False, "refused": None, "closed": False}

    def on_welcome(_conn, event):
        state["welcome"] = True
        print(f"ok: registered as {event.target} ({event.arguments[0]})", flush=True)

    def on_message(_conn, event):
        source = irc.client.NickMask(event.source).nick if event.source else ""
        text = event.arguments[0] if event.arguments else ""
        print(f"got: {source} {event.type.upper()} {text}", flush=True)
        arrived.append(("privmsg" if event.type == "privmsg" else event.type, source, text))

    def on_numeric(_conn, event):
        arrived.append(("numeric", str(event.type), " ".join(event.arguments)))

    def on_refused(_conn, event):
        state["refused"] = f"{event.type}: {' '.join(event.arguments)}"

    def on_disconnect(_conn, _event):
        state["closed"] = True

    started = time.monotonic()

    def pump(until, what: str) -> None:
        while not until():
            if state["refused"]:
                raise SystemExit(refused(state["refused"]))
            if state["closed"]:
                raise Failed(f"the server closed the connection while waiting for {what}")
            if time.monotonic() - started > args.timeout:
                raise Failed(f"timed out after {args.timeout} s waiting for {what}")
            reactor.process_once(timeout=0.1)

    def refused(why: str) -> int:
        print(f"FAIL: nick {args.nick} refused ({why})", flush=True)
        return 2

    try:
        conn = reactor.server().connect(args.host, args.port, args.nick)
    except irc.client.ServerConnectionError as e:
        print(f"FAIL: cannot connect to {args.host}:{args.port}: {e}", flush=True)
        return 1
    conn.add_global_handler("welcome", on_welcome)
    for kind in ("privmsg", "privnotice", "notice"):
        conn.add_global_handler(kind, on_message)
    for name in ("nosuchnick", "nosuchchannel", "unknowncommand", "notexttosend", "norecipient"):
        conn.add_global_handler(name, on_numeric)
    for name in ("nicknameinuse", "erroneusnickname"):
        conn.add_global_handler(name, on_refused)
    conn.add_global_handler("disconnect", on_disconnect)
    numeric_names = irc.client.events.numeric  # "401" -> "nosuchnick"

    try:
        pump(lambda: state["welcome"], "the welcome (001)")
        for option, values in plan:
            if option == "--send":
                target, text = values
                conn.privmsg(target, text)
                print(f"ok: sent PRIVMSG {target} :{text}", flush=True)
            elif option == "--expect-privmsg":
                source, text = values
                match = lambda: any(k == "privmsg" and s.lower() == source.lower() and text in t for k, s, t in arrived)
                pump(match, f"PRIVMSG from {source} containing {text!r}")
                print(f"ok: {source} said {text!r}", flush=True)
            else:
                (code,) = values
                name = numeric_names.get(code, code)
                pump(lambda: any(k == "numeric" and c == name for k, c, _ in arrived), f"numeric {code} ({name})")
                print(f"ok: got numeric {code} ({name})", flush=True)
        conn.quit("done")
        # The server answers QUIT with ERROR and closes (RFC 2812 § 3.1.7).
        pump(lambda: state["closed"], "the server to close after QUIT")
        print("ok: quit", flush=True)
    except Failed as e:
        print(f"FAIL: {e}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
