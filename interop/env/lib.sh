# shellcheck shell=bash
# SecureMail interop: helpers shared by start.sh and stop.sh. Sourced, never run.

# The registry remembers every server tree a run started, so that the next start.sh can stop
# whatever a crashed or killed run left behind. It lives in /tmp (gone after a reboot, as are
# the processes it describes).
INTEROP_REGISTRY_DIR=/tmp/securemail-interop
INTEROP_REGISTRY="$INTEROP_REGISTRY_DIR/server-trees"
# shellcheck disable=SC2034 # used by start.sh and stop.sh
INTEROP_MARKER=".securemail-interop"
# Unprivileged user that every Dovecot process runs as and that owns the Maildir (Debian's
# dovecot-core creates it).
# shellcheck disable=SC2034
INTEROP_RUN_USER=dovecot
DOVECOT_INSTANCES=(main nostarttls tls11 nonfs)
# Servers Debian cannot install beside Postfix and Dovecot: install.sh unpacks them here (never
# under /usr, /etc or /var: sandbox.sh lays this tree over those directories).
INTEROP_PKGROOT=/opt/securemail-interop/pkgroot
# shellcheck disable=SC2034
INTEROP_UNPACKED_PACKAGES=(exim4-daemon-light opensmtpd cyrus-common cyrus-imapd cyrus-pop3d courier-base
  courier-authlib courier-authdaemon courier-authlib-userdb courier-imap courier-pop)

log() { printf '%s: %s\n' "${INTEROP_SCRIPT:-interop}" "$*" >&2; }
die() {
  local code=$1; shift
  log "ERROR: $*"
  exit "$code"
}

