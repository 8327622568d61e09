#!/usr/bin/env bash
# SecureMail's test command (README.md): builds everything and runs every test.
# On a fresh Debian machine it first installs the Debian packages the tests need.
set -euo pipefail
cd "$(dirname "$0")"

need_packages=()
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
command -v mvn >/dev/null 2>&1 || need_packages+=(maven)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need_packages[*]} from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_packages[@]}"
  else
    echo "test.sh: missing ${need_packages[*]}; install the Debian packages: ${need_packages[*]}" >&2
    exit 3
  fi
fi

echo "test.sh: Java: $(java -version 2>&1 | head -n 1) (JAVA_HOME=${JAVA_HOME:-unset})"
mvn -B -ntp clean verify "$@"
