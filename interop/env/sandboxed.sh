# shellcheck shell=bash
# SecureMail interop: the servers that run in sandboxes (sandbox.sh) from the packages install.sh unpacked:
#   exim            Exim 4 submission (STARTTLS, implicit TLS, AUTH), delivers alice's mail to Cyrus by LMTP
#   opensmtpd       OpenSMTPD submission (STARTTLS, implicit TLS, AUTH), would deliver alice's mail into Courier's
#                   Maildir; Debian 12's build completes no TLS handshake (templates/opensmtpd/smtpd.conf.in)
#   cyrus           Cyrus IMAP and POP3 (STARTTLS, implicit TLS), mail arrives from Exim by LMTP
#   courier         Courier IMAP and POP3 (STARTTLS, implicit TLS), reads the Maildir OpenSMTPD writes
# Sourced by start.sh after its own variables (SRV, TLS_DIR, PORT, PASSWORD, ...) are set; never run.

# sandbox_users: prints "name uid gid" for the users the servers expect and the machine lacks. They exist only in
# the sandboxes' /etc/passwd and /etc/group; ids are picked free of the machine's.
sandbox_users() {
  python3 - "$@" <<'PY'
import grp, pwd, sys
used_u = {p.pw_uid for p in pwd.getpwall()}
used_g = {g.gr_gid for g in grp.getgrall()}
nxt = 61000
for name in sys.argv[1:]:
    try:
        p = pwd.getpwnam(name)
        print(name, p.pw_uid, p.pw_gid)
        continue
    except KeyError:
        pass
    while nxt in used_u or nxt in used_g:
        nxt += 1
    print(name, nxt, nxt)
    used_u.add(nxt)
    used_g.add(nxt)
PY
}

declare -A SB_UID SB_GID
# sandbox_base NAME: SRV/NAME with its /etc layer (passwd and group with the extra users), /run and mount point.
sandbox_base() {
  local box="$SRV/$1" name
  mkdir -p "$box/etc" "$box/run" "$box/root"
  cp /etc/passwd "$box/etc/passwd"
  cp /etc/group "$box/etc/group"
  for name in "${!SB_UID[@]}"; do
    grep -q "^$name:" /etc/passwd && continue
    printf '%s:x:%s:%s:SecureMail interop sandbox user:/nonexistent:/usr/sbin/nologin\n' \
      "$name" "${SB_UID[$name]}" "${SB_GID[$name]}" >> "$box/etc/passwd"
    printf '%s:x:%s:\n' "$name" "${SB_GID[$name]}" >> "$box/etc/group"
  done
  chmod 0644 "$box/etc/passwd" "$box/etc/group"
  chmod 0755 "$box" "$box/run"
}

