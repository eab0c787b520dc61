#!/usr/bin/env bash
# A throwaway Prosody for interop tests: everything in one temp directory,
# c2s on 127.0.0.1 only, no s2s, no HTTP, never the system service.
#
#   tests/interop/prosody.sh [--plain] [--component NAME SECRET CPORT] DIR PORT [USER PASS]...
#
# Writes DIR/prosody.cfg.lua, a self-signed certificate for "localhost"
# (DIR/certs/localhost.crt: give it to clients as their CA file), registers
# the accounts USER@localhost, then replaces itself with Prosody in the
# foreground (exec), so the PID of this script is Prosody's: stop it with
# SIGTERM. Prosody logs to DIR/prosody.log. The port accepts connections
# once Prosody is ready, so wait for it before starting a client.
#
# --plain: do not require TLS on c2s (STARTTLS is still offered), for
# clients run without TLS.
#
# --component NAME SECRET CPORT: also accept the external component NAME
# (XEP-0114, e.g. netlab's gateway) with that shared secret on
# 127.0.0.1:CPORT.
set -euo pipefail

require_tls=true
component=
while [ $# -gt 0 ]; do
  case $1 in
    --plain) require_tls=false; shift ;;
    --component)
      [ $# -ge 4 ] || { echo "$0: --component needs NAME SECRET CPORT" >&2; exit 2; }
      component=$2 component_secret=$3 component_port=$4
      shift 4 ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ] || [ $(($# % 2)) -ne 0 ]; then
  echo "usage: $0 [--plain] [--component NAME SECRET CPORT] DIR PORT [USER PASS]..." >&2
  exit 2
fi
dir=$1 port=$2
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/certs" "$dir/data"

# Prosody picks certificates up by file name from this directory:
# certs/localhost.crt and certs/localhost.key serve VirtualHost "localhost".
# The subjectAltName is what a client checks against the JID's domain.
if [ ! -s "$dir/certs/localhost.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost \
    -keyout "$dir/certs/localhost.key" -out "$dir/certs/localhost.crt" 2>/dev/null
fi

# Prosody refuses to run as root unless told it may (mod_posix); CI is root.
run_as_root=false
[ "$(id -u)" = 0 ] && run_as_root=true

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
log = { info = "$dir/prosody.log" }

-- c2s on one loopback port; no direct-TLS port, no s2s, no HTTP.
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "posix" }
modules_disabled = { "s2s", "s2s_auth_certs", "offline" }

-- Salted SCRAM-SHA-1 hashes on disk; Prosody 0.12 then offers
-- SCRAM-SHA-1 and PLAIN (no SCRAM-SHA-256).
authentication = "internal_hashed"
c2s_require_encryption = $require_tls
allow_unencrypted_plain_auth = $([ $require_tls = true ] && echo false || echo true)

$component_globals
VirtualHost "localhost"
EOF

if [ -n "$component" ]; then
  cat >>"$dir/prosody.cfg.lua" <<EOF

Component "$component"
  component_secret = "$component_secret"
EOF
fi

while [ $# -gt 0 ]; do
  prosodyctl --config "$dir/prosody.cfg.lua" register "$1" localhost "$2"
  shift 2
done

# -F: foreground, so the caller owns the process and its PID.
exec prosody --config "$dir/prosody.cfg.lua" -F
