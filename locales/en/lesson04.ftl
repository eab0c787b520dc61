# Lesson 4's live output: the server, its clients and the IRC gateway
# (src/course/lesson04.rs), laid out by src/show/structure.rs; who holds
# each socket, and the server's trace notes the lesson shows.

## Who wrote to whom, above each line of XML or IRC.

structure-to-server = { $who } → server
structure-from-server = server → { $who }
structure-to-gateway = { $who } → gateway
structure-from-gateway = gateway → { $who }
structure-client-to-server = client → server
structure-server-to-client = server → client
structure-trace = the server's trace:
structure-client-writes = { $who }'s client writes:
structure-bot-writes = the bot, { $domain }, writes:
structure-list-separator = {", "}
# A connection before it has bound a resource (src/course/structure.rs).
structure-connection = connection { $conn }

## The server's own notes in its trace (src/xmpp/server/), as lesson 4
## shows them.

structure-note-component-from = component connection from { $peer }
structure-note-authenticated = component { $name } authenticated
structure-note-stream-error = stream error { $condition }
structure-note-client-closed = connection closed by the client
structure-note-component-closed = component connection closed

## The `roles` step.

structure-role-server = server
structure-role-gateway = gateway
structure-role-bot = bot
structure-server-listens = listens in this process, for the domain localhost:
structure-server-ports = clients on { $clients }, components on { $components }
structure-accounts = accounts { $users }
structure-logged-in = logged in from a { $device }: { $jid }
structure-gateway-is = { $domain }, a component: connected to the component port;
structure-gateway-listens = listens for IRC users on { $irc }
structure-irc-user = an IRC user, typed by hand: connected to the gateway
structure-bot = { $domain }, a second component, typed by hand
structure-gateway-login =
    The gateway's login, from the server's trace (namespaces kept: they tell
    a component's stream from a client's):
structure-irc-registers =
    { $nick } registers on IRC: two lines typed, then the gateway's welcome
    ({ $lines } lines; the first and the last):
structure-kernel-rows =
    kernel: /proc/net/tcp, every row with one of the three listening ports:
    three listeners and { $connections } connections, each seen from both
    ends
structure-col-local = local
structure-col-remote = remote
structure-col-state = state
structure-col-owner = owner
structure-owner-client-port = server, client port
structure-owner-component-port = server, component port
structure-owner-irc-port = gateway, IRC port
structure-owner-server-end = server's end for { $who }
structure-owner-gateway-end = gateway's end for { $who }
structure-owner-client = { $who }'s client
structure-owner-irc-client = { $who }'s IRC client
structure-owner-component = { $who }, component

## The `routing` step.

structure-client-to-client = client → server → client
structure-by-localpart =
    Routed by the localpart: the server found bob in its table of who is
    online and wrote the message into his connection, with from added.
structure-client-to-irc = client → server → gateway → IRC
structure-by-domain =
    Routed by the domain: { $domain } belongs to a component, so the server
    handed the message over without looking at the localpart; it only added
    from. The gateway wrote one line on mallory's IRC connection:
structure-same-sentence =
    The same sentence: { $xml } bytes of XML from the server to the gateway,
    { $irc } bytes of IRC from the gateway to mallory (CR LF included).
structure-irc-to-client = IRC → gateway → server → client
structure-nick-types = { $nick } types:
structure-gateway-from =
    The gateway wrote from itself, mallory@gw.localhost, and the server let
    it pass: the address is in the gateway's own domain.
structure-lying-component = a component that lies
structure-lie-refused =
    from="alice@localhost/laptop" is not in bot.localhost: the server ended
    the component's stream with invalid-from and routed nothing. Bob never
    saw the message.

## The `jobs` step.

structure-job-records = 1. client records
structure-nothing-went-out =
    Nothing went out: carol is offline. Alice and bob have also asked for
    each other's presence. What the server now keeps:
structure-database = the server's database, a SQLite file:
structure-table-users = table { $table }, one row per account: { $users }
structure-table-credentials =
    table { $table }, alice's rows (there is no password column):
structure-col-mechanism = mechanism
structure-col-iterations = iterations
structure-col-salt = salt
structure-table-roster =
    table { $table }, alice's contacts (roster version { $version }):
structure-asked = {", asked"}
structure-table-offline = table { $table }, messages waiting for carol: { $count }
structure-offline-row = row { $id }, arrived { $stamp }:
structure-job-connections = 2. connection management
structure-second-device =
    alice logs in a second time, from her phone: a second TCP connection for
    the same account. The server's table of connections (from its trace),
    with the kernel's state of each:
structure-col-conn = conn
structure-col-from = connected from
structure-col-bound = bound to
structure-col-kernel = kernel: server's end
structure-gone = gone
structure-bound-component = { $jid } (component)
structure-bound-server = { $jid } (server)
structure-replace =
    Now another connection logs in as alice@localhost/laptop, a resource
    the laptop already holds. The server keeps the newer session and ends
    the older one; its trace of the old connection:
# What the replaced client reported (src/course/structure.rs).
structure-stream-error = stream error <{ $condition }/>
structure-old-laptop = The old laptop's client reported: { $error }. The table now:
structure-job-routing = 3. routing
structure-to-bare =
    Before the laptop was replaced, bob wrote to alice's bare JID, with no
    device named; the server looked alice up in that table and delivered a
    copy to each of her online devices:

## The `streams` step.

structure-headers-of = every stream header of connection { $conn } ({ $jid }):
structure-stream-number = (stream { $number })
structure-col-ids = the server's stream ids
structure-client-carried = The client connection carried { $headers } stream headers.
structure-component-carried =
    The component's connection carried { $headers } stream headers.
structure-each-client-carried =
    Each of the { $count } client connections carried { $headers } stream
    headers.
structure-each-component-carried =
    Each of the { $count } component's connections carried { $headers }
    stream headers.
structure-per-client = Stream headers per client connection: { $counts }.
structure-per-component = Stream headers per component's connection: { $counts }.
structure-kernel-ends =
    kernel: { $open } connections the server has open, { $ends } server ends
    ESTABLISHED in /proc/net/tcp

## The `beyond` step.

structure-beyond =
    example.org is not a domain this server serves, and this lesson runs it
    without federation (no server-to-server connections), so it answered for
    juliet itself: <{ $condition }/>. Nothing left this machine.
