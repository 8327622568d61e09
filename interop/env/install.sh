#!/usr/bin/env bash
# Installs the Debian packages the SecureMail interop tests need (Postfix, Dovecot, OpenSSL,
# Python 3 for port picking and the smoke test) without configuring or starting the machine's own
# mail services. Idempotent: when everything is already installed it does nothing (no apt at all).
#
# Exit codes: 0 installed (or already there), 3 cannot install here (not root / no apt-get),
#             anything else: apt-get or dpkg failed (its output is shown).
set -euo pipefail

PACKAGES=(postfix dovecot-core dovecot-imapd dovecot-pop3d openssl python3 ca-certificates)

log() { printf 'interop/install: %s\n' "$*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all packages already installed: ${PACKAGES[*]}"
  exit 0
fi

if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  log "cannot install packages: this needs root and apt-get (Debian 12)."
  log "missing packages: ${missing[*]}"
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

log "installing: ${missing[*]}"
apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

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
log "installed: ${missing[*]}"
