#!/usr/bin/env bash
# Installs the XMPP software netlab's interop tests run against, once:
#   - prosody, profanity, tmux, openssl (apt, root only);
#   - lua-unbound (apt): Prosody's resolver (libunbound) for s2s. Without it
#     Prosody falls back to its own resolver, which reads /etc/resolv.conf
#     and ignores `unbound = { forward = ... }`, so the federation tests
#     could not point it at tests/interop/srv_dns.py. `--no-install-recommends
#     prosody` leaves it out;
#   - slixmpp and irc (pip), at the versions the scripts in tests/interop were
#     proved with (irc: the IRC client of the gateway test).
# Idempotent: what is already there is left alone. Prints what it did.
#
#   scripts/interop-deps.sh
#
# Debian's prosody package enables a system service. The tests never use
# it: tests/interop/prosody.sh runs a throwaway Prosody of their own. If
# installing the package started that service (on machines without a
# policy-rc.d that forbids it), it is stopped again, by its own pidfile,
# and nothing else is touched.
set -euo pipefail

SLIXMPP_VERSION=1.17.0
IRC_VERSION=20.5.0
SYSTEM_PIDFILE=/run/prosody/prosody.pid

say() { printf '== interop-deps: %s\n' "$*"; }

# --- Debian packages ---------------------------------------------------------
need=()
command -v prosody >/dev/null 2>&1 || need+=(prosody)
command -v profanity >/dev/null 2>&1 || need+=(profanity)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# dpkg-query -W alone also succeeds for a removed package dpkg still knows.
[ "$(dpkg-query -W -f='${Status}' lua-unbound 2>/dev/null)" = "install ok installed" ] || need+=(lua-unbound)
if ((${#need[@]} == 0)); then
  say "apt: prosody, profanity, tmux, openssl, lua-unbound already installed"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  installing_prosody=false
  [[ " ${need[*]} " == *" prosody "* ]] && installing_prosody=true
  # A service that was already running is someone else's: remember it.
  was_running=false
  if [ -s "$SYSTEM_PIDFILE" ] && kill -0 "$(cat "$SYSTEM_PIDFILE")" 2>/dev/null; then
    was_running=true
  fi
  say "apt: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if $installing_prosody && ! $was_running && [ -s "$SYSTEM_PIDFILE" ]; then
    pid=$(cat "$SYSTEM_PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      say "apt started the system prosody service (pid $pid): stopping it"
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  else
    say "apt: the system prosody service is not running"
  fi
else
  say "not installing ${need[*]}: needs root and apt-get; the interop tests skip"
fi

# --- slixmpp, irc (pip) ------------------------------------------------------
# pip_pin NAME VERSION: installs NAME==VERSION unless exactly that is there.
pip_pin() {
  local name=$1 version=$2 have
  have=$(python3 -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
  if [ "$have" = "$version" ]; then
    say "pip: $name $have already installed"
    return
  fi
  say "pip: installing $name==$version (found: ${have:-none})"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$name==$version" 2>/tmp/interop-deps-pip.$$ || {
    # Debian's own python3 refuses pip installs (PEP 668) unless told.
    if grep -q externally-managed /tmp/interop-deps-pip.$$; then
      python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --break-system-packages "$name==$version"
    else
      cat /tmp/interop-deps-pip.$$ >&2
      rm -f /tmp/interop-deps-pip.$$
      exit 1
    fi
  }
  rm -f /tmp/interop-deps-pip.$$
}
pip_pin slixmpp "$SLIXMPP_VERSION"
pip_pin irc "$IRC_VERSION"

say "versions: prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null || echo none)," \
  "profanity $(dpkg-query -W -f='${Version}' profanity 2>/dev/null || echo none)," \
  "lua-unbound $(dpkg-query -W -f='${Version}' lua-unbound 2>/dev/null || echo none)," \
  "tmux $(tmux -V 2>/dev/null | cut -d' ' -f2 || echo none)," \
  "slixmpp $(python3 -c 'import importlib.metadata as m; print(m.version("slixmpp"))' 2>/dev/null || echo none)," \
  "irc $(python3 -c 'import importlib.metadata as m; print(m.version("irc"))' 2>/dev/null || echo none)"
