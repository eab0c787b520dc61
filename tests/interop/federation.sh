#!/usr/bin/env bash
# Prosody <-> Prosody federation on one machine: proves the harness that
# netlab's own s2s tests use (srv_dns.py, prosody.sh --s2s/--dns,
# slixmpp_federation.py).
#
#   tests/interop/federation.sh [--ca] [--s2s-plain] [--debug] [--keep] [DIR]
#
# Starts, all on 127.0.0.1 with free ports:
#   - srv_dns.py answering _xmpp-server._tcp.p.example and
#     _xmpp-server._tcp.q.example with SRV 0 5 <s2s port> localhost.
#     (NXDOMAIN for everything else, so nowhere.example does not exist);
#   - Prosody "p.example" (account alice/apass) and Prosody "q.example"
#     (account bob/bpass), each with c2s and s2s ports, resolving through
#     that DNS server only;
# then runs slixmpp_federation.py (alice@p.example <-> bob@q.example,
# --unknown nowhere.example); checks in Prosody's debug logs
# (DIR/p/debug.log, DIR/q/debug.log) that each outgoing stream was
# authenticated by dialback (by SASL EXTERNAL with --ca); has s2s_probe.py
# claim q.example towards p.example with a forged dialback key (must be
# "invalid"), with q's real key (q runs with --dialback-secret, so the probe
# can compute it: must be "valid"), and with the real key on a plaintext
# stream (must be closed with policy-violation, unless --s2s-plain);
# prints the info-level s2s lines of DIR/p/prosody.log and
# DIR/q/prosody.log and stops everything it started, by PID.
# Prints "ok: ..." / "FAIL: ..." lines and timings; exits 0 or 1.
#
#   --ca         certificates from a test CA in DIR/ca (tests/interop/ca.sh)
#                and s2s_secure_auth = true: the servers authenticate each
#                other with SASL EXTERNAL instead of dialback.
#   --s2s-plain  s2s_require_encryption = false on both (they still use
#                STARTTLS, as both offer it).
#   --debug      srv_dns.py logs each query to DIR/dns.log (Prosody's debug
#                logs are always written).
#   --keep       keep DIR afterwards (it is always kept on failure, and
#                when DIR was given).
# DIR: where everything goes (default: a new temp directory).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# slixmpp lives in the project's virtual environment (scripts/interop-deps.sh);
# the tests say which Python through $PYTHON.
python=${PYTHON:-python3}
prosody_opts=(--debug) ca=false keep=false debug=false s2s_plain=false
while [ $# -gt 0 ]; do
  case $1 in
    --ca) ca=true; shift ;;
    --s2s-plain) s2s_plain=true; prosody_opts+=(--s2s-plain); shift ;;
    --debug) debug=true; shift ;;
    --keep) keep=true; shift ;;
    -*) echo "usage: $0 [--ca] [--s2s-plain] [--debug] [--keep] [DIR]" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ge 1 ]; then
  dir=$1 keep=true
  mkdir -p "$dir"
else
  dir=$(mktemp -d /tmp/netlab-federation.XXXXXX)
fi
dir=$(cd "$dir" && pwd)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
start=$(now)

pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $rc -ne 0 ] || $keep; then
    echo "logs kept in $dir"
  else
    rm -rf "$dir"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_port() { # PORT WHAT: until something accepts on 127.0.0.1:PORT (20 s)
  local deadline=$((SECONDS + 20))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "FAIL: $2 does not listen on port $1"; exit 1; fi
    sleep 0.05
  done
}

# Five free ports (c2s and s2s of each, DNS), chosen by the kernel all at
# once so that they differ (srv_dns.py --port 0 could land on one of the
# others, and then waiting for that port would be fooled).
read -r p_c2s p_s2s q_c2s q_s2s dns_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# -- DNS -----------------------------------------------------------------------
dns_args=(--port "$dns_port"
  --srv "_xmpp-server._tcp.p.example=localhost.:$p_s2s"
  --srv "_xmpp-server._tcp.q.example=localhost.:$q_s2s")
$debug && dns_args+=(-v)
python3 "$here/srv_dns.py" "${dns_args[@]}" >"$dir/dns.out" 2>"$dir/dns.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^ready ' "$dir/dns.out" 2>/dev/null && break
  sleep 0.05
done
grep -q "^ready $dns_port\$" "$dir/dns.out" || { echo "FAIL: srv_dns.py did not start: $(cat "$dir/dns.log")"; exit 1; }
echo "ok: srv_dns.py on 127.0.0.1:$dns_port ($(since "$start") s)"

q_secret=$(python3 -c 'import secrets; print(secrets.token_hex(8))')

