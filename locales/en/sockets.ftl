# Socket errors explained (src/sockets/errors.rs), lesson 8's mistakes
# (src/sockets/mistakes.rs, src/course/lesson08.rs) and the labels of an
# error printed by any tool (src/show/errors.rs).
#
# Protocol tokens (SYN, RST, SO_REUSEADDR, TIME_WAIT) and commands in
# backticks stay as they are in every language.

## Why each error happened, and what to do.

errno-eaddrinuse-why =
    another socket already holds { $addr }; two sockets cannot bind the
    same address and port (SO_REUSEADDR only lets you reuse a port whose
    old connections are in TIME_WAIT)
errno-eaddrinuse-fix =
    pick another port, or port 0 to let the kernel choose;
    `ss -ltnp 'sport = :{ $port }'` shows who holds it
errno-privileged-port-why =
    ports below { $start } are privileged on Linux: binding one needs the
    CAP_NET_BIND_SERVICE capability
errno-privileged-port-fix =
    use a port of 1024 or above (e.g. 7000), or grant the capability:
    `sudo setcap cap_net_bind_service=+ep { $program }`
errno-eperm-why = the kernel refused: this needs a privilege you do not have
errno-eperm-fix = run it as root: `sudo { $program }`
errno-econnrefused-why =
    nothing is listening on { $addr }: the receiving kernel answered the
    SYN with a RST
errno-econnrefused-fix =
    start the server first (e.g. `netlab socket listen 127.0.0.1:7000`),
    and check the address and port
errno-eaddrnotavail-why =
    that address does not belong to any interface of this machine
errno-eaddrnotavail-fix = bind an address `ip addr` lists, such as 127.0.0.1
errno-etimedout-why =
    no answer came back: the SYN (or data) was never acknowledged
errno-etimedout-fix =
    check the address; a firewall may be dropping the packets
errno-econnreset-why =
    the peer's kernel reset the connection (RST): its program closed with
    unread data or crashed
errno-econnreset-fix = look at the other side's log
errno-eopnotsupp-why =
    this kind of socket does not support that call (for example listen()
    on UDP: UDP has no connections)
errno-eopnotsupp-fix = use a SOCK_STREAM (TCP) socket for listen()/accept()
# Stands for an address the failed call did not name.
errno-that-address = that address
errno-that-port = that port

## Labels of an explained error.

error-label = error:
error-because = because: { $cause }
error-fix = fix: { $fix }

## Lesson 8's three mistakes, made on purpose.

mistake-allowed = = 0 (allowed)
mistake-second-bind = bind({ $addr }) on a second socket
mistake-in-use-when =
    the first socket is LISTENing on { $addr }; both set SO_REUSEADDR
mistake-has-cap-when =
    this process has CAP_NET_BIND_SERVICE (it runs as root, or was
    granted it with setcap)
mistake-dropped-cap-when =
    in a thread that dropped CAP_NET_BIND_SERVICE: what every ordinary
    user gets
mistake-no-cap-when = this process has no CAP_NET_BIND_SERVICE
mistake-refused-when =
    { $addr } is bound by another socket, but nothing called listen() on it
mistake-when = when: { $text }
mistake-why = why: { $text }
mistake-fix = fix: { $text }

## The socket tools (src/tools/socket.rs, src/sockets/mod.rs).

socket-call-failed = { $call } failed: { $error }
socket-talking-to = talking to { $addr }
socket-type-lines = type lines to send; Ctrl-D ends (then we wait for replies)
