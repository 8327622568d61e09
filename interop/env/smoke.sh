#!/usr/bin/env bash
# smoke.sh WORKDIR: checks a running environment from start.sh end to end with Debian tools only
# (python3 stdlib smtplib/imaplib/poplib and openssl s_client): sends mail through every good
# SMTP listener, reads it back over IMAPS, IMAP+STARTTLS, POP3S and POP3+STLS, prints what each
# TLS port negotiates and shows that every weak listener has exactly its one weakness.
# Exit 0 when every check passed, 1 otherwise, 2 on bad usage.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORKDIR=${1:-}
if [[ -z "$WORKDIR" || ! -f "$WORKDIR/interop.properties" ]]; then
  echo "usage: $0 WORKDIR (of a running environment: WORKDIR/interop.properties must exist)" >&2
  exit 2
fi
exec python3 "$HERE/smoke.py" "$WORKDIR"
