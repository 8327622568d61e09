#!/usr/bin/env bash
# start.sh WORKDIR: starts a private, throw-away set of real mail servers on loopback (127.0.0.2)
# for the SecureMail interop tests: one Postfix instance (root, its own config directory) and
# four Dovecot instances (rootless, as user "dovecot"), with a CA and server certificate made for
# this run, ports picked at run time, and WORKDIR/interop.properties describing it all.
#
# Before starting it stops whatever an earlier run of these scripts left running (registry in
# /tmp/securemail-interop), and it wipes WORKDIR if an earlier run created it.
#
# Exit codes: 0 all listeners up; 2 bad usage or WORKDIR not ours; 3 missing packages or not root
# (run install.sh); 1 anything else (the relevant log tail is shown).
set -euo pipefail

INTEROP_SCRIPT=interop/start
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
TEMPLATES="$HERE/templates"

WORKDIR=${1:-}
require_workdir "$WORKDIR"
WORKDIR=${WORKDIR%/}

[[ $(id -u) -eq 0 ]] || die 3 "must run as root (Postfix needs root to start; Dovecot drops to '$INTEROP_RUN_USER' by itself)"
for tool in postfix postconf dovecot doveconf openssl python3 setpriv unshare perl nsd nsd-checkconf ldns-keygen ldns-signzone ldns-key2ds drill; do
  command -v "$tool" >/dev/null 2>&1 \
    || die 3 "'$tool' not found; run $HERE/install.sh first (packages: postfix dovecot-core dovecot-imapd dovecot-pop3d openssl python3 nsd ldnsutils)"
done
[[ -x /usr/lib/dovecot/imap && -x /usr/lib/dovecot/pop3 ]] \
  || die 3 "dovecot-imapd / dovecot-pop3d missing; run $HERE/install.sh first"
[[ -f "$INTEROP_PKGROOT/.securemail-packages" ]] \
  || die 3 "Exim, OpenSMTPD, Cyrus and Courier are not unpacked in $INTEROP_PKGROOT; run $HERE/install.sh first"
id "$INTEROP_RUN_USER" >/dev/null 2>&1 \
  || die 3 "user '$INTEROP_RUN_USER' does not exist (dovecot-core creates it); run $HERE/install.sh first"

RUN_UID=$(id -u "$INTEROP_RUN_USER")
RUN_GID=$(id -g "$INTEROP_RUN_USER")
RUN_GROUP=$(id -gn "$INTEROP_RUN_USER")
DOMAIN=securemail.test
# All listeners sit on 127.0.0.2, not 127.0.0.1. Dovecot 2.3 treats a connection whose remote and
# local addresses are equal as "secured" and then accepts LOGIN/USER+PASS without TLS even with
# ssl=required. A client connecting to 127.0.0.2 gets 127.0.0.1 as its source address, so Dovecot
# enforces TLS as it would for a remote client. 127.0.0.0/8 is all loopback.
LISTEN=127.0.0.2
# The MX host names of the test zones (dns.sh, templates/nsd/child.zone.in) are in the certificate too, so that
# DANE-TA and MTA-STS can check them; mx-unnamed.* is left out on purpose (a certificate that does not name its MX).
SAN_TEXT="DNS:localhost, IP:127.0.0.1, IP:127.0.0.2"
for kind in secure insecure bogus; do
  for mxhost in mx mx-mismatch mx-ta mx-badsig; do
    SAN_TEXT+=", DNS:$mxhost.$kind.securemail.test"
  done
done
MAIL_USER=alice
T0=$(date +%s%N)

# --- 1. stop leftovers of earlier runs (only one environment runs on a machine at a time) -----
if [[ -e "$WORKDIR" && ! -d "$WORKDIR" ]]; then
  die 2 "WORKDIR exists and is not a directory: $WORKDIR"
fi
if [[ -d "$WORKDIR" && -n "$(ls -A "$WORKDIR")" && ! -f "$WORKDIR/$INTEROP_MARKER" ]]; then
  die 2 "WORKDIR is not empty and was not made by these scripts (no $INTEROP_MARKER): $WORKDIR; refusing to wipe it"
fi
while IFS= read -r old; do
  [[ -n "$old" ]] || continue
  log "stopping leftovers of an earlier run in $old"
  stop_tree "$old" || die 1 "could not stop the servers left in $old"
  registry_remove "$old"
done < <(registry_list)

if [[ -f "$WORKDIR/$INTEROP_MARKER" ]]; then
  old=$(server_tree "$WORKDIR")
  if [[ -n "$old" ]]; then
    stop_tree "$old" || die 1 "could not stop the servers left in $old"
    registry_remove "$old"
    # A server tree outside WORKDIR is only ever one we made under the registry directory.
    [[ "$old" == "$INTEROP_REGISTRY_DIR"/srv.* ]] && rm -rf -- "$old"
  fi
  find "$WORKDIR" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
