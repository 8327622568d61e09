#!/usr/bin/env bash
# SecureMail's demo (README.md): builds what it needs and sends one message through an in-JVM SMTP server with
# STARTTLS, under the default policy. Needs no outside server.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q maven
  else
    echo "demo.sh: Maven is missing; install the Debian package: maven" >&2
    exit 3
  fi
fi
exec mvn -B -q -ntp -DskipTests -Pdemo -pl examples -am verify