configure_sandboxes() {
  local name uid gid
  while read -r name uid gid; do
    SB_UID[$name]=$uid
    SB_GID[$name]=$gid
  done < <(sandbox_users Debian-exim opensmtpd opensmtpq courier)
  cp "$HERE/syslog-collector.py" "$SRV/syslog-collector.py"
  chmod 0644 "$SRV/syslog-collector.py"
  local crypted
  crypted=$(openssl passwd -6 "$PASSWORD")

  # --- Exim ---------------------------------------------------------------------------------------
  local box="$SRV/exim"
  sandbox_base exim
  mkdir -p "$box/etc/exim4" "$box/spool" "$box/log" "$box/tls"
  render "$TEMPLATES/exim/exim4.conf.in" "$box/etc/exim4/exim4.conf" BOX="$box" TLS_DIR="$TLS_DIR" LISTEN="$LISTEN" \
    DOMAIN="$DOMAIN" ADDRESS="$MAIL_USER@$DOMAIN" MAIL_USER="$MAIL_USER" PASSWORD="$PASSWORD" RUN_USER="$INTEROP_RUN_USER" \
    CYRUS_LMTP_SOCKET="$SRV/cyrus/run/lmtp.sock" \
    EXIM_SMTP_SUBMISSION_STARTTLS_PORT="${PORT[EXIM_SMTP_SUBMISSION_STARTTLS]}" \
    EXIM_SMTP_SUBMISSION_IMPLICIT_PORT="${PORT[EXIM_SMTP_SUBMISSION_IMPLICIT]}" \
    EXIM_SMTP_WEAK_NOSTARTTLS_PORT="${PORT[EXIM_SMTP_WEAK_NOSTARTTLS]}" \
    EXIM_SMTP_WEAK_TLS11_PORT="${PORT[EXIM_SMTP_WEAK_TLS11]}" \
    EXIM_SMTP_WEAK_TLS11_IMPLICIT_PORT="${PORT[EXIM_SMTP_WEAK_TLS11_IMPLICIT]}"
  cp "$TLS_DIR/server.key" "$TLS_DIR/server-chain.pem" "$box/tls/"
  chown root:"${SB_GID[Debian-exim]}" "$box/etc/exim4/exim4.conf"
  chmod 0640 "$box/etc/exim4/exim4.conf"
  chown -R "${SB_UID[Debian-exim]}:${SB_GID[Debian-exim]}" "$box/spool" "$box/log" "$box/tls"
  chmod 0600 "$box/tls/server.key"

  # --- Cyrus --------------------------------------------------------------------------------------
  box="$SRV/cyrus"
  sandbox_base cyrus
  mkdir -p "$box/lib" "$box/spool" "$box/sieve"
  render "$TEMPLATES/cyrus/imapd.conf.in" "$box/etc/imapd.conf" BOX="$box" TLS_DIR="$TLS_DIR" DOMAIN="$DOMAIN" \
    RUN_USER="$INTEROP_RUN_USER" RUN_GROUP="$RUN_GROUP"
  render "$TEMPLATES/cyrus/cyrus.conf.in" "$box/etc/cyrus.conf" BOX="$box" LISTEN="$LISTEN" \
    CYRUS_IMAP_STARTTLS_PORT="${PORT[CYRUS_IMAP_STARTTLS]}" CYRUS_IMAP_IMPLICIT_PORT="${PORT[CYRUS_IMAP_IMPLICIT]}" \
    CYRUS_POP3_STARTTLS_PORT="${PORT[CYRUS_POP3_STARTTLS]}" CYRUS_POP3_IMPLICIT_PORT="${PORT[CYRUS_POP3_IMPLICIT]}" \
    CYRUS_IMAP_WEAK_TLS11_PORT="${PORT[CYRUS_IMAP_WEAK_TLS11]}" \
    CYRUS_IMAP_WEAK_TLS11_IMPLICIT_PORT="${PORT[CYRUS_IMAP_WEAK_TLS11_IMPLICIT]}" \
    CYRUS_POP3_WEAK_NOSTARTTLS_PORT="${PORT[CYRUS_POP3_WEAK_NOSTARTTLS]}"
  cp "$TLS_DIR/server.key" "$box/server.key"
  # SASL's sasldb (Berkeley DB hash): key "user NUL realm NUL userPassword"; the realm is Cyrus's servername.
  perl -MDB_File -MFcntl -e '
    my ($file, $user, $realm, $password) = @ARGV;
    tie my %db, "DB_File", $file, O_RDWR|O_CREAT, 0600, $DB_HASH or die "sasldb $file: $!";
    $db{"$user\0$realm\0userPassword"} = $password;
    untie %db;' "$box/sasldb2" "$MAIL_USER" "cyrus.$DOMAIN" "$PASSWORD"
  chown -R "$RUN_UID:$RUN_GID" "$box/lib" "$box/spool" "$box/sieve" "$box/run" "$box/server.key" "$box/sasldb2"
  chmod 0600 "$box/server.key" "$box/sasldb2"

  # --- Courier ------------------------------------------------------------------------------------
  box="$SRV/courier"
  sandbox_base courier
  # alice's Courier Maildir lives among the other mail stores, where Postfix delivers alice@courier.DOMAIN.
  local courier_home="$MAIL_DIR/courier/$MAIL_USER"
  mkdir -p "$box/etc-courier" "$courier_home/Maildir"/{cur,new,tmp} "$box/run/courier"
  cp -a "$INTEROP_PKGROOT/etc/courier/." "$box/etc-courier/"
  local f
  for f in imapd imapd-ssl pop3d pop3d-ssl; do
    render "$TEMPLATES/courier/overrides.in" "$box/overrides.part" FILE="$f" LISTEN="$LISTEN" BOX="$box" TLS_DIR="$TLS_DIR"
    cat "$box/overrides.part" >> "$box/etc-courier/$f"
  done
  rm -f "$box/overrides.part"
  cat >> "$box/etc-courier/imapd" <<EOF
PORT=${PORT[COURIER_IMAP_STARTTLS]}
PIDFILE=/run/courier/imapd.pid
IMAPDSTART=YES
EOF
  cat >> "$box/etc-courier/imapd-ssl" <<EOF
SSLPORT=${PORT[COURIER_IMAP_IMPLICIT]}
SSLADDRESS=$LISTEN
SSLPIDFILE=/run/courier/imapd-ssl.pid
IMAPDSTARTTLS=YES
IMAP_TLS_REQUIRED=1
EOF
  cat >> "$box/etc-courier/pop3d" <<EOF
PORT=${PORT[COURIER_POP3_STARTTLS]}
PIDFILE=/run/courier/pop3d.pid
POP3DSTART=YES
EOF
  cat >> "$box/etc-courier/pop3d-ssl" <<EOF
SSLPORT=${PORT[COURIER_POP3_IMPLICIT]}
SSLADDRESS=$LISTEN
SSLPIDFILE=/run/courier/pop3d-ssl.pid
POP3_STARTTLS=YES
POP3_TLS_REQUIRED=1
EOF
  # WEAK listeners, one weakness each: IMAP over TLS 1.0/1.1 only; POP3 without STLS, USER/PASS in cleartext.
  cat > "$box/etc-courier/weak-tls11" <<EOF
# SecureMail interop WEAK: implicit-TLS IMAP allowing TLS 1.0/1.1 only.
SSLPORT=${PORT[COURIER_IMAP_WEAK_TLS11_IMPLICIT]}
TLS_PRIORITY="NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0:%VERIFY_ALLOW_SIGN_WITH_SHA1"
EOF
  cat > "$box/etc-courier/weak-nostarttls" <<EOF
# SecureMail interop WEAK: POP3 without STLS, USER/PASS accepted in cleartext.
PORT=${PORT[COURIER_POP3_WEAK_NOSTARTTLS]}
POP3_STARTTLS=NO
POP3_TLS_REQUIRED=0
POP3AUTH="PLAIN LOGIN"
EOF
  sed -i 's/^authmodulelist=.*/authmodulelist="authuserdb"/' "$box/etc-courier/authdaemonrc"
  printf '%s\tuid=%s|gid=%s|home=%s|mail=%s|systempw=%s\n' "$MAIL_USER" "$RUN_UID" "$RUN_GID" "$courier_home" \
    "$courier_home/Maildir" "$crypted" > "$box/etc-courier/userdb"
  chmod 0600 "$box/etc-courier/userdb"
  cat "$TLS_DIR/server.key" "$TLS_DIR/server-chain.pem" > "$box/server.pem"
  chown "${SB_UID[courier]}:${SB_GID[courier]}" "$box/server.pem"
  chmod 0600 "$box/server.pem"
  chown -R "$RUN_UID:$RUN_GID" "$MAIL_DIR/courier"
  chmod -R go-rwx "$courier_home"
  # What Debian's tmpfiles.d would make.
  mkdir -p "$box/run/courier/authdaemon"
  chown "0:${SB_GID[courier]}" "$box/run/courier"
  chmod 0775 "$box/run/courier"
  chown "${SB_UID[courier]}:${SB_GID[courier]}" "$box/run/courier/authdaemon"
  chmod 0750 "$box/run/courier/authdaemon"
  printf '%s /etc/courier\n' "$box/etc-courier" > "$box/binds"
  cp "$HERE/courier-start.sh" "$box/courier-start.sh"
  chmod 0755 "$box/courier-start.sh"

  # --- OpenSMTPD -----------------------------------------------------------------------------------
  # No weak twin: 6.8 has no per-listener TLS settings, and no TLS handshake completes anyway (see the template).
  box="$SRV/opensmtpd"
  sandbox_base opensmtpd
  mkdir -p "$box/spool" "$box/var/spool/smtpd"
  render "$TEMPLATES/opensmtpd/smtpd.conf.in" "$box/etc/smtpd.conf" BOX="$box" TLS_DIR="$TLS_DIR" LISTEN="$LISTEN" \
    DOMAIN="$DOMAIN" ADDRESS="$MAIL_USER@$DOMAIN" RUN_USER="$INTEROP_RUN_USER" \
    COURIER_MAILDIR="$MAIL_DIR/courier/$MAIL_USER/Maildir" \
    STARTTLS_PORT="${PORT[OPENSMTPD_SMTP_SUBMISSION_STARTTLS]}" IMPLICIT_PORT="${PORT[OPENSMTPD_SMTP_SUBMISSION_IMPLICIT]}"
  printf '%s %s\n' "$MAIL_USER" "$crypted" > "$box/creds"
  cp "$TLS_DIR/server-ec.key" "$box/server.key"
  chmod 0600 "$box/server.key" "$box/creds"
  chmod 0644 "$box/etc/smtpd.conf"
  chmod 0711 "$box/spool"
  printf '%s /var/spool/smtpd\n' "$box/spool" > "$box/binds"
}