# require_workdir DIR: an absolute path without characters that server configs cannot carry.
require_workdir() {
  local dir=${1:-}
  [[ -n "$dir" ]] || die 2 "usage: $0 WORKDIR (an absolute path)"
  [[ "$dir" == /* ]] || die 2 "WORKDIR must be an absolute path: $dir"
  [[ "$dir" =~ ^/[A-Za-z0-9._/+-]+$ ]] \
    || die 2 "WORKDIR may only contain letters, digits and . _ / + - (Postfix and Dovecot configs cannot quote others): $dir"
  [[ "$dir" != "/" ]] || die 2 "WORKDIR must not be /"
}

# server_tree WORKDIR: prints where the servers of WORKDIR live (WORKDIR/srv or its target).
server_tree() {
  local link="$1/srv"
  if [[ -L "$link" ]]; then
    readlink "$link"
  elif [[ -d "$link" ]]; then
    printf '%s\n' "$link"
  fi
}

registry_add() {
  mkdir -p "$INTEROP_REGISTRY_DIR"
  chmod 0755 "$INTEROP_REGISTRY_DIR"
  touch "$INTEROP_REGISTRY"
  grep -qxF -- "$1" "$INTEROP_REGISTRY" || printf '%s\n' "$1" >> "$INTEROP_REGISTRY"
}

registry_remove() {
  [[ -f "$INTEROP_REGISTRY" ]] || return 0
  local tmp="$INTEROP_REGISTRY.$$"
  grep -vxF -- "$1" "$INTEROP_REGISTRY" > "$tmp" || true
  mv -f "$tmp" "$INTEROP_REGISTRY"
}

registry_list() {
  [[ -f "$INTEROP_REGISTRY" ]] && cat "$INTEROP_REGISTRY"
  return 0
}

# pids_in_tree SRV: every process whose root directory is inside SRV (everything sandbox.sh
# started, whatever its binary), every Postfix/Dovecot process whose working directory is inside
# SRV, and every process of the Postfix instance configured in SRV (MAIL_CONFIG in its
# environment). Catches the children of a server whose master was killed with SIGKILL.
# pids_in_tree SRV sandboxed: only the processes chrooted into SRV.
pids_in_tree() {
  [[ -n "${1:-}" ]] || return 0
  python3 - "$1" "${2:-all}" <<'PY'
import os, sys
srv = sys.argv[1].rstrip("/")
only_sandboxed = sys.argv[2] == "sandboxed"
ours = ("/usr/sbin/dovecot", "/usr/lib/dovecot/", "/usr/sbin/postfix", "/usr/lib/postfix/", "/usr/sbin/nsd")
me = {os.getpid(), os.getppid()}
def inside(path):
    return path == srv or path.startswith(srv + "/")
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) in me:
        continue
    try:
        # Chrooted into a sandbox of the tree: nothing but our servers runs there.
        if inside(os.readlink("/proc/%s/root" % pid)):
            print(pid)
            continue
        if only_sandboxed:
            continue
        # Otherwise only our servers' own binaries: never a shell or a JVM that merely sits in the tree.
        if not os.readlink("/proc/%s/exe" % pid).startswith(ours):
            continue
        if inside(os.readlink("/proc/%s/cwd" % pid)):
            print(pid)
            continue
        with open("/proc/%s/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
        if ("MAIL_CONFIG=%s/postfix/etc" % srv).encode() in env:
            print(pid)
    except OSError:
        pass
PY
}

# is_running PID: the process exists and is not a zombie waiting for its parent (or init) to
# reap it; a daemon's master is reparented to PID 1, which in a container may reap slowly.
is_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}

# wait_gone SECONDS PID...: true once none of the PIDs exists any more.
wait_gone() {
  local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 )) p alive; shift
  while :; do
    alive=0
    for p in "$@"; do is_running "$p" && alive=1 && break; done
    (( alive )) || return 0
    (( $(date +%s%N) / 1000000 < deadline )) || return 1
    sleep 0.05
  done
}

# pid_of PIDFILE EXE: the pid in PIDFILE if that process is alive and runs EXE (a pid file
# left by a killed server may name an unrelated process by now).
pid_of() {
  local pid
  [[ -f "$1" ]] || return 0
  pid=$(tr -dc 0-9 < "$1" 2>/dev/null || true)
  [[ -n "$pid" ]] || return 0
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$2" ]] && printf '%s\n' "$pid"
  return 0
}

# stop_tree SRV: stops the Postfix instance, the Dovecot instances, NSD and the sandboxed servers of one server tree, then
# anything else still running inside it. Tolerant of everything being down already.
# Returns 1 if a process survived SIGKILL.
stop_tree() {
  local srv=$1 inst pid pids=()
  [[ -n "$srv" && -d "$srv" ]] || return 0

  # SIGTERM to each master is what `postfix stop` and `dovecot stop` send too; they then stop
  # their own children. We poll instead of `postfix stop`'s one-second sleeps.
  pid=$(pid_of "$srv/postfix/queue/pid/master.pid" /usr/lib/postfix/sbin/master)
  [[ -n "$pid" ]] && pids+=("$pid")
  for inst in "${DOVECOT_INSTANCES[@]}"; do
    pid=$(pid_of "$srv/dovecot-$inst/run/master.pid" /usr/sbin/dovecot)
    [[ -n "$pid" ]] && pids+=("$pid")
  done
  # NSD (dns.sh): its main process, which stops its own children.
  pid=$(pid_of "$srv/nsd/nsd.pid" /usr/sbin/nsd)
  [[ -n "$pid" ]] && pids+=("$pid")
  # The sandboxed servers (Exim, OpenSMTPD, Cyrus, Courier) and everything they started.
  mapfile -t -O "${#pids[@]}" pids < <(pids_in_tree "$srv" sandboxed)
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    if ! wait_gone 10 "${pids[@]}"; then
      log "servers in $srv ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
  fi
  # Then whatever is left inside the tree (children of a master killed with SIGKILL).
  mapfile -t pids < <(pids_in_tree "$srv")
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    if ! wait_gone 3 "${pids[@]}"; then
      kill -KILL "${pids[@]}" 2>/dev/null || true
      wait_gone 2 "${pids[@]}" || { log "processes survive SIGKILL in $srv: ${pids[*]}"; return 1; }
    fi
  fi
  return 0
}
