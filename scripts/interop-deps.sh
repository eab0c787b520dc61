#!/usr/bin/env bash
# Installs the XMPP software netlab's interop tests run against, once:
#   - prosody, profanity, tmux, openssl (apt, root only);
#   - lua-unbound (apt): Prosody's resolver (libunbound) for s2s. Without it
#     Prosody falls back to its own resolver, which reads /etc/resolv.conf
#     and ignores `unbound = { forward = ... }`, so the federation tests
#     could not point it at tests/interop/srv_dns.py. `--no-install-recommends
#     prosody` leaves it out;
#   - slixmpp and irc (pip), at the versions the scripts in tests/interop were
#     proved with (irc: the IRC client of the gateway test), into the
#     project's own virtual environment, target/interop-venv.
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

# --- slixmpp, irc (pip, in the project's virtual environment) ---------------
# Into target/interop-venv (or $CARGO_TARGET_DIR/interop-venv), never into
# the system's Python: the tests find it there (tests/common/peers.rs).
venv="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}/interop-venv"
py="$venv/bin/python3"
if [ ! -x "$py" ]; then
  say "python: creating the virtual environment $venv"
  if ! python3 -m venv "$venv" 2>/tmp/interop-deps-venv.$$; then
    # Debian's python3 needs its venv package for ensurepip.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "apt: installing python3-venv"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      rm -rf "$venv"
      python3 -m venv "$venv"
    else
      cat /tmp/interop-deps-venv.$$ >&2
      rm -f /tmp/interop-deps-venv.$$
      exit 1
    fi
  fi
  rm -f /tmp/interop-deps-venv.$$
fi
# pip_pin NAME VERSION: installs NAME==VERSION unless exactly that is there.
pip_pin() {
  local name=$1 version=$2 have
  have=$("$py" -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
  if [ "$have" = "$version" ]; then
    say "pip: $name $have already installed"
    return
  fi
  say "pip: installing $name==$version (found: ${have:-none})"
  "$py" -m pip install --quiet --disable-pip-version-check "$name==$version"
}
pip_pin slixmpp "$SLIXMPP_VERSION"
pip_pin irc "$IRC_VERSION"

say "versions: prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null || echo none)," \
  "profanity $(dpkg-query -W -f='${Version}' profanity 2>/dev/null || echo none)," \
  "lua-unbound $(dpkg-query -W -f='${Version}' lua-unbound 2>/dev/null || echo none)," \
  "tmux $(tmux -V 2>/dev/null | cut -d' ' -f2 || echo none)," \
  "slixmpp $("$py" -c 'import importlib.metadata as m; print(m.version("slixmpp"))' 2>/dev/null || echo none)," \
  "irc $("$py" -c 'import importlib.metadata as m; print(m.version("irc"))' 2>/dev/null || echo none)"
