#!/usr/bin/env bash
# Checks that the build is release-ready (docs/releasing.md); ./test.sh runs it after the test build.
#
#  1. The published modules are exactly those without maven.deploy.skip, and the BOM lists exactly those. A module's
#     artifact is securemail-<directory>, except testing/, published as securemail-testkit; the Javadoc of each
#     documents org.securemail.<directory>.
#  2. Each published module has its jar, a sources jar and a Javadoc jar; the Javadoc holds the public packages and
#     no internal one; each jar's manifest names the version.
#  3. Reproducible builds: the jars of a first build are set aside, README's install command (./install.sh) builds
#     everything again into a throwaway local repository, and the two sets of jars must be byte for byte the same
#     (sha256), the CLI jar included. The first build is made here (mvn clean package -Prelease), unless the option
#     --after-clean-build says that target/ holds a whole `mvn clean verify -Prelease` of this very tree (./test.sh,
#     when it is given no extra Maven arguments).
#  4. The CLI jar (securemail.jar, every dependency inside) holds no test fixture, example or benchmark class.
#  5. getting-started/, a project of a user's own, builds and passes its test against those installed artifacts.
#
# Nothing is installed into ~/.m2: the throwaway repository lives in a temporary folder and reads what the machine's
# local repository already holds through a file:// mirror (read-only), else Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."
reuse_target=no
case "${1:-}" in
  --after-clean-build) reuse_target=yes ;;
  "") ;;
  *) echo "usage: tools/release-check.sh [--after-clean-build]" >&2; exit 2 ;;
esac
root=$(pwd)

fail() { echo "release-check: FAILED: $*" >&2; exit 1; }
say() { echo "release-check: $*"; }

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
[ -n "$version" ] || fail "cannot read the version from pom.xml"

# 1. Which modules are published.
modules=$(sed -n 's:^ *<module>\(.*\)</module>$:\1:p' pom.xml | sort -u)
published=()
declare -A artifact  # module directory -> artifact name without "securemail-"
for m in $modules; do
  [ "$m" = bom ] && continue
  if ! grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$m/pom.xml"; then
    published+=("$m")
    # The module's own artifactId is the one indented by two spaces (the parent's is indented by four).
    artifact[$m]=$(sed -n 's:^  <artifactId>securemail-\(.*\)</artifactId>$:\1:p' "$m/pom.xml" | head -n 1)
    [ -n "${artifact[$m]}" ] || fail "cannot read the artifactId (securemail-...) of $m/pom.xml"
  fi
done
bom_lists=$(sed -n 's:^ *<artifactId>securemail-\(.*\)</artifactId>$:\1:p' bom/pom.xml | grep -v '^bom$' | sort)
expected=$(for m in "${published[@]}"; do echo "${artifact[$m]}"; done | sort)
[ "$bom_lists" = "$expected" ] || fail "bom/pom.xml lists [$(echo $bom_lists)] but the published modules (no" \
  "maven.deploy.skip) are [$(echo $expected)]"
grep -q "<version>$version</version>" bom/pom.xml || fail "bom/pom.xml's version is not the reactor's ($version)"
gs_version=$(sed -n 's:^ *<securemail.version>\(.*\)</securemail.version>$:\1:p' getting-started/pom.xml)
[ "$gs_version" = "$version" ] || fail "getting-started/pom.xml uses securemail.version $gs_version, the build is $version"
grep -q "implementation(platform(\"org.securemail:securemail-bom:$version\"))" README.md \
  || fail "README.md's Gradle lines do not name securemail-bom:$version"
readme_bom=$(grep -A 2 "<artifactId>securemail-bom</artifactId>" README.md || true)
grep -q "<version>$version</version>" <<< "$readme_bom" \
  || fail "README.md's Maven lines do not name securemail-bom $version"
say "published: securemail-parent, securemail-bom, $(printf 'securemail-%s ' $expected)(version $version)"

