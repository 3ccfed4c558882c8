# Sourced (not run) by scripts/session-tests.sh and bench/app.sh, inside a private X display and
# session bus: starts the desktop services the app and the session tests talk to.
#   start_desktop_services SCRATCH DUNST_LOG
# - fresh XDG_DATA_HOME / XDG_RUNTIME_DIR / XDG_CONFIG_HOME under SCRATCH (exported),
# - a throw-away gnome-keyring (Secret Service), its keyring in SCRATCH, unlocked with a fixed
#   password,
# - dunst, a notification daemon with its built-in defaults, every notification logged to
#   DUNST_LOG (-print: appname, summary, body).
# Appends their pids to the caller's PIDS array; the caller's EXIT trap stops them.

_has_bus_name() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q true
}

_wait_bus_name() { # NAME LOG: up to 10 s for a daemon to take its bus name
  local _
  for _ in $(seq 100); do _has_bus_name "$1" && return 0; sleep 0.1; done
  echo "nobody took $1 on the session bus:" >&2
  cat "$2" >&2
  return 1
}

start_desktop_services() {
  local scratch=$1 dunst_log=$2
  if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${DISPLAY:-}" ]; then
    echo "start_desktop_services: needs an X display and a private session bus" >&2
    return 2
  fi
  export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" XDG_CONFIG_HOME="$scratch/config"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
  chmod 700 "$XDG_RUNTIME_DIR" # gnome-keyring puts its control socket there
  # No accessibility bus for WebKit (it would be D-Bus activated inside this session anyway, P9).
  export NO_AT_BRIDGE=1

  # --unlock reads the password on stdin, then creates and unlocks
  # $XDG_DATA_HOME/keyrings/login.keyring. --foreground keeps it our child, so $! is exactly
  # the process to stop (no pgrep: procps is not in a bare Debian image). The daemon takes the
  # bus name a moment after it starts: wait for it, or the first client would D-Bus-activate a
  # second, locked daemon.
  printf %s ci-keyring-password |
    gnome-keyring-daemon --foreground --unlock --components=secrets \
      >"$scratch/gkd.env" 2>"$scratch/gkd.log" &
  PIDS+=($!)
  _wait_bus_name org.freedesktop.secrets "$scratch/gkd.log" || return 1
  # Export what it prints, if anything (GNOME_KEYRING_CONTROL=…; recent versions print nothing
  # when the control dir is the default $XDG_RUNTIME_DIR/keyring).
  eval "$(sed -n 's/^\(GNOME_KEYRING_[A-Z_]*=\)/export \1/p' "$scratch/gkd.env")"

  dunst -print >"$dunst_log" 2>"$scratch/dunst.err" &
  PIDS+=($!)
  _wait_bus_name org.freedesktop.Notifications "$scratch/dunst.err" || return 1
}
