#!/usr/bin/env bash
# Installs SecureMail's artifacts into your local Maven repository (~/.m2/repository), so that a project of yours
# can depend on them before a release is on Maven Central (README.md, "Getting started"): securemail-bom,
# securemail-policy, securemail-core, securemail-transport, securemail-relay, securemail-spring-boot-starter and
# securemail-testkit,
# each with its sources and Javadoc jars, and builds the
# command-line tool, cli/target/securemail.jar. Tests are not run here (./test.sh runs them).
#
# On a fresh Debian machine, run as root, it installs Maven and a JDK first if they are missing. Extra arguments go to
# Maven (tools/release-check.sh passes a throwaway -Dmaven.repo.local).
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v mvn >/dev/null 2>&1 || need+=(maven)
if ! command -v javac >/dev/null 2>&1 && [ ! -x "${JAVA_HOME:-/nonexistent}/bin/javac" ]; then
  need+=(default-jdk-headless)   # the maven package alone brings a Java runtime, not a compiler
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: installing ${need[*]} from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  else
    echo "install.sh: missing ${need[*]}; install the Debian packages ${need[*]} (or a JDK 17 or newer and Apache"\
         "Maven 3.8 or newer)" >&2
    exit 3
  fi
fi
mvn -B -ntp -Dmaven.test.skip=true -Prelease "$@" clean install
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
echo "install.sh: installed org.securemail:securemail-bom:$version (policy, core, transport, relay,"\
     "spring-boot-starter,"\
     "testkit) into the local Maven"\
     "repository; the CLI is cli/target/securemail.jar"