# sandbox_launch NAME COMMAND...: starts COMMAND (which daemonizes) in sandbox NAME, in the background; its output
# goes to SRV/NAME/start.out. Collect with wait_sandboxes.
SANDBOX_JOBS=()
SANDBOX_JOB_NAMES=()
sandbox_launch() {
  local name=$1; shift
  unshare --mount --propagation private -- "$HERE/sandbox.sh" "$SRV" "$name" "$INTEROP_PKGROOT" "$@" \
    > "$SRV/$name/start.out" 2>&1 < /dev/null &
  SANDBOX_JOBS+=($!)
  SANDBOX_JOB_NAMES+=("$name")
}

start_sandboxes() {
  sandbox_launch cyrus /usr/sbin/cyrmaster -d -p /run/master.pid
  sandbox_launch exim /usr/sbin/exim4 -bd
  sandbox_launch courier /bin/sh "$SRV/courier/courier-start.sh"
  sandbox_launch opensmtpd /usr/sbin/smtpd -f /etc/smtpd.conf
}

wait_sandboxes() {
  local i failed=0
  for i in "${!SANDBOX_JOBS[@]}"; do
    if ! wait "${SANDBOX_JOBS[$i]}"; then
      log "sandbox ${SANDBOX_JOB_NAMES[$i]} failed to start"
      show_tail "$SRV/${SANDBOX_JOB_NAMES[$i]}/start.out" "$SRV/${SANDBOX_JOB_NAMES[$i]}/syslog.log"
      failed=1
    fi
  done
  return $failed
}
