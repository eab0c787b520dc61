#!/usr/bin/env bash
# A throwaway Prosody for interop tests: everything in one temp directory,
# c2s on 127.0.0.1 only, no HTTP, never the system service; s2s only when
# asked for.
#
#   tests/interop/prosody.sh [OPTIONS] DIR PORT [USER PASS]...
#
# Writes DIR/prosody.cfg.lua, a certificate for the domain (by default a
# self-signed one for "localhost", DIR/certs/localhost.crt: give it to
# clients as their CA file), registers the accounts USER@DOMAIN, then
# replaces itself with Prosody in the foreground (exec), so the PID of this
# script is Prosody's: stop it with SIGTERM. Prosody logs to
# DIR/prosody.log. The port accepts connections once Prosody is ready, so
# wait for it before starting a client.
#
# Options (before DIR):
#   --plain        do not require TLS on c2s (STARTTLS is still offered),
#                  for clients run without TLS.
#   --component NAME SECRET CPORT
#                  also accept the external component NAME (XEP-0114, e.g.
#                  netlab's gateway) with that shared secret on
#                  127.0.0.1:CPORT.
#   --domain D     serve VirtualHost D instead of "localhost": certificate
#                  DIR/certs/D.crt (SAN DNS:D), accounts USER@D.
#   --s2s PORT     server-to-server on 127.0.0.1:PORT (s2s_ports; no
#                  direct-TLS s2s port), with XEP-0220 dialback
#                  (mod_dialback) and certificate auth (mod_s2s_auth_certs).
#                  Without it, s2s is disabled as before.
#   --dns PORT     resolve remote domains only through the DNS server on
#                  127.0.0.1:PORT (tests/interop/srv_dns.py):
#                  unbound = { resolvconf = false; forward = "127.0.0.1@PORT" }.
#                  Needs the lua-unbound package (scripts/interop-deps.sh);
#                  without it Prosody silently uses /etc/resolv.conf, so
#                  this script refuses to start.
#   --s2s-plain    s2s_require_encryption = false: accept and open s2s
#                  streams without TLS (Prosody's default requires STARTTLS
#                  both ways, so a plaintext-only peer cannot federate).
#                  Prosody still uses STARTTLS when the peer offers it.
#   --s2s-insecure s2s_secure_auth = false (the default, written out):
#                  remote certificates are not required to verify, so
#                  dialback is accepted over TLS with self-signed ones.
#   --ca CADIR     certificates from a test CA instead of self-signed ones:
#                  tests/interop/ca.sh CADIR D creates CADIR/ca.crt once
#                  and CADIR/D.crt/.key, copied to DIR/certs. Prosody trusts
#                  only CADIR/ca.crt (ssl = { cafile = ... }) and sets
#                  s2s_secure_auth = true: a peer must present a certificate
#                  from that CA for its domain; Prosody then offers and uses
#                  SASL EXTERNAL on s2s instead of dialback. Clients use
#                  --cafile CADIR/ca.crt.
#   --dialback-secret S
#                  dialback_secret = "S" instead of a random one per start:
#                  Prosody's dialback keys are XEP-0185 keys,
#                  hex(HMAC-SHA256(hex(SHA256(S)), "TO FROM STREAM-ID")), so
#                  with S = s3cr3tf0rd14lb4ck they can be checked against
#                  the XEP's test vectors, and s2s_probe.py --secret S can
#                  stand in for this server.
#   --s2s-timeout N
#                  s2s_timeout = N (default 90 s): how long an s2s stream
#                  may stay unauthenticated (a dialback answer that never
#                  comes) before Prosody closes it with <connection-timeout/>
#                  and bounces what was queued with remote-server-timeout.
#                  Lets tests of a silent peer finish in seconds.
#   --debug        also log everything at debug level (each s2s stanza,
#                  the dialback steps) to DIR/debug.log.
#
# Two federating Prosodys on one machine, with srv_dns.py pointing
# _xmpp-server._tcp.p.example and _xmpp-server._tcp.q.example at their s2s
# ports (target localhost.): see tests/interop/federation.sh.
set -euo pipefail