work=$(mktemp -d /tmp/securemail-release-check.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 2 and 3, first build: the test build's jars, or a build made now.
jars() {  # the jars of a published module (its directory), relative names
  local a="securemail-${artifact[$1]}-$version"
  echo "$a.jar $a-sources.jar $a-javadoc.jar"
}
missing=no
for m in "${published[@]}"; do
  for j in $(jars "$m"); do [ -f "$m/target/$j" ] || missing=yes; done
done
[ -f cli/target/securemail.jar ] || missing=yes
if [ "$reuse_target" = yes ] && [ "$missing" = no ]; then
  say "first build: the jars the test build left in target/"
else
  say "first build: mvn clean package -Prelease"
  mvn -B -ntp -q -Dmaven.test.skip=true -Prelease clean package
fi
mkdir -p "$work/first"
for m in "${published[@]}"; do
  for j in $(jars "$m"); do cp "$m/target/$j" "$work/first/"; done
done
cp cli/target/securemail.jar "$work/first/"

# Second build: README's install command, into a throwaway local repository.
repo="$work/repo"
local_repo="${SECUREMAIL_LOCAL_REPO:-$HOME/.m2/repository}"
{
  echo "<settings><localRepository>$repo</localRepository>"
  if [ -d "$local_repo" ]; then
    echo "<profiles><profile><id>machine-cache</id><repositories><repository><id>machine-cache</id>"
    echo "<url>file://$local_repo</url><releases><checksumPolicy>ignore</checksumPolicy></releases>"
    echo "<snapshots><enabled>false</enabled></snapshots></repository></repositories><pluginRepositories>"
    echo "<pluginRepository><id>machine-cache</id><url>file://$local_repo</url>"
    echo "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>"
    echo "</pluginRepository></pluginRepositories></profile></profiles>"
    echo "<activeProfiles><activeProfile>machine-cache</activeProfile></activeProfiles>"
  fi
  echo "</settings>"
} > "$work/settings.xml"
say "second build: ./install.sh into a throwaway local repository"
start=$(date +%s)
./install.sh -q -s "$work/settings.xml" -Dmaven.repo.local="$repo" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log" >&2; fail "./install.sh failed"; }
say "./install.sh took $(( $(date +%s) - start )) s"

installed="$repo/org/securemail"
[ -f "$installed/securemail-parent/$version/securemail-parent-$version.pom" ] || fail "securemail-parent was not installed"
[ -f "$installed/securemail-bom/$version/securemail-bom-$version.pom" ] || fail "securemail-bom was not installed"
differ=()
for m in "${published[@]}"; do
  a_id="securemail-${artifact[$m]}"
  for j in $(jars "$m"); do
    f="$installed/$a_id/$version/$j"
    [ -f "$f" ] || fail "$j was not installed"
    a=$(sha256sum < "$work/first/$j" | cut -d' ' -f1)
    b=$(sha256sum < "$f" | cut -d' ' -f1)
    [ "$a" = "$b" ] || differ+=("$j")
  done
  jar="$installed/$a_id/$version/$a_id-$version.jar"
  manifest=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r')
  grep -qx "Implementation-Version: $version" <<< "$manifest" \
    || fail "$a_id's manifest does not say Implementation-Version: $version"
  javadoc="$installed/$a_id/$version/$a_id-$version-javadoc.jar"
  listing=$(unzip -Z1 "$javadoc")
  leaked=$(grep -i 'internal' <<< "$listing" | head -n 3 | tr '\n' ' ' || true)
  [ -z "$leaked" ] || fail "the Javadoc jar of $a_id documents an internal package: $leaked"
  grep -qx "index.html" <<< "$listing" || fail "the Javadoc jar of $a_id has no index.html"
  grep -q "org/securemail/$m/package-summary.html$" <<< "$listing" \
    || fail "the Javadoc jar of $a_id does not document org.securemail.$m"
  sources=$(unzip -Z1 "$installed/$a_id/$version/$a_id-$version-sources.jar")
  grep -q '\.java$' <<< "$sources" || fail "the sources jar of $a_id holds no source"
done
[ "$(sha256sum < "$work/first/securemail.jar")" = "$(sha256sum < cli/target/securemail.jar)" ] || differ+=(securemail.jar)
if [ ${#differ[@]} -gt 0 ]; then
  for j in "${differ[@]}"; do
    a="$work/first/$j"
    b=$(find "$installed" cli/target -name "$j" | head -n 1)
    echo "release-check: $j differs between the two builds; entries that differ:" >&2
    diff <(unzip -v "$a" | awk '{print $5, $6, $7, $8}') <(unzip -v "$b" | awk '{print $5, $6, $7, $8}') | head -n 20 >&2 || true
  done
  fail "the build is not reproducible: ${differ[*]}"
fi
say "reproducible: $(( ${#published[@]} * 3 + 1 )) jars identical in two builds (sha256); Javadoc without internal packages"

# 4. The CLI jar ships no test fixture (issue 12, item 6): no test kit, example or benchmark class inside.
fixtures=$(unzip -Z1 cli/target/securemail.jar | grep -E '^org/securemail/(testing|examples|bench)/' | head -n 3 \
  | tr '\n' ' ' || true)
[ -z "$fixtures" ] || fail "cli/target/securemail.jar contains test fixtures or examples: $fixtures...; the CLI must" \
  "depend on securemail-testkit in test scope only (cli/pom.xml)"
say "securemail.jar: no test fixture, example or benchmark class inside"

# 5. A user's project, built against what ./install.sh installed.
say "getting-started/: mvn verify against the installed artifacts"
mvn -B -ntp -q -f getting-started/pom.xml -s "$work/settings.xml" -Dmaven.repo.local="$repo" clean verify \
  > "$work/getting-started.log" 2>&1 || { cat "$work/getting-started.log" >&2; fail "getting-started/ did not build"; }
tests=$(cat getting-started/target/surefire-reports/*.txt 2>/dev/null \
  | sed -n 's/^Tests run: \([0-9]*\), Failures: 0, Errors: 0, Skipped: 0.*/\1/p' | awk '{n += $1} END {print n + 0}')
[ "$tests" -gt 0 ] || fail "getting-started/ ran no test"
rm -rf getting-started/target
say "getting-started/: $tests tests passed"
say "passed"
