#!/usr/bin/env bash
# sandbox.sh SRV NAME PKGROOT COMMAND...: runs COMMAND as root in a private mount namespace whose root directory is
# built for one server family (NAME) of the interop environment. Started by start.sh through `unshare --mount`; never
# run it on its own.
#
# The servers that Debian cannot install beside Postfix and Dovecot (Exim, OpenSMTPD, Cyrus, Courier: they conflict on
# mail-transport-agent / imap-server) are unpacked by install.sh into PKGROOT, not installed. Their binaries expect
# Debian's paths (/usr/lib/courier, /etc/courier, /var/spool/smtpd, /run/courier, users such as Debian-exim). Inside
# this namespace, and only there, those paths exist:
#   /usr, /var   read-only overlays: PKGROOT on top of the machine's own /usr and /var (and SRV/NAME/var on top of
#                /var when it exists: mount points for the writable directories listed in SRV/NAME/binds)
#   /etc         read-only overlay: SRV/NAME/etc (our configs, passwd and group with the servers' users) on top of
#                PKGROOT/etc on top of the machine's /etc
#   /run         SRV/NAME/run (writable; pid files and sockets, visible from outside)
#   /dev         a small tmpfs: null, zero, full, random, urandom, tty, and log -> /run/log.sock (our syslog collector)
#   /tmp         a private tmpfs
#   SRV          the whole server tree, writable, at its own path (certificates, mail stores, logs)
# Nothing is mounted or changed outside the namespace; it disappears when its last process ends.
set -euo pipefail
SRV=$1 NAME=$2 PKGROOT=$3
shift 3
BOX="$SRV/$NAME"
ROOT="$BOX/root"

mount --make-rprivate /
mount -t tmpfs -o mode=0755 "securemail-$NAME" "$ROOT"
for l in bin lib lib64 sbin; do
  [[ -L "/$l" ]] && ln -s "$(readlink "/$l")" "$ROOT/$l"
done
mkdir -p "$ROOT/usr" "$ROOT/etc" "$ROOT/var" "$ROOT/proc" "$ROOT/dev" "$ROOT/run" "$ROOT/tmp"
mount -t overlay "securemail-$NAME-usr" -o "ro,lowerdir=$PKGROOT/usr:/usr" "$ROOT/usr"
mount -t overlay "securemail-$NAME-etc" -o "ro,lowerdir=$BOX/etc:$PKGROOT/etc:/etc" "$ROOT/etc"
var_layers="$PKGROOT/var:/var"
[[ -d "$BOX/var" ]] && var_layers="$BOX/var:$var_layers"
mount -t overlay "securemail-$NAME-var" -o "ro,lowerdir=$var_layers" "$ROOT/var"
mount -t proc proc "$ROOT/proc"
mount --bind "$BOX/run" "$ROOT/run"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$ROOT/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r n major minor <<< "$node"
  mknod -m 0666 "$ROOT/dev/$n" c "$major" "$minor"
done
ln -s /proc/self/fd "$ROOT/dev/fd"
ln -s /run/log.sock "$ROOT/dev/log"
mkdir -p "$ROOT$SRV"
mount --bind "$SRV" "$ROOT$SRV"
# Extra writable directories a server insists on (SRV/NAME/binds: "source target" per line).
if [[ -f "$BOX/binds" ]]; then
  while read -r src dst; do
    [[ -n "$src" ]] || continue
    mount --bind "$src" "$ROOT$dst"
  done < "$BOX/binds"
fi

# syslog: the servers that only log there get a collector writing SRV/NAME/syslog.log.
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  setsid python3 "$SRV/syslog-collector.py" /run/log.sock "$BOX/syslog.log" < /dev/null > /dev/null 2>&1 &
for _ in $(seq 100); do [[ -S "$BOX/run/log.sock" ]] && break; sleep 0.02; done
[[ -S "$BOX/run/log.sock" ]] || { echo "sandbox $NAME: syslog collector did not start" >&2; exit 1; }

cd /
exec chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/ "$@"
