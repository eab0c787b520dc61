# Lesson 1's live output (src/show/im.rs, src/course/im.rs): a server, two
# clients, a message pushed, presence, an offline message.

im-server = server
im-listening = listening on { $addr }, in this process
im-listening-why =
    a port the kernel chose, accounts alice and bob, no TLS so that every
    byte can be read
im-alice-login = alice's login, as the server saw it ({ $ms } ms; long values cut):
im-bob-login =
    bob's login: the same { $pieces } pieces of XML, on a connection of its
    own.
im-online = Then each says it is online:
im-connections =
    /proc/net/tcp, every row with the server's port: the listener and
    { $ends } ESTABLISHED ends, two per connection (client and server are
    both in this process)
im-owner-listener = the server's listening socket
im-owner-server-end = the server's end of { $who }'s connection
im-owner-client = { $who }'s client
im-alice-writes = alice's client writes:
im-server-trace = the server's trace, everything it saw and sent:
im-bob-got = bob's client got <body>{ $body }</body> from { $from }.
im-bob-sent =
    bob's client sent { $stanzas } stanzas to get it: the server pushed it
    down the connection bob opened at login.
im-send-receive = send → receive, on this machine, now:
im-this-message = this message: { $took }
im-more =
    { $count } more, one at a time: median { $median }, fastest
    { $fastest }, slowest { $slowest }
im-subscribe = They ask for each other's presence, and agree:
im-away = bob goes away:
im-shows = alice's client now shows bob as "{ $show }", without asking.
im-write-to-client = bob's write → alice's client: { $took }
im-bob-closes = bob closes his stream and his connection; alice is told:
im-sends-anyway = alice sends anyway; the server's trace of it:
im-stored =
    nothing went out: bob has no connection to push it down, so the server
    stored it (in its database, here SQLite in memory).
# Three lines, each printed as it is (not wrapped): the numbers sit where
# their width cannot move a line break, so the book's transcript stays
# checkable.
im-relogin-1 = bob stays offline for { $away }; then he logs in again ({ $ms } ms) on a new
im-relogin-2 = connection (client ports: { $ports }), and says he is online;
im-relogin-3 = the server hands him what it kept:
im-then = {" "}then{" "}
im-delay =
    <delay> (XEP-0203) says when the server received it; by this machine's
    clock:
im-alice-sent = alice sent it
im-server-stamped = the server stamped
im-bob-got-it = bob got it
im-no-stamp = (none)
im-later = ({ $ms } ms later)

# Who wrote a line of XML to whom, in the server's trace.
conversation-to-server = { $who } → server
conversation-from-server = server → { $who }
