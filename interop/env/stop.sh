#!/usr/bin/env bash
# stop.sh WORKDIR: stops the Postfix and Dovecot instances that start.sh started for WORKDIR
# (graceful stop, then SIGKILL for anything left in the server tree). Tolerant of everything
# being down already, of a missing WORKDIR and of a crashed run.
#
# Exit codes: 0 nothing of WORKDIR is left running; 1 a process survived; 2 bad usage;
# 3 not root.
set -euo pipefail

INTEROP_SCRIPT=interop/stop
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

WORKDIR=${1:-}
require_workdir "$WORKDIR"
WORKDIR=${WORKDIR%/}
[[ $(id -u) -eq 0 ]] || die 3 "must run as root (the Postfix instance belongs to root)"

SRV=$(server_tree "$WORKDIR")
if [[ -z "$SRV" ]]; then
  log "nothing to stop: $WORKDIR has no server tree"
  exit 0
fi
if ! stop_tree "$SRV"; then
  die 1 "processes still running in $SRV"
fi
registry_remove "$SRV"
log "stopped: $SRV"