usage() {
  echo "usage: $0 [--plain] [--component NAME SECRET CPORT] [--domain D] [--s2s PORT] [--dns PORT] [--s2s-plain]" \
    "[--s2s-insecure | --ca CADIR] [--dialback-secret S] [--s2s-timeout N] [--debug] DIR PORT [USER PASS]..." >&2
  exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
require_tls=true domain=localhost s2s_port= dns_port= s2s_require_encryption=true
secure_auth=false cadir= debug=false dialback_secret= s2s_timeout= component=
while [ $# -gt 0 ]; do
  case $1 in
    --plain) require_tls=false; shift ;;
    --component)
      [ $# -ge 4 ] || { echo "$0: --component needs NAME SECRET CPORT" >&2; exit 2; }
      component=$2 component_secret=$3 component_port=$4
      shift 4 ;;
    --domain) [ $# -ge 2 ] || usage; domain=$2; shift 2 ;;
    --s2s) [ $# -ge 2 ] || usage; s2s_port=$2; shift 2 ;;
    --dns) [ $# -ge 2 ] || usage; dns_port=$2; shift 2 ;;
    --s2s-plain) s2s_require_encryption=false; shift ;;
    --s2s-insecure) [ -z "$cadir" ] || usage; secure_auth=false; shift ;;
    --ca) [ $# -ge 2 ] || usage; cadir=$2; secure_auth=true; shift 2 ;;
    --dialback-secret) [ $# -ge 2 ] || usage; dialback_secret=$2; shift 2 ;;
    --s2s-timeout) [ $# -ge 2 ] || usage; s2s_timeout=$2; shift 2 ;;
    --debug) debug=true; shift ;;
    --) shift; break ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ] || [ $(($# % 2)) -ne 0 ]; then
  usage
fi
for n in "$2" ${s2s_port:+"$s2s_port"} ${component_port:+"$component_port"} ${dns_port:+"$dns_port"} ${s2s_timeout:+"$s2s_timeout"}; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "$0: not a number: $n" >&2; exit 2; }
done
if [ -n "$dns_port" ] &&
  [ "$(dpkg-query -W -f='${Status}' lua-unbound 2>/dev/null)" != "install ok installed" ]; then
  echo "$0: --dns needs the lua-unbound package (scripts/interop-deps.sh):" \
    "without it Prosody ignores unbound.forward" >&2
  exit 1
fi
dir=$1 port=$2
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/certs" "$dir/data"

# Prosody picks certificates up by file name from this directory:
# certs/D.crt and certs/D.key serve VirtualHost "D" (c2s and s2s, inbound
# as server certificate and outbound as client certificate). The
# subjectAltName is what a peer checks against the domain.
ssl_line=
if [ -n "$cadir" ]; then
  bash "$here/ca.sh" "$cadir" "$domain"
  cadir=$(cd "$cadir" && pwd)
  cp "$cadir/$domain.crt" "$cadir/$domain.key" "$dir/certs/"
  ssl_line="ssl = { cafile = \"$cadir/ca.crt\" }"
elif [ ! -s "$dir/certs/$domain.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$domain" \
    -addext "subjectAltName=DNS:$domain" \
    -keyout "$dir/certs/$domain.key" -out "$dir/certs/$domain.crt" 2>/dev/null
fi

# Prosody refuses to run as root unless told it may (mod_posix); CI is root.
run_as_root=false
[ "$(id -u)" = 0 ] && run_as_root=true

log="{ info = \"$dir/prosody.log\" }"
$debug && log="{ { levels = { min = \"info\" }, to = \"file\", filename = \"$dir/prosody.log\" }; { levels = { min = \"debug\" }, to = \"file\", filename = \"$dir/debug.log\" } }"

if [ -n "$s2s_port" ]; then
  s2s_config=$(cat <<EOF
-- s2s on one loopback port, no direct-TLS s2s port. Dialback (XEP-0220)
-- when certificates do not authenticate the peer; mod_s2s_auth_certs
-- (autoloaded) checks them, and SASL EXTERNAL follows when they do.
s2s_ports = { $s2s_port }
s2s_direct_tls_ports = { }
s2s_require_encryption = $s2s_require_encryption
s2s_secure_auth = $secure_auth
modules_disabled = { "offline" }
EOF
)
  [ -n "$s2s_timeout" ] && s2s_config+=$'\n'"s2s_timeout = $s2s_timeout"
  if [ -n "$dialback_secret" ]; then
    [[ $dialback_secret =~ ^[A-Za-z0-9._-]+$ ]] || { echo "$0: --dialback-secret: letters, digits, . _ - only" >&2; exit 2; }
    s2s_config+=$'\n'"dialback_secret = \"$dialback_secret\""
  fi
  modules='"roster", "saslauth", "tls", "disco", "ping", "posix", "dialback"'
else
  s2s_config='modules_disabled = { "s2s", "s2s_auth_certs", "offline" }'
  modules='"roster", "saslauth", "tls", "disco", "ping", "posix", "smacks"'
fi
dns_config=
if [ -n "$dns_port" ]; then
  # resolvconf = false: otherwise libunbound also asks the system's
  # resolvers and answers flip between them and ours.
  dns_config="unbound = { resolvconf = false; forward = \"127.0.0.1@$dns_port\" }"
fi

# An external component (XEP-0114): the component port is a global option
# (it must come before the first VirtualHost, which starts host options),
# the component a host of its own with its secret (appended below).
component_globals=
if [ -n "$component" ]; then
  component_globals="
-- External components (XEP-0114) on one loopback port.
component_ports = { $component_port }
component_interfaces = { \"127.0.0.1\" }
"
fi

cat >"$dir/prosody.cfg.lua" <<EOF
-- Throwaway Prosody for netlab's interop tests (written by $0).
run_as_root = $run_as_root
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
certificates = "$dir/certs"
log = $log
$ssl_line

-- c2s on one loopback port; no direct-TLS port, no HTTP.
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { }
modules_enabled = { $modules }
$s2s_config
$dns_config

-- Salted SCRAM-SHA-1 hashes on disk; Prosody 0.12 then offers
-- SCRAM-SHA-1 and PLAIN (no SCRAM-SHA-256).
authentication = "internal_hashed"
c2s_require_encryption = $require_tls
allow_unencrypted_plain_auth = $([ $require_tls = true ] && echo false || echo true)

$component_globals
VirtualHost "$domain"
EOF

if [ -n "$component" ]; then
  cat >>"$dir/prosody.cfg.lua" <<EOF

Component "$component"
  component_secret = "$component_secret"
EOF
fi

while [ $# -gt 0 ]; do
  prosodyctl --config "$dir/prosody.cfg.lua" register "$1" "$domain" "$2"
  shift 2
done

# -F: foreground, so the caller owns the process and its PID.
exec prosody --config "$dir/prosody.cfg.lua" -F
