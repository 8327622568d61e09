#!/bin/sh
# SecureMail interop: starts Courier inside its sandbox (sandbox.sh; start.sh copies this file to SRV/courier).
# Debian's own start scripts for authdaemond, imapd, imapd-ssl, pop3d and pop3d-ssl read the configuration in
# /etc/courier (here SRV/courier/etc-courier); the two weak listeners are started the same way with one file more.
set -e
cd /etc/courier
makeuserdb
# Debian's makeimapaccess calls /usr/bin/makedat, which Debian installs as /usr/lib/courier/makedat.
/usr/lib/courier/makedat -src=/etc/courier/imapaccess -file=/etc/courier/imapaccess.dat \
  -tmp=/etc/courier/imapaccess.tmp -cidr
/usr/sbin/authdaemond start
/usr/sbin/imapd start
/usr/sbin/imapd-ssl start
/usr/sbin/pop3d start
/usr/sbin/pop3d-ssl start

/usr/bin/env -i /bin/sh -c 'set -a; prefix=/usr; exec_prefix=/usr; sbindir=/usr/sbin; bindir=/usr/bin;
  . /etc/courier/imapd; . /etc/courier/imapd-ssl; . /etc/courier/weak-tls11; IMAP_TLS=1;
  exec /usr/sbin/courierlogger -pid=/run/courier/imapd-weak-tls11.pid -start -name=imapd-weak-tls11 \
    /usr/sbin/couriertcpd -address=$SSLADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP \
      -access=$IMAPACCESSFILE.dat $TCPDOPTS $SSLPORT $COURIERTLS -server -tcpd -user=courier \
      /usr/lib/courier/courier/imaplogin /usr/bin/imapd $MAILDIRPATH'
/usr/bin/env -i /bin/sh -c 'set -a; prefix=/usr; exec_prefix=/usr; sbindir=/usr/sbin; bindir=/usr/bin;
  libexecdir=/usr/lib/courier; . /etc/courier/pop3d; . /etc/courier/pop3d-ssl; . /etc/courier/weak-nostarttls;
  exec /usr/sbin/courierlogger -pid=/run/courier/pop3d-weak-nostarttls.pid -start -name=pop3d-weak-nostarttls \
    /usr/sbin/couriertcpd -address=$ADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP $TCPDOPTS \
      $PORT /usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d $MAILDIRPATH'