fi
mkdir -p "$WORKDIR"
chmod 0755 "$WORKDIR"
touch "$WORKDIR/$INTEROP_MARKER"

# --- 2. where the servers live ------------------------------------------------------------------
# Dovecot (rootless) and Postfix's virtual(8) delivery run as $INTEROP_RUN_USER and must reach the
# tree by its path. If a parent of WORKDIR is closed to that user (e.g. /root is 0700), the tree
# goes under the registry directory in /tmp and WORKDIR/srv points to it.
if setpriv --reuid="$RUN_UID" --regid="$RUN_GID" --clear-groups -- test -x "$WORKDIR" 2>/dev/null; then
  SRV="$WORKDIR/srv"
  mkdir -p "$SRV"
else
  mkdir -p "$INTEROP_REGISTRY_DIR" && chmod 0755 "$INTEROP_REGISTRY_DIR"
  SRV=$(mktemp -d "$INTEROP_REGISTRY_DIR/srv.XXXXXXXX")
  ln -s "$SRV" "$WORKDIR/srv"
  log "note: user $INTEROP_RUN_USER cannot reach $WORKDIR (a parent directory is closed); servers live in $SRV (linked as $WORKDIR/srv)"
fi
chmod 0755 "$SRV"
registry_add "$SRV"

FAILED=1
trap 'exit 130' INT TERM HUP
on_exit() {
  if (( FAILED )); then
    log "start failed; stopping what was started (files kept in $SRV for inspection)"
    stop_tree "$SRV" || true
    registry_remove "$SRV"
  fi
}
trap on_exit EXIT

TLS_DIR="$SRV/tls"
PF_DIR="$SRV/postfix"
PF_ETC="$PF_DIR/etc"
MAIL_DIR="$SRV/mail"
USERS_FILE="$SRV/users"
mkdir -p "$TLS_DIR" "$PF_ETC" "$MAIL_DIR"

# --- 3. ports ---------------------------------------------------------------------------------
PORT_NAMES=(
  SMTP_SUBMISSION_STARTTLS SMTP_SUBMISSION_IMPLICIT SMTP_RELAY
  SMTP_WEAK_TLS11 SMTP_WEAK_TLS11_IMPLICIT SMTP_WEAK_NONFS SMTP_WEAK_NONFS_IMPLICIT
  SMTP_WEAK_CBC SMTP_WEAK_CBC_IMPLICIT SMTP_WEAK_DHE1024 SMTP_WEAK_DHE1024_IMPLICIT
  SMTP_WEAK_NOSTARTTLS SMTP_MX SMTP_MX_WEAK_NOSTARTTLS
  IMAP_STARTTLS IMAP_IMPLICIT POP3_STARTTLS POP3_IMPLICIT
  IMAP_WEAK_NOSTARTTLS POP3_WEAK_NOSTARTTLS
  IMAP_WEAK_TLS11 IMAP_WEAK_TLS11_IMPLICIT POP3_WEAK_TLS11 POP3_WEAK_TLS11_IMPLICIT
  IMAP_WEAK_NONFS IMAP_WEAK_NONFS_IMPLICIT POP3_WEAK_NONFS POP3_WEAK_NONFS_IMPLICIT
  EXIM_SMTP_SUBMISSION_STARTTLS EXIM_SMTP_SUBMISSION_IMPLICIT EXIM_SMTP_WEAK_NOSTARTTLS
  EXIM_SMTP_WEAK_TLS11 EXIM_SMTP_WEAK_TLS11_IMPLICIT
  OPENSMTPD_SMTP_SUBMISSION_STARTTLS OPENSMTPD_SMTP_SUBMISSION_IMPLICIT
  CYRUS_IMAP_STARTTLS CYRUS_IMAP_IMPLICIT CYRUS_POP3_STARTTLS CYRUS_POP3_IMPLICIT
  CYRUS_IMAP_WEAK_TLS11 CYRUS_IMAP_WEAK_TLS11_IMPLICIT CYRUS_POP3_WEAK_NOSTARTTLS
  COURIER_IMAP_STARTTLS COURIER_IMAP_IMPLICIT COURIER_POP3_STARTTLS COURIER_POP3_IMPLICIT
  COURIER_IMAP_WEAK_TLS11_IMPLICIT COURIER_POP3_WEAK_NOSTARTTLS
  DNS
)
# Random ports just below the kernel's ephemeral range (so no outgoing connection or port-0
# listener can take one between this check and the servers' bind), each checked by binding it;
# all held at once so they are distinct. Falls back to kernel-chosen ports if that range is odd.
mapfile -t PORTS < <(python3 - "$LISTEN" "${#PORT_NAMES[@]}" <<'PY'
import random, socket, sys
host, count = sys.argv[1], int(sys.argv[2])
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
first, last = max(10000, low - 12000), low - 1
socks = []
def grab(p):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, p))
    except OSError:
        s.close()
        return None
    return s
