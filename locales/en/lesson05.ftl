# The servers' own notes on lesson 5's ladder (src/show/server_notes.rs).

## The servers' notes (src/show/server_notes.rs), word for word as the
## server writes them (src/xmpp/server/c2s.rs, s2s_in.rs, s2s_out.rs).

note-connected-from = connected from { $addr }
note-server-connection-from = server connection from { $addr }
note-tls-restarts = TLS established; the stream restarts
note-tls-unverified =
    TLS established (certificate not verified: dialback decides)
note-authenticated-as = authenticated as { $user }
note-bound = bound { $jid }
note-failed-connecting = failed: connecting to { $addr }: { $error }
note-may-send-to-us =
    authenticated: { $domain } may send to us on this stream
note-may-now-send =
    authenticated: { $ours } may now send to { $theirs } on this stream
note-claims-name =
    { $from } claims its name: asking { $from } itself (db:verify, id { $id })
note-is-at = { $domain } is at { $addr } ({ $how })
note-how-pinned = pinned route
note-how-fallback = no SRV record: A/AAAA, port 5269
