# shellcheck shell=bash
# SecureMail interop: the DNS side, sourced by start.sh after the certificates exist. An authoritative NSD on
# $LISTEN (loopback), port ${PORT[DNS]}, serving test zones signed for this run with ldnsutils:
#
#   DNS_PARENT                 signed; its KSK's DS record is the trust anchor (WORKDIR/dns-trust-anchors.txt)
#   secure.DNS_PARENT          signed, DS in the parent: answers validate (SECURE)
#   insecure.DNS_PARENT        unsigned, no DS in the parent: an insecure delegation (INSECURE)
#   bogus.DNS_PARENT           signed, but the DS in the parent names a key the zone does not use (BOGUS)
#   nullmx.DNS_PARENT          a null MX (RFC 7505), in the parent
#   nomx.DNS_PARENT            an A record and no MX, in the parent (implicit MX)
#
# Templates: templates/nsd/. Uses: render, die, SRV, LISTEN, PORT, TLS_DIR, WORKDIR (start.sh).

DNS_PARENT=securemail.test
DNS_DIR="$SRV/nsd"
# Where the MTA-STS policy hosts (mta-sts.sts.ZONE) point: the relay tests serve policies from the JVM on 127.0.0.1.
DNS_POLICY_HOST=127.0.0.1

# spki_sha256 PEM: the SHA-256 of a certificate's SubjectPublicKeyInfo, hex (TLSA selector 1, matching type 1).
spki_sha256() {
  openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -hex \
    | sed 's/^.*= *//' | tr 'a-f' 'A-F'
}

# new_key ZONE [-k]: makes an ECDSA P-256 key (a KSK with -k) in DNS_DIR/keys and prints its base name.
new_key() {
  local zone=$1 flag=${2:-} base
  base=$(cd "$DNS_DIR/keys" && ldns-keygen -a ECDSAP256SHA256 ${flag:+"$flag"} "$zone") || die 1 "ldns-keygen failed for $zone"
  rm -f "$DNS_DIR/keys/$base.ds"
  printf '%s\n' "$DNS_DIR/keys/$base"
}

# sign_zone ZONE: signs DNS_DIR/ZONE.zone with a fresh KSK and ZSK (valid for 7 days) into ZONE.zone.signed;
# sets KSK to the KSK's base name.
sign_zone() {
  local zone=$1 zsk
  KSK=$(new_key "$zone" -k)
  zsk=$(new_key "$zone")
  ldns-signzone -f "$DNS_DIR/$zone.zone.signed" -o "$zone" -e "$(date -u -d '+7 days' +%Y%m%d%H%M%S)" \
    "$DNS_DIR/$zone.zone" "$KSK" "$zsk" || die 1 "ldns-signzone failed for $zone"
}

# corrupt_signature ZONE OWNER TYPE: changes the first character of the signature of OWNER's RRSIG over TYPE in
# DNS_DIR/ZONE.zone.signed, so that the record set fails validation (bogus) while everything else in the zone validates.
corrupt_signature() {
  local zone=$1 owner=$2 type=$3 file="$DNS_DIR/$1.zone.signed"
  awk -v owner="$owner" -v type="$type" '
    $1 == owner && $4 == "RRSIG" && $5 == type {
      sig = $NF; first = substr(sig, 1, 1)
      sub(/[^ \t]+$/, (first == "A" ? "B" : "A") substr(sig, 2)); n++
    }
    { print }
    END { if (n != 1) exit 1 }' "$file" > "$file.tmp" \
    || die 1 "corrupt_signature: no single RRSIG $type at $owner in $file"
  mv -f "$file.tmp" "$file"
}

configure_dns() {
  local serial spki ca_spki wrong child
  mkdir -p "$DNS_DIR/keys" "$DNS_DIR/xfr"
  chmod 0700 "$DNS_DIR/keys"
  serial=$(date -u +%s)
  spki=$(spki_sha256 "$TLS_DIR/server.pem")
  ca_spki=$(spki_sha256 "$TLS_DIR/ca.pem")
  wrong=$(openssl rand -hex 32 | tr 'a-f' 'A-F')
  render "$TEMPLATES/nsd/nsd.conf.in" "$DNS_DIR/nsd.conf" LISTEN="$LISTEN" PORT="${PORT[DNS]}" DIR="$DNS_DIR" \
    PARENT="$DNS_PARENT"
  for child in secure insecure bogus; do
    render "$TEMPLATES/nsd/child.zone.in" "$DNS_DIR/$child.$DNS_PARENT.zone" ZONE="$child.$DNS_PARENT" \
      PARENT="$DNS_PARENT" KIND="$child" LISTEN="$LISTEN" SERIAL="$serial" SPKI_SHA256="$spki" \
      CA_SPKI_SHA256="$ca_spki" WRONG_SHA256="$wrong" POLICY_HOST="$DNS_POLICY_HOST"
  done
  render "$TEMPLATES/nsd/parent.zone.in" "$DNS_DIR/$DNS_PARENT.zone" PARENT="$DNS_PARENT" LISTEN="$LISTEN" \
    SERIAL="$serial"

  sign_zone "secure.$DNS_PARENT"
  corrupt_signature "secure.$DNS_PARENT" "_25._tcp.mx-badsig.secure.$DNS_PARENT." TLSA
  ldns-key2ds -n -2 "$KSK.key" >> "$DNS_DIR/$DNS_PARENT.zone" || die 1 "ldns-key2ds failed"
  sign_zone "bogus.$DNS_PARENT"
  # The parent vouches for a key the zone never uses: every answer from bogus.* fails validation.
  ldns-key2ds -n -2 "$(new_key "bogus.$DNS_PARENT" -k).key" >> "$DNS_DIR/$DNS_PARENT.zone" \
    || die 1 "ldns-key2ds failed"
  sign_zone "$DNS_PARENT"
  ldns-key2ds -n -2 "$KSK.key" > "$DNS_DIR/trust-anchors.txt" || die 1 "ldns-key2ds failed"
  chmod 0644 "$DNS_DIR"/*.zone* "$DNS_DIR/trust-anchors.txt" "$DNS_DIR/nsd.conf"
  cp "$DNS_DIR/trust-anchors.txt" "$WORKDIR/dns-trust-anchors.txt"
  nsd-checkconf "$DNS_DIR/nsd.conf" || die 1 "nsd-checkconf refused $DNS_DIR/nsd.conf"
}

start_dns() {
  if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C nsd -c "$DNS_DIR/nsd.conf" > "$DNS_DIR/start.out" 2>&1 < /dev/null; then
    show_tail "$DNS_DIR/start.out" "$DNS_DIR/nsd.log"
    die 1 "NSD did not start"
  fi
}

# wait_dns SECONDS: until NSD answers the parent's SOA over UDP and TCP.
wait_dns() {
  local deadline=$(( $(date +%s) + $1 ))
  while (( $(date +%s) < deadline )); do
    if drill -Q -p "${PORT[DNS]}" @"$LISTEN" SOA "$DNS_PARENT" >/dev/null 2>&1 \
        && drill -t -Q -p "${PORT[DNS]}" @"$LISTEN" SOA "$DNS_PARENT" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.05
  done
  show_tail "$DNS_DIR/start.out" "$DNS_DIR/nsd.log"
  return 1
}
