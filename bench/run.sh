#!/usr/bin/env bash
# SecureMail's benchmark (docs/PERFORMANCE.md): builds the harness with the reactor (never `mvn install`), then runs
# it on the JDK found through JAVA_HOME or PATH. All arguments go to the harness; `bench/run.sh --help` lists them.
#
#   bench/run.sh                  full run, P0-P4 and PL (5 to 6 minutes on 2 cores); P5 is skipped
#   bench/run.sh --quick          every workload briefly (about a minute): a smoke run, figures indicative only
#   bench/run.sh --interop /tmp/sm/interop.properties
#                                 also P5, against the Dovecot of a running interop environment
#                                 (sudo interop/env/install.sh && sudo interop/env/start.sh /tmp/sm; it stops any
#                                 other interop environment on the machine)
#
# The Markdown report goes to bench/target/bench-report.md unless --out says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [[ ${SKIP_BUILD:-} != 1 ]]; then
  echo "bench/run.sh: building the harness (mvn -q -DskipTests package -pl bench -am)" >&2
  mvn -B -q -ntp -DskipTests package -pl bench -am
fi
cp_file="$root/bench/target/bench-classpath.txt"
[[ -f "$cp_file" ]] || { echo "bench/run.sh: $cp_file is missing; run without SKIP_BUILD=1" >&2; exit 2; }

java=java
[[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"

out=()
[[ " $* " == *" --out "* ]] || out=(--out "$root/bench/target/bench-report.md")

# A fixed heap so that heap resizing does not land in some rounds; SecureMail's per-connection INFO lines off.
exec "$java" -Xms512m -Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$root/bench/target/classes:$(cat "$cp_file")" org.securemail.bench.Bench "${out[@]}" "$@"
