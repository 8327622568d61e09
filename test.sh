#!/usr/bin/env bash
# SecureMail's test command (README.md): the whole suite, unit and interop.
#
#  1. installs what the tests need from Debian packages, non-interactively (maven, openssl; postfix, dovecot for
#     the interop tests, and Exim, OpenSMTPD, Cyrus and Courier unpacked beside them: interop/env/install.sh);
#  2. starts private Postfix, Dovecot, Exim, OpenSMTPD, Cyrus and Courier servers on loopback with certificates made
#     for this run, and NSD serving DNS zones signed for this run (the relay's DANE tests) (interop/env/start.sh; it
#     first stops anything an earlier run left behind, and picks free ports);
#  3. runs `mvn clean verify` with the interop module (profile "interop") and the release profile (sources and
#     Javadoc jars);
#  4. writes the interop matrix of docs/testing-your-mail-setup.md from what the tests recorded (interop/matrix.py);
#  5. checks that the build is release-ready (tools/release-check.sh: published set and BOM, Javadoc without internal
#     packages, a second build through ./install.sh byte for byte identical, getting-started/ built against it);
#  6. stops the servers, whatever happened.
#
# Where the interop servers cannot be installed (no root, no apt-get), it says so, names the packages, still runs
# the rest of the suite, and exits 3: interop tests are never reported as passed when they did not run.
# Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need[*]} from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  else
    echo "test.sh: missing ${need[*]}; install the Debian packages: ${need[*]}" >&2
    exit 3
  fi
fi

echo "test.sh: Java: $(java -version 2>&1 | head -n 1) (JAVA_HOME=${JAVA_HOME:-unset})"

# After a whole `mvn clean verify -Prelease`, the release check compares target/'s jars with a second build; with
# extra Maven arguments (-pl, say) target/ may hold jars of an older build, and the check makes its own first build.
check_args=()
if [ $# -eq 0 ]; then
  check_args=(--after-clean-build)
fi

interop=yes
set +e
"$root/interop/env/install.sh"
install_status=$?
set -e
if [ $install_status -eq 3 ]; then
  interop=no
elif [ $install_status -ne 0 ]; then
  echo "test.sh: interop/env/install.sh failed ($install_status)" >&2
  exit $install_status
fi

if [ "$interop" = no ]; then
  mvn -B -ntp clean verify -Prelease "$@"
  "$root/tools/release-check.sh" "${check_args[@]}"
  echo "test.sh: THE INTEROP TESTS DID NOT RUN: the mail servers could not be installed here (needs root and"\
       "apt-get; packages: postfix dovecot-core dovecot-imapd dovecot-pop3d openssl python3 perl nsd ldnsutils, and"\
       "exim4-daemon-light opensmtpd cyrus-imapd cyrus-pop3d courier-imap courier-pop unpacked). The rest passed." >&2
  exit 3
fi

# SECUREMAIL_INTEROP_WORKDIR: where the servers live for this run (only one environment runs per machine).
workdir=${SECUREMAIL_INTEROP_WORKDIR:-/tmp/securemail-interop-run}
stop_servers() { "$root/interop/env/stop.sh" "$workdir" >/dev/null 2>&1 || true; }
trap stop_servers EXIT
"$root/interop/env/start.sh" "$workdir"
set +e
mvn -B -ntp clean verify -Pinterop,release -Dinterop.properties="$workdir/interop.properties" "$@"
mvn_status=$?
set -e
# The interop matrix in docs/testing-your-mail-setup.md, from what this run's tests recorded (passed or not).
matrix_status=0
if [ -f "$root/interop/target/interop-results/results.tsv" ]; then
  python3 "$root/interop/matrix.py" "$root/interop/target/interop-results/results.tsv" "$workdir/interop.properties" \
    "$root/docs/testing-your-mail-setup.md" || matrix_status=$?
else
  echo "test.sh: no interop results were recorded; docs/testing-your-mail-setup.md keeps its matrix" >&2
  matrix_status=1
fi
[ $mvn_status -eq 0 ] || exit $mvn_status
"$root/tools/release-check.sh" "${check_args[@]}"
exit $matrix_status
