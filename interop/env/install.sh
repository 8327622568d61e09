#!/usr/bin/env bash
# Installs the Debian packages the SecureMail interop tests need (Postfix, Dovecot, OpenSSL,
# Python 3 for port picking and the smoke test) without configuring or starting the machine's own
# mail services, and unpacks the servers that Debian cannot install beside them (Exim, OpenSMTPD,
# Cyrus, Courier: they conflict with Postfix on mail-transport-agent and with Dovecot on
# imap-server) into a private tree, PKGROOT (lib.sh), after installing only their shared-library
# dependencies with apt. start.sh runs those from PKGROOT in private mount namespaces
# (sandbox.sh). Idempotent: when everything is already there it does nothing (no apt at all).
#
# Exit codes: 0 installed (or already there), 3 cannot install here (not root / no apt-get),
#             anything else: apt-get or dpkg failed (its output is shown).
set -euo pipefail

# nsd and ldnsutils: the authoritative DNS server for the relay tests and the tools that sign its zones per run.
PACKAGES=(postfix dovecot-core dovecot-imapd dovecot-pop3d openssl python3 ca-certificates perl nsd ldnsutils)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

log() { printf 'interop/install: %s\n' "$*" >&2; }

# Unpacked, never installed: their maintainer scripts never run, so they configure, start and
# register nothing on this machine.
unpacked_ok() {
  [[ -f "$INTEROP_PKGROOT/.securemail-packages" ]] \
    && [[ "$(head -n 1 "$INTEROP_PKGROOT/.securemail-packages")" == "${INTEROP_UNPACKED_PACKAGES[*]}" ]]
}

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]] && unpacked_ok; then
  log "all packages already installed: ${PACKAGES[*]}; unpacked in $INTEROP_PKGROOT: ${INTEROP_UNPACKED_PACKAGES[*]}"
  exit 0
fi

if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  log "cannot install packages: this needs root and apt-get (Debian 12)."
  log "missing packages: ${missing[*]}; not unpacked yet: ${INTEROP_UNPACKED_PACKAGES[*]}"
  log "install them yourself with: DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  log "(preseed 'postfix postfix/main_mailer_type select No configuration' first)"
  exit 3
fi

export DEBIAN_FRONTEND=noninteractive
export NEEDRESTART_MODE=a

# Postfix: "No configuration" means postinst writes no /etc/postfix/main.cf and sets up no mail
# for this machine. Preseeding an already-installed package is harmless.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections

# Keep Debian's maintainer scripts from starting the system-wide postfix/dovecot services
# (invoke-rc.d asks policy-rc.d; 101 = action not allowed). Only install our own guard when none
# exists, and always remove exactly the one we installed.
POLICY=/usr/sbin/policy-rc.d
our_policy=""
cleanup() {
  if [[ -n "$our_policy" && -f "$POLICY" ]] && grep -q 'securemail-interop' "$POLICY" 2>/dev/null; then
    rm -f "$POLICY"
  fi
}
trap cleanup EXIT
if [[ ! -e "$POLICY" ]]; then
  printf '#!/bin/sh\n# securemail-interop: temporary, removed by interop/env/install.sh\nexit 101\n' > "$POLICY"
  chmod 0755 "$POLICY"
  our_policy=yes
fi

apt_install() {
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
apt-get update -q
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing: ${missing[*]}"
  apt_install "${missing[@]}"
fi

if ! unpacked_ok; then
  # Download the .debs, install their shared-library dependencies (packages named lib*; none of
  # them conflicts with anything), and unpack the servers themselves into a fresh PKGROOT.
  # libclamav12 is left out: only cyrus-common's virus scanner (cyr_virusscan) needs it.
  log "unpacking into $INTEROP_PKGROOT: ${INTEROP_UNPACKED_PACKAGES[*]}"
  debs=$(mktemp -d /tmp/securemail-interop-debs.XXXXXXXX)
  ( cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${INTEROP_UNPACKED_PACKAGES[@]}" )
  mapfile -t libs < <(for d in "$debs"/*.deb; do dpkg-deb -f "$d" Depends Pre-Depends; done | tr ',' '\n' \
    | awk -F'|' '{ for (i = 1; i <= NF; i++) { split($i, a, " "); if (a[1] ~ /^lib/) { print a[1]; break } } }' \
    | grep -vxF libclamav12 | sort -u)
  log "installing their libraries: ${libs[*]}"
  apt_install "${libs[@]}"
  mkdir -p "$(dirname "$INTEROP_PKGROOT")"
  fresh=$(mktemp -d "$INTEROP_PKGROOT.new.XXXXXXXX")
  for d in "$debs"/*.deb; do
    dpkg-deb -x "$d" "$fresh"
  done
  {
    printf '%s\n' "${INTEROP_UNPACKED_PACKAGES[*]}"
    for d in "$debs"/*.deb; do dpkg-deb -f "$d" Package Version | sed 's/^[A-Za-z]*: //' | paste -sd' '; done
  } > "$fresh/.securemail-packages"
  chmod 0755 "$fresh"
  rm -rf -- "$INTEROP_PKGROOT.old"
  [[ -d "$INTEROP_PKGROOT" ]] && mv -- "$INTEROP_PKGROOT" "$INTEROP_PKGROOT.old"
  mv -- "$fresh" "$INTEROP_PKGROOT"
  rm -rf -- "$INTEROP_PKGROOT.old" "$debs"
fi

cleanup
our_policy=""

# Belt and braces, only for what this run installed (a postfix or dovecot that was already on
# the machine may be its real mail service and is left alone): make sure no system-wide instance
# runs and, where systemd runs, none starts at boot. Our private instances never need them.
newly() { local p; for p in "${missing[@]}"; do [[ "$p" == "$1" ]] && return 0; done; return 1; }
systemd_up=""
[[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1 && systemd_up=yes
if newly postfix; then
  [[ -n "$systemd_up" ]] && { systemctl disable --now postfix.service >/dev/null 2>&1 || true; }
  if [[ -f /etc/postfix/main.cf ]] && postfix status >/dev/null 2>&1; then
    postfix stop >/dev/null 2>&1 || true
  fi
fi
if newly nsd; then
  # start.sh runs a private nsd (its own config, port and pid file); the system-wide one is never needed.
  [[ -n "$systemd_up" ]] && { systemctl disable --now nsd.service >/dev/null 2>&1 || true; }
  if [[ -f /run/nsd/nsd.pid ]]; then
    pid=$(cat /run/nsd/nsd.pid 2>/dev/null || true)
    if [[ -n "$pid" ]] && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == /usr/sbin/nsd ]]; then
      kill "$pid" 2>/dev/null || true
    fi
  fi
fi
if newly dovecot-core; then
  [[ -n "$systemd_up" ]] && { systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true; }
  if [[ -f /run/dovecot/master.pid ]]; then
    pid=$(cat /run/dovecot/master.pid 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
  fi
fi

still=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || still+=("$p")
done
if [[ ${#still[@]} -ne 0 ]]; then
  log "packages still missing after apt-get: ${still[*]}"
  exit 1
fi
unpacked_ok || { log "unpacking into $INTEROP_PKGROOT failed"; exit 1; }
log "installed: ${missing[*]:-nothing new}; unpacked in $INTEROP_PKGROOT: $(tail -n +2 "$INTEROP_PKGROOT/.securemail-packages" | paste -sd, -)"