candidates = random.sample(range(first, last + 1), min(2000, last - first + 1)) if last - first > 100 else []
for p in candidates:
    if len(socks) == count:
        break
    s = grab(p)
    if s:
        socks.append(s)
while len(socks) < count:
    socks.append(grab(0))
for s in socks:
    print(s.getsockname()[1])
for s in socks:
    s.close()
PY
)
[[ ${#PORTS[@]} -eq ${#PORT_NAMES[@]} ]] || die 1 "could not pick free loopback ports"
declare -A PORT
for i in "${!PORT_NAMES[@]}"; do PORT[${PORT_NAMES[$i]}]=${PORTS[$i]}; done

# --- 4. certificates ----------------------------------------------------------------------------
render() { # render TEMPLATE OUT KEY=VALUE...: replaces @KEY@; fails on any placeholder left over
  local template=$1 out=$2 text pair; shift 2
  text=$(< "$template")
  for pair in "$@"; do
    text=${text//"@${pair%%=*}@"/"${pair#*=}"}
  done
  if [[ "$text" =~ @[A-Z0-9_]+@ ]]; then
    die 1 "unfilled placeholder ${BASH_REMATCH[0]} in $template"
  fi
  printf '%s\n' "$text" > "$out"
}

render "$TEMPLATES/openssl/server-ext.cnf.in" "$TLS_DIR/ext.cnf" SAN="$SAN_TEXT"
(
  cd "$TLS_DIR"
  umask 077
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key
  openssl req -new -x509 -sha256 -key ca.key -days 7 -subj "/O=SecureMail interop/CN=SecureMail interop test CA $(date -u +%Y%m%dT%H%M%SZ)" \
    -config ext.cnf -extensions ca_ext -out ca.pem
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key
  openssl req -new -sha256 -key server.key -subj "/O=SecureMail interop/CN=localhost" -config ext.cnf -out server.csr
  openssl x509 -req -sha256 -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -days 7 -extfile ext.cnf -extensions server_ext -out server.pem 2>/dev/null
  cat server.pem ca.pem > server-chain.pem
  # ECDSA P-256 twin of the server certificate (same CA and names) for OpenSMTPD: 6.8.0p2's privilege-separated
  # RSA signing fails every handshake under OpenSSL 3 ("EVP lib"); its ECDSA path works.
  openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server-ec.key
  openssl req -new -sha256 -key server-ec.key -subj "/O=SecureMail interop/CN=localhost" -config ext.cnf -out server-ec.csr
  openssl x509 -req -sha256 -in server-ec.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -days 7 -extfile ext.cnf -extensions server_ext -out server-ec.pem 2>/dev/null
  cat server-ec.pem ca.pem > server-ec-chain.pem
  rm -f server-ec.csr
  openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out ffdhe2048.pem 2>/dev/null
  # Only for the weak DHE listener: the published 1024-bit RFC 5114 group, no generation needed.
  openssl genpkey -genparam -algorithm DH -pkeyopt dh_rfc5114:1 -out dh1024.pem 2>/dev/null
  rm -f server.csr
) || die 1 "certificate generation failed"
chown "$RUN_UID:$RUN_GID" "$TLS_DIR/server.key"
chmod 0644 "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" "$TLS_DIR/server-chain.pem" "$TLS_DIR/server-ec-chain.pem" "$TLS_DIR/ffdhe2048.pem" "$TLS_DIR/dh1024.pem"
cp "$TLS_DIR/ca.pem" "$WORKDIR/ca.pem"

# --- 5. user and Maildir ------------------------------------------------------------------------
PASSWORD=$(openssl rand -hex 16)
MAILDIR="$MAIL_DIR/$MAIL_USER/Maildir"
mkdir -p "$MAILDIR"/{cur,new,tmp}
# What the MX listeners accept for the test zones' domains (relay.maildir, for the relay tests).
RELAY_MAILDIR="$MAIL_DIR/relay/Maildir"
mkdir -p "$RELAY_MAILDIR"/{cur,new,tmp}
chown -R "$RUN_UID:$RUN_GID" "$MAIL_DIR"
chmod -R go-rwx "$MAIL_DIR/$MAIL_USER" "$MAIL_DIR/relay"
chmod 0755 "$MAIL_DIR"
# passwd-file: user:password:uid:gid:(gecos):home:(shell):extra
printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$MAIL_USER" "$PASSWORD" "$RUN_UID" "$RUN_GID" "$MAIL_DIR/$MAIL_USER" > "$USERS_FILE"
chown "$RUN_UID:$RUN_GID" "$USERS_FILE"
chmod 0600 "$USERS_FILE"

# --- 6. Dovecot instances -----------------------------------------------------------------------
OPENSSL_TLS11_CNF="$TLS_DIR/openssl-weak-tls11.cnf"
OPENSSL_NONFS_CNF="$TLS_DIR/openssl-weak-nonfs.cnf"
# TLS 1.0/1.1 exist in OpenSSL 3 only at security level 0; their suites are all CBC, so the
# forward-secret ECDHE ones are kept: the protocol version is the one weakness.
TLS11_CIPHERS='ECDHE+AES:@SECLEVEL=0'
NONFS_CIPHERS='AES128-GCM-SHA256'
CBC_CIPHERS='ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA'
# OpenSSL's level 2 refuses a 1024-bit DH group; level 1 allows it.
DHE_CIPHERS='DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=1'
render "$TEMPLATES/openssl/weak.cnf.in" "$OPENSSL_TLS11_CNF" INSTANCE=tls11 \
  "WEAKNESS=TLS 1.0/1.1 only" MIN_PROTOCOL=TLSv1 MAX_PROTOCOL=TLSv1.1 "CIPHER_STRING=$TLS11_CIPHERS"
render "$TEMPLATES/openssl/weak.cnf.in" "$OPENSSL_NONFS_CNF" INSTANCE=nonfs \
  "WEAKNESS=TLS 1.2 with a static-RSA suite only" MIN_PROTOCOL=TLSv1.2 MAX_PROTOCOL=TLSv1.2 "CIPHER_STRING=$NONFS_CIPHERS"
chmod 0644 "$OPENSSL_TLS11_CNF" "$OPENSSL_NONFS_CNF"

dovecot_instance() { # dovecot_instance NAME SPECIFIC_TEMPLATE KEY=VALUE...
  local name=$1 specific=$2; shift 2
  local dir="$SRV/dovecot-$name"
  mkdir -p "$dir"
  render "$TEMPLATES/dovecot/common.conf.in" "$dir/common.part" INSTANCE="$name" INSTANCE_DIR="$dir" LISTEN="$LISTEN" \
    RUN_USER="$INTEROP_RUN_USER" RUN_GROUP="$RUN_GROUP" RUN_UID="$RUN_UID" RUN_GID="$RUN_GID" USERS_FILE="$USERS_FILE"
  render "$TEMPLATES/dovecot/$specific" "$dir/specific.part" INSTANCE="$name" TLS_DIR="$TLS_DIR" LISTEN="$LISTEN" "$@"
  cat "$dir/common.part" "$dir/specific.part" > "$dir/dovecot.conf"
  rm -f "$dir/common.part" "$dir/specific.part"
  chown -R "$RUN_UID:$RUN_GID" "$dir"
}
dovecot_instance main main.conf.in \
  IMAP_STARTTLS_PORT="${PORT[IMAP_STARTTLS]}" IMAP_IMPLICIT_PORT="${PORT[IMAP_IMPLICIT]}" \
  POP3_STARTTLS_PORT="${PORT[POP3_STARTTLS]}" POP3_IMPLICIT_PORT="${PORT[POP3_IMPLICIT]}"
dovecot_instance nostarttls nostarttls.conf.in \
  IMAP_WEAK_NOSTARTTLS_PORT="${PORT[IMAP_WEAK_NOSTARTTLS]}" POP3_WEAK_NOSTARTTLS_PORT="${PORT[POP3_WEAK_NOSTARTTLS]}"
dovecot_instance tls11 weaktls.conf.in "WEAKNESS=TLS 1.0/1.1 only (TLS 1.2+ refused)" \
  OPENSSL_CONF="$OPENSSL_TLS11_CNF" SSL_MIN_PROTOCOL=TLSv1 SSL_CIPHER_LIST="$TLS11_CIPHERS" \
  IMAP_STARTTLS_PORT="${PORT[IMAP_WEAK_TLS11]}" IMAP_IMPLICIT_PORT="${PORT[IMAP_WEAK_TLS11_IMPLICIT]}" \
  POP3_STARTTLS_PORT="${PORT[POP3_WEAK_TLS11]}" POP3_IMPLICIT_PORT="${PORT[POP3_WEAK_TLS11_IMPLICIT]}"
dovecot_instance nonfs weaktls.conf.in "WEAKNESS=TLS 1.2 with AES128-GCM-SHA256 only (no forward secrecy)" \
  OPENSSL_CONF="$OPENSSL_NONFS_CNF" SSL_MIN_PROTOCOL=TLSv1.2 SSL_CIPHER_LIST="$NONFS_CIPHERS" \
  IMAP_STARTTLS_PORT="${PORT[IMAP_WEAK_NONFS]}" IMAP_IMPLICIT_PORT="${PORT[IMAP_WEAK_NONFS_IMPLICIT]}" \
  POP3_STARTTLS_PORT="${PORT[POP3_WEAK_NONFS]}" POP3_IMPLICIT_PORT="${PORT[POP3_WEAK_NONFS_IMPLICIT]}"

as_run_user() {
  setpriv --reuid="$RUN_UID" --regid="$RUN_GID" --init-groups -- \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$SRV" "$@"
}

# --- 7. Postfix instance ------------------------------------------------------------------------
SASL_SOCKET="$SRV/dovecot-main/run/auth-postfix"
render "$TEMPLATES/postfix/main.cf.in" "$PF_ETC/main.cf" PF_ETC="$PF_ETC" PF_DIR="$PF_DIR" DOMAIN="$DOMAIN" \
  MAIL_DIR="$MAIL_DIR" RUN_UID="$RUN_UID" RUN_GID="$RUN_GID" TLS_DIR="$TLS_DIR" SASL_SOCKET="$SASL_SOCKET"
render "$TEMPLATES/postfix/master.cf.in" "$PF_ETC/master.cf" DOMAIN="$DOMAIN" LISTEN="$LISTEN" \
  SMTP_SUBMISSION_STARTTLS_PORT="${PORT[SMTP_SUBMISSION_STARTTLS]}" \
  SMTP_SUBMISSION_IMPLICIT_PORT="${PORT[SMTP_SUBMISSION_IMPLICIT]}" \
  SMTP_RELAY_PORT="${PORT[SMTP_RELAY]}" \
  SMTP_WEAK_TLS11_PORT="${PORT[SMTP_WEAK_TLS11]}" SMTP_WEAK_TLS11_IMPLICIT_PORT="${PORT[SMTP_WEAK_TLS11_IMPLICIT]}" \
  SMTP_WEAK_NONFS_PORT="${PORT[SMTP_WEAK_NONFS]}" SMTP_WEAK_NONFS_IMPLICIT_PORT="${PORT[SMTP_WEAK_NONFS_IMPLICIT]}" \
  SMTP_WEAK_NOSTARTTLS_PORT="${PORT[SMTP_WEAK_NOSTARTTLS]}" \
  SMTP_MX_PORT="${PORT[SMTP_MX]}" SMTP_MX_WEAK_NOSTARTTLS_PORT="${PORT[SMTP_MX_WEAK_NOSTARTTLS]}" \
  OPENSSL_TLS11_CNF="$OPENSSL_TLS11_CNF" OPENSSL_NONFS_CNF="$OPENSSL_NONFS_CNF" \
  TLS11_CIPHERS="$TLS11_CIPHERS" NONFS_CIPHERS="$NONFS_CIPHERS" \
  SMTP_WEAK_CBC_PORT="${PORT[SMTP_WEAK_CBC]}" SMTP_WEAK_CBC_IMPLICIT_PORT="${PORT[SMTP_WEAK_CBC_IMPLICIT]}" \
  SMTP_WEAK_DHE1024_PORT="${PORT[SMTP_WEAK_DHE1024]}" SMTP_WEAK_DHE1024_IMPLICIT_PORT="${PORT[SMTP_WEAK_DHE1024_IMPLICIT]}" \
  CBC_CIPHERS="$CBC_CIPHERS" DHE_CIPHERS="$DHE_CIPHERS" TLS_DIR="$TLS_DIR"
# alice@courier.DOMAIN goes into the Maildir Courier serves (sandboxed.sh).
printf '%s@%s %s/Maildir/\n%s@courier.%s courier/%s/Maildir/\n' "$MAIL_USER" "$DOMAIN" "$MAIL_USER" \
  "$MAIL_USER" "$DOMAIN" "$MAIL_USER" > "$PF_ETC/vmailbox"
printf 'postmaster@%s %s@%s\nabuse@%s %s@%s\n' "$DOMAIN" "$MAIL_USER" "$DOMAIN" "$DOMAIN" "$MAIL_USER" "$DOMAIN" > "$PF_ETC/valias"
# Any address at the test zones' domains (secure., insecure., bogus.DOMAIN and the names below them, where the
# relay tests send) goes into relay.maildir; the MX listeners accept it without AUTH, as a domain's MX does.
relay_re="([a-z0-9-]+\\.)*(secure|insecure|bogus)\\.${DOMAIN//./\\.}"
printf '/^%s$/ OK\n' "$relay_re" > "$PF_ETC/relay-domains"
printf '/@%s$/ relay/Maildir/\n' "$relay_re" > "$PF_ETC/relay-vmailbox"
chmod 0644 "$PF_ETC"/*
mkdir -p "$PF_DIR/queue" "$PF_DIR/data"
chown postfix "$PF_DIR/data"
: > "$PF_DIR/postfix.log"

# --- 7b. the sandboxed servers: Exim, OpenSMTPD, Cyrus, Courier -----------------------------------
# shellcheck source=sandboxed.sh
source "$HERE/sandboxed.sh"
configure_sandboxes

# --- 7c. the DNS server: NSD with zones signed for this run -------------------------------------
# shellcheck source=dns.sh
source "$HERE/dns.sh"
configure_dns

# --- 8. check and start -------------------------------------------------------------------------
show_tail() { # show_tail FILE...: last lines of the logs that exist
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}

# The sandboxed servers start in the background, in parallel with Dovecot and Postfix.
start_sandboxes

for inst in "${DOVECOT_INSTANCES[@]}"; do
  conf="$SRV/dovecot-$inst/dovecot.conf"
  # Output to a file, never a pipe: the daemon's children would keep a pipe open forever.
  if ! as_run_user dovecot -c "$conf" > "$SRV/dovecot-$inst/start.out" 2>&1 < /dev/null; then
    show_tail "$SRV/dovecot-$inst/start.out" "$SRV/dovecot-$inst/dovecot.log"
    die 1 "Dovecot instance '$inst' did not start"
  fi
done

# `postfix start` runs the essential checks itself (and creates the queue directories).
if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C postfix -c "$PF_ETC" start > "$PF_DIR/start.out" 2>&1 < /dev/null; then
  show_tail "$PF_DIR/start.out" "$PF_DIR/postfix.log"
  # Postfix reports configuration errors to syslog unless stderr is a terminal: ask once more.
  script -qec "postfix -c $PF_ETC check" /dev/null 2>&1 | tail -n 5 >&2 || true
  die 1 "Postfix did not start"
fi

wait_sandboxes || die 1 "a sandboxed server did not start"

start_dns
wait_dns 10 || die 1 "NSD does not answer on $LISTEN port ${PORT[DNS]} after 10 s"

# --- 9. wait for every listener -----------------------------------------------------------------
# Not just a TCP accept: a plaintext listener must send its greeting (220 / * OK / +OK) and an
# implicit-TLS listener must complete a handshake (with a client that accepts even the weak ones),
# so that a TLS or auth misconfiguration fails here rather than in the first test.
port_list=()
for n in "${PORT_NAMES[@]}"; do [[ $n == DNS ]] || port_list+=("$n=${PORT[$n]}"); done
if ! down=$(python3 - "$LISTEN" 30 "${port_list[@]}" <<'PY'
import concurrent.futures, socket, ssl, sys, time, warnings
warnings.simplefilter("ignore", DeprecationWarning)
host = sys.argv[1]
deadline = time.monotonic() + float(sys.argv[2])
pending = dict(a.split("=", 1) for a in sys.argv[3:])
last_error = {}
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
tls.minimum_version = ssl.TLSVersion.TLSv1
tls.set_ciphers("ALL:@SECLEVEL=0")
def probe(name, port):
    with socket.create_connection((host, int(port)), timeout=3) as raw:
        if name.startswith("OPENSMTPD_") and name.endswith("_IMPLICIT"):
            # Debian 12's OpenSMTPD 6.8.0p2 completes no TLS handshake under OpenSSL 3 (its own log: "EVP lib");
            # the interop tests show that, so accepting the connection is all that can be waited for here.
            return
        if name.endswith("_IMPLICIT"):
            with tls.wrap_socket(raw) as conn:
                line = conn.recv(512)
        else:
            line = raw.recv(512)
    if not line.startswith((b"220 ", b"220-", b"* OK", b"+OK")):
        raise OSError("unexpected greeting %r" % line[:60])
def wait_for(item):
    name, port = item
    error = "no attempt before the deadline"
    while time.monotonic() < deadline:
        try:
            probe(name, port)
            return name, None
        except (OSError, ssl.SSLError) as e:
            error = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.05)
    return name, error
# One thread per listener: Postfix starts an smtpd per service on its first connection.
with concurrent.futures.ThreadPoolExecutor(max_workers=len(pending)) as pool:
    for name, error in pool.map(wait_for, list(pending.items())):
        if error is None:
            del pending[name]
        else:
            last_error[name] = error
if pending:
    print("; ".join("%s port %s (%s)" % (n, p, last_error.get(n, "?")) for n, p in sorted(pending.items())))
    sys.exit(1)
PY
); then
  show_tail "$PF_DIR/postfix.log" "$SRV"/dovecot-*/dovecot.log "$SRV"/*/syslog.log "$SRV"/*/start.out "$SRV"/exim/log/* "$SRV/nsd/nsd.log"
  die 1 "listeners not ready after 30 s: $down"
fi

# --- 10. properties -----------------------------------------------------------------------------
key_of() { # SMTP_WEAK_TLS11_IMPLICIT -> smtp.weak.tls11.implicit.port
  local k=${1,,}
  printf '%s.port' "${k//_/.}"
}
PROPS="$WORKDIR/interop.properties"
{
  cat <<HEADER
# SecureMail interop environment, generated by interop/env/start.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ).
# Every listener is on host (127.0.0.2, loopback; see interop/env/README.md for why not 127.0.0.1).
# The server certificate is issued by ca.file for $SAN_TEXT.
host=$LISTEN
ca.file=$WORKDIR/ca.pem
certificate.file=$TLS_DIR/server.pem
certificate.subject.alt.names=$SAN_TEXT
user=$MAIL_USER
password=$PASSWORD
mail.domain=$DOMAIN
mail.address=$MAIL_USER@$DOMAIN
maildir=$MAILDIR
relay.maildir=$RELAY_MAILDIR
workdir=$WORKDIR
server.tree=$SRV
log.postfix=$PF_DIR/postfix.log
HEADER
  for inst in "${DOVECOT_INSTANCES[@]}"; do
    printf 'log.dovecot.%s=%s\n' "$inst" "$SRV/dovecot-$inst/dovecot.log"
  done
  printf 'log.exim=%s\nlog.cyrus=%s\nlog.courier=%s\nlog.opensmtpd=%s\n' \
    "$SRV/exim/log/mainlog" "$SRV/cyrus/syslog.log" "$SRV/courier/syslog.log" "$SRV/opensmtpd/syslog.log"
  printf 'courier.mail.address=%s@courier.%s\ncourier.maildir=%s\n' "$MAIL_USER" "$DOMAIN" "$MAIL_DIR/courier/$MAIL_USER/Maildir"
  # The DNS server (interop/env/dns.sh): NSD on host, port dns.port, zones signed for this run.
  printf 'dns.host=%s\ndns.trust.anchors.file=%s\nlog.nsd=%s\n' "$LISTEN" "$WORKDIR/dns-trust-anchors.txt" "$DNS_DIR/nsd.log"
  printf 'dns.zone=%s\ndns.zone.secure=secure.%s\ndns.zone.insecure=insecure.%s\ndns.zone.bogus=bogus.%s\n' \
    "$DNS_PARENT" "$DNS_PARENT" "$DNS_PARENT" "$DNS_PARENT"
  printf 'dns.name.nullmx=nullmx.%s\ndns.name.nomx=nomx.%s\n' "$DNS_PARENT" "$DNS_PARENT"
  printf 'version.nsd=%s\nversion.ldnsutils=%s\n' "$(dpkg-query -W -f='${Version}' nsd)" \
    "$(dpkg-query -W -f='${Version}' ldnsutils)"
  # Debian package versions, for the interop matrix (docs/testing-your-mail-setup.md).
  printf 'version.postfix=%s\nversion.dovecot=%s\n' "$(dpkg-query -W -f='${Version}' postfix)" \
    "$(dpkg-query -W -f='${Version}' dovecot-core)"
  awk 'NR > 1 { v[$1] = $2 } END { printf "version.exim=%s\nversion.opensmtpd=%s\nversion.cyrus=%s\nversion.courier=%s\n",
    v["exim4-daemon-light"], v["opensmtpd"], v["cyrus-imapd"], v["courier-imap"] }' "$INTEROP_PKGROOT/.securemail-packages"
  cat <<'DOC'
# Good listeners: TLS 1.2+ with forward-secret AEAD suites, certificate from ca.file.
#   smtp.submission.starttls  STARTTLS required, then AUTH (PLAIN/LOGIN via Dovecot); AUTH not offered before TLS
#   smtp.submission.implicit  implicit TLS, then AUTH
#   smtp.relay                no AUTH, STARTTLS offered but optional; accepts mail for mail.domain only
#   smtp.mx                   a recipient domain's MX: no AUTH, STARTTLS offered; accepts mail for the DNS test zones'
#                             domains (dns.zone.{secure,insecure,bogus} and below) into relay.maildir
#   imap.starttls / pop3.starttls  STARTTLS/STLS offered, LOGINDISABLED / no USER-PASS before TLS
#   imap.implicit / pop3.implicit  implicit TLS
# Weak listeners, exactly one weakness each (same certificate, same user):
#   *.weak.nostarttls         no TLS at all; smtp offers AUTH PLAIN/LOGIN in cleartext, imap/pop3 accept cleartext login
#   *.weak.tls11[.implicit]   TLS 1.0/1.1 only (ECDHE-RSA-AES*-SHA), TLS 1.2+ refused
#   *.weak.nonfs[.implicit]   TLS 1.2 only, AES128-GCM-SHA256 only (static RSA key exchange, no forward secrecy)
#   smtp.weak.cbc[.implicit]  TLS 1.2 only, ECDHE-RSA-AES*-SHA* CBC suites only (forward secret, not AEAD)
#   smtp.weak.dhe1024[.implicit]  TLS 1.2 only, DHE-RSA-AES*-GCM only with a 1024-bit DH group (RFC 5114 group 1)
#   smtp.mx.weak.nostarttls   smtp.mx without STARTTLS (as if a network attacker had stripped it)
# Keys without .implicit on weak TLS listeners use STARTTLS (SMTP, IMAP) or STLS (POP3).
# Sandboxed servers (interop/env/README.md), same user and password, same CA:
#   exim.smtp.submission.{starttls,implicit}   Exim 4; delivers mail.address to Cyrus by LMTP
#   exim.smtp.weak.nostarttls                  no STARTTLS, AUTH PLAIN/LOGIN in cleartext
#   exim.smtp.weak.tls11[.implicit]            TLS 1.0/1.1 only (GnuTLS priority)
#   opensmtpd.smtp.submission.{starttls,implicit}  OpenSMTPD 6.8 (Debian 12's completes no TLS handshake)
#   cyrus.{imap,pop3}.{starttls,implicit}      Cyrus IMAP 3.6; cyrus.imap.weak.tls11[.implicit] TLS 1.0/1.1 only;
#                                              cyrus.pop3.weak.nostarttls no STLS, cleartext login
#   courier.{imap,pop3}.{starttls,implicit}    Courier; reads courier.mail.address (Postfix delivers it);
#                                              courier.imap.weak.tls11.implicit TLS 1.0/1.1 only;
#                                              courier.pop3.weak.nostarttls no STLS, cleartext login
# DNS (NSD, authoritative, UDP and TCP on dns.host:dns.port), zones signed per run; dns.trust.anchors.file holds the
# DS record of dns.zone's key-signing key (the test trust anchor):
#   dns.zone.secure    signed, DS in dns.zone (validates); MX mx.<zone> -> host, TLSA 3 1 1 of certificate.file's key;
#                      mismatch.<zone> MX mx-mismatch (TLSA matching nothing); ta.<zone> MX mx-ta (TLSA 2 1 1 of ca.file)
#                      ta-unnamed.<zone> MX mx-unnamed (TLSA 2 1 1, a name the certificate lacks); badsig.<zone> MX
#                      mx-badsig (its TLSA signature corrupted: bogus); sts.<zone> / sts-unnamed.<zone> (MX mx /
#                      mx-unnamed) with _mta-sts TXT and mta-sts.* A 127.0.0.1 (the relay tests serve policies there)
#   dns.zone.insecure  the same records unsigned, no DS in dns.zone (an insecure delegation)
#   dns.zone.bogus     the same records signed, but the DS in dns.zone names another key (every answer bogus)
#   dns.name.nullmx    a null MX (RFC 7505); dns.name.nomx: an A record and no MX (implicit MX)
DOC
  for n in "${PORT_NAMES[@]}"; do
    printf '%s=%s\n' "$(key_of "$n")" "${PORT[$n]}"
  done
} > "$PROPS.tmp"
mv -f "$PROPS.tmp" "$PROPS"
chmod 0644 "$PROPS"

FAILED=0
ms=$(( ($(date +%s%N) - T0) / 1000000 ))
weak=0
for n in "${PORT_NAMES[@]}"; do [[ $n == *_WEAK_* ]] && weak=$((weak + 1)); done
printf 'securemail-interop up in %d ms: Postfix, Dovecot, Exim, OpenSMTPD, Cyrus, Courier, NSD; %d listeners (%d weak); user %s@%s; properties %s\n' \
  "$ms" "${#PORT_NAMES[@]}" "$weak" "$MAIL_USER" "$DOMAIN" "$PROPS"