# -- two Prosodys ------------------------------------------------------------------
t=$(now)
ca_opts=()
$ca && ca_opts=(--ca "$dir/ca")
$ca && bash "$here/ca.sh" "$dir/ca" p.example q.example # once, before both start
bash "$here/prosody.sh" "${prosody_opts[@]}" "${ca_opts[@]}" --domain p.example --s2s "$p_s2s" --dns "$dns_port" \
  "$dir/p" "$p_c2s" alice apass >"$dir/p.out" 2>&1 &
pids+=($!)
bash "$here/prosody.sh" "${prosody_opts[@]}" "${ca_opts[@]}" --domain q.example --s2s "$q_s2s" --dns "$dns_port" \
  --dialback-secret "$q_secret" "$dir/q" "$q_c2s" bob bpass >"$dir/q.out" 2>&1 &
pids+=($!)
for port in "$p_c2s" "$p_s2s" "$q_c2s" "$q_s2s"; do wait_port "$port" Prosody; done
echo "ok: Prosody p.example (c2s $p_c2s, s2s $p_s2s) and q.example (c2s $q_c2s, s2s $q_s2s) listening ($(since "$t") s)"

# -- the clients -----------------------------------------------------------------------
if $ca; then
  tls1=(--cafile1 "$dir/ca/ca.crt") tls2=(--cafile2 "$dir/ca/ca.crt")
else
  tls1=(--cafile1 "$dir/p/certs/p.example.crt") tls2=(--cafile2 "$dir/q/certs/q.example.crt")
fi
t=$(now)
rc=0
"$python" "$here/slixmpp_federation.py" \
  --port1 "$p_c2s" --domain1 p.example --user1 alice --pass1 apass "${tls1[@]}" \
  --port2 "$q_c2s" --domain2 q.example --user2 bob --pass2 bpass "${tls2[@]}" \
  --unknown nowhere.example || rc=$?
echo "slixmpp_federation.py took $(since "$t") s"

fail=0
check() { # WHAT COMMAND...: "ok: WHAT" if the command succeeds, else "FAIL: WHAT"
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# -- how the streams were authenticated (debug logs) --------------------------
if $ca; then how='SASL EXTERNAL with %s succeeded' name='SASL EXTERNAL'
else how='Initiating dialback' name=dialback; fi
for pair in p:q q:p; do
  from=${pair%:*} to=${pair#*:}
  # mod_dialback / mod_saslauth log these on the outgoing stream's side.
  check "$from.example -> $to.example authenticated by $name" \
    grep -q -e "$(printf "$how" "$to.example")" "$dir/$from/debug.log"
  check "$from.example: connection $from.example->$to.example is now authenticated for $to.example" \
    grep -q "connection $from.example->$to.example is now authenticated for $to.example" "$dir/$from/debug.log"
done

# -- a bare dialback initiator claiming q.example towards p.example --------------
probe() { python3 "$here/s2s_probe.py" --port "$p_s2s" --from q.example --to p.example "$@" >>"$dir/probe.out" 2>&1; }
if $ca; then
  # s2s_secure_auth = true: no dialback without a valid certificate, and
  # the probe has none. Prosody closes the stream right after STARTTLS.
  check "a stream from q.example without a client certificate is refused (not-authorized)" \
    probe --secret "$q_secret" --expect error
  grep -q 'not-authorized' "$dir/probe.out" || { echo "FAIL: no not-authorized in $dir/probe.out"; fail=1; }
else
  check "a forged dialback key for q.example is refused by p.example (s2s_probe.py: invalid)" probe
  check "q.example's real key (XEP-0185 from its secret) is accepted by p.example (valid)" \
    probe --secret "$q_secret" --expect valid
fi
if $s2s_plain; then
  check "the real key on a plaintext stream is accepted (--s2s-plain)" \
    probe --plain --secret "$q_secret" --expect valid
else
  check "the real key on a plaintext stream is refused: policy-violation" \
    probe --plain --secret "$q_secret" --expect error
  tail -n 1 "$dir/probe.out" | grep -q 'policy-violation' || { echo "FAIL: no policy-violation in $dir/probe.out"; fail=1; }
fi

# -- what Prosody said about s2s ----------------------------------------------------------
for side in p q; do
  echo "--- $side.example: s2s lines of $dir/$side/prosody.log"
  grep -E 's2s|dialback|certificate|Stream encrypted' "$dir/$side/prosody.log" | sed 's/^/    /' || true
done
echo "total $(since "$start") s"
[ $rc -eq 0 ] && [ $fail -eq 0 ] || exit 1
