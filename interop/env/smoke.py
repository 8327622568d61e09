#!/usr/bin/env python3
"""Smoke test of a running SecureMail interop environment (see start.sh); stdlib and openssl only.

Sends mail through every good SMTP listener, reads it back over every good IMAP/POP3 listener,
prints what each TLS port negotiates, and proves that each weak listener has its one weakness
(and that the good listeners refuse the same weak settings). Prints "N passed, N failed".
"""
import glob
import imaplib
import os
import poplib
import smtplib
import ssl
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage

if len(sys.argv) != 2:
    sys.exit("usage: smoke.py WORKDIR")
WORKDIR = sys.argv[1]
props = {}
with open(os.path.join(WORKDIR, "interop.properties")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, v = line.partition("=")
            props[k] = v

HOST = props["host"]
CA = props["ca.file"]
USER, PASSWORD, ADDRESS = props["user"], props["password"], props["mail.address"]
TOKEN = uuid.uuid4().hex[:12]
TIMEOUT = 15
results = {"passed": 0, "failed": 0}


def port(key):
    return int(props[key + ".port"])


def check(name, fn):
    try:
        detail = fn()
        results["passed"] += 1
        print("PASS %-44s %s" % (name, detail or ""))
    except Exception as e:  # noqa: BLE001 - report everything, keep going
        results["failed"] += 1
        print("FAIL %-44s %s: %s" % (name, type(e).__name__, e))


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def context():
    """A strict client: our CA only, host name (IP SAN) checked, TLS 1.2+."""
    ctx = ssl.create_default_context(cafile=CA)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def describe(sock):
    version, cipher = sock.version(), sock.cipher()[0]
    return "%s %s" % (version, cipher)


def message(subject):
    msg = EmailMessage()
    msg["From"] = ADDRESS
    msg["To"] = ADDRESS
    msg["Subject"] = "%s %s" % (subject, TOKEN)
    msg.set_content("SecureMail interop smoke test: %s\n" % subject)
    return msg


# --- s_client helpers ------------------------------------------------------------------------
def s_client(port_, starttls=None, extra=()):
    """Runs openssl s_client; returns (ok, protocol, cipher, output)."""
    cmd = ["openssl", "s_client", "-connect", "%s:%d" % (HOST, port_), "-brief",
           "-CAfile", CA, "-verify_return_error", "-verify_ip", HOST]
    if starttls:
        cmd += ["-starttls", starttls]
    cmd += list(extra)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
    out = p.stdout + p.stderr
    proto = cipher = None
    for line in out.splitlines():
        if line.startswith("Protocol version:"):
            proto = line.split(":", 1)[1].strip()
        elif line.startswith("Ciphersuite:"):
            cipher = line.split(":", 1)[1].strip()
    ok = "CONNECTION ESTABLISHED" in out and proto is not None
    return ok, proto, cipher, out


LEGACY = ["-cipher", "DEFAULT:@SECLEVEL=0"]  # OpenSSL 3 needs level 0 for TLS < 1.2 (client too)


def must_negotiate(port_, starttls, extra, want_proto, want_cipher=None):
    ok, proto, cipher, out = s_client(port_, starttls, extra)
    expect(ok, "handshake failed: %s" % out.strip().splitlines()[-1:])
    expect(proto == want_proto, "negotiated %s, expected %s" % (proto, want_proto))
    if want_cipher:
        expect(cipher == want_cipher, "negotiated %s, expected %s" % (cipher, want_cipher))
    return "s_client %s -> %s %s" % (" ".join(extra) or "(defaults)", proto, cipher)


def temp_key(out):
    for line in out.splitlines():
        if line.startswith("Server Temp Key:"):
            return line.split(":", 1)[1].strip()
    return None


def must_refuse(port_, starttls, extra):
    ok, proto, cipher, _ = s_client(port_, starttls, extra)
    expect(not ok, "handshake succeeded with %s %s" % (proto, cipher))
    return "s_client %s -> refused" % " ".join(extra)


# --- SMTP: send -------------------------------------------------------------------------------
def smtp_submission_starttls():
    with smtplib.SMTP(HOST, port("smtp.submission.starttls"), timeout=TIMEOUT) as s:
        s.ehlo("smoke.test")
        expect(s.has_extn("starttls"), "STARTTLS not offered")
        expect(not s.has_extn("auth"), "AUTH offered before TLS")
        code, _ = s.docmd("MAIL FROM:<%s>" % ADDRESS)
        expect(code == 530, "MAIL before STARTTLS answered %d, expected 530" % code)
        s.starttls(context=context())
        s.ehlo("smoke.test")
        expect(s.has_extn("auth"), "AUTH not offered after TLS")
        s.login(USER, PASSWORD)
        s.send_message(message("submission-starttls"))
        return describe(s.sock) + ", AUTH only after STARTTLS, MAIL before STARTTLS -> 530"


def smtp_submission_implicit():
    with smtplib.SMTP_SSL(HOST, port("smtp.submission.implicit"), timeout=TIMEOUT, context=context()) as s:
        s.ehlo("smoke.test")
        s.login(USER, PASSWORD)
        s.send_message(message("submission-implicit"))
        return describe(s.sock)


def smtp_submission_requires_auth():
    with smtplib.SMTP_SSL(HOST, port("smtp.submission.implicit"), timeout=TIMEOUT, context=context()) as s:
        s.ehlo("smoke.test")
        s.mail(ADDRESS)
        code, _ = s.rcpt(ADDRESS)
        expect(code >= 500, "unauthenticated RCPT answered %d" % code)
        return "unauthenticated RCPT -> %d" % code


def smtp_relay_plain():
    with smtplib.SMTP(HOST, port("smtp.relay"), timeout=TIMEOUT) as s:
        s.ehlo("smoke.test")
        expect(s.has_extn("starttls"), "STARTTLS not offered")
        expect(not s.has_extn("auth"), "relay offers AUTH")
        s.send_message(message("relay-cleartext"))
        return "accepted without TLS (opportunistic listener), STARTTLS offered"


def smtp_relay_starttls():
    with smtplib.SMTP(HOST, port("smtp.relay"), timeout=TIMEOUT) as s:
        s.starttls(context=context())
        s.ehlo("smoke.test")
        s.send_message(message("relay-starttls"))
        s.rset()
        s.mail(ADDRESS)
        code, _ = s.rcpt("someone@example.com")
        expect(code >= 500, "relay for example.com answered %d" % code)
        return describe(s.sock) + ", foreign recipient -> %d" % code


# --- delivery ---------------------------------------------------------------------------------
EXPECTED = ["submission-starttls", "submission-implicit", "relay-cleartext", "relay-starttls"]


def delivered():
    maildir = props["maildir"]
    deadline = time.monotonic() + 20
    while True:
        found = set()
        for path in glob.glob(os.path.join(maildir, "new", "*")) + glob.glob(os.path.join(maildir, "cur", "*")):
            try:
                with open(path, errors="replace") as f:
                    head = f.read(8192)
            except OSError:
                continue
            for name in EXPECTED:
                if "Subject: %s %s" % (name, TOKEN) in head:
                    found.add(name)
        if found == set(EXPECTED) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    expect(found == set(EXPECTED), "missing in Maildir after 20 s: %s" % sorted(set(EXPECTED) - found))
    return "%d messages in %s" % (len(found), maildir)


# --- IMAP / POP3: read back -------------------------------------------------------------------
def imap_count(imap):
    imap.select("INBOX", readonly=True)
    _, data = imap.search(None, "SUBJECT", TOKEN)
    n = len(data[0].split())
    expect(n == len(EXPECTED), "found %d of %d messages" % (n, len(EXPECTED)))
    return n


def imap_implicit():
    with imaplib.IMAP4_SSL(HOST, port("imap.implicit"), ssl_context=context(), timeout=TIMEOUT) as i:
        i.login(USER, PASSWORD)
        n = imap_count(i)
        return "%s, %d messages" % (describe(i.sock), n)


def imap_starttls():
    with imaplib.IMAP4(HOST, port("imap.starttls"), timeout=TIMEOUT) as i:
        caps = i.capabilities
        expect("STARTTLS" in caps, "STARTTLS not offered: %s" % (caps,))
        expect("LOGINDISABLED" in caps, "LOGINDISABLED missing before TLS: %s" % (caps,))
        try:
            i.login(USER, PASSWORD)
            raise AssertionError("cleartext LOGIN accepted")
        except imaplib.IMAP4.error:
            pass
        i.starttls(ssl_context=context())
        i.login(USER, PASSWORD)
        n = imap_count(i)
        return "%s, %d messages, LOGINDISABLED and LOGIN refused before STARTTLS" % (describe(i.sock), n)


def pop3_count(p):
    n = 0
    for i in range(1, p.stat()[0] + 1):
        if TOKEN.encode() in b"\n".join(p.top(i, 0)[1]):
            n += 1
    expect(n == len(EXPECTED), "found %d of %d messages" % (n, len(EXPECTED)))
    return n


def pop3_implicit():
    p = poplib.POP3_SSL(HOST, port("pop3.implicit"), context=context(), timeout=TIMEOUT)
    try:
        p.user(USER)
        p.pass_(PASSWORD)
        n = pop3_count(p)
        return "%s, %d messages" % (describe(p.sock), n)
    finally:
        p.quit()


def pop3_starttls():
    p = poplib.POP3(HOST, port("pop3.starttls"), timeout=TIMEOUT)
    try:
        expect("STLS" in p.capa(), "STLS not offered")
        try:
            p.user(USER)
            p.pass_(PASSWORD)
            raise AssertionError("cleartext USER/PASS accepted")
        except poplib.error_proto:
            pass
        p.stls(context=context())
        p.user(USER)
        p.pass_(PASSWORD)
        n = pop3_count(p)
        return "%s, %d messages, USER/PASS refused before STLS" % (describe(p.sock), n)
    finally:
        p.quit()


# --- weak listeners ---------------------------------------------------------------------------
def smtp_weak_nostarttls():
    with smtplib.SMTP(HOST, port("smtp.weak.nostarttls"), timeout=TIMEOUT) as s:
        s.ehlo("smoke.test")
        expect(not s.has_extn("starttls"), "STARTTLS offered")
        expect(s.has_extn("auth"), "AUTH not offered")
        mechanisms = s.esmtp_features["auth"].strip()
        s.login(USER, PASSWORD)
        return "EHLO: no STARTTLS, AUTH %s offered and accepted in cleartext" % mechanisms


def imap_weak_nostarttls():
    with imaplib.IMAP4(HOST, port("imap.weak.nostarttls"), timeout=TIMEOUT) as i:
        caps = i.capabilities
        expect("STARTTLS" not in caps, "STARTTLS offered")
        expect("LOGINDISABLED" not in caps, "LOGINDISABLED present")
        i.login(USER, PASSWORD)
        return "CAPABILITY without STARTTLS; cleartext LOGIN accepted"


def pop3_weak_nostarttls():
    p = poplib.POP3(HOST, port("pop3.weak.nostarttls"), timeout=TIMEOUT)
    try:
        expect("STLS" not in p.capa(), "STLS offered")
        p.user(USER)
        p.pass_(PASSWORD)
        return "CAPA without STLS; cleartext USER/PASS accepted"
    finally:
        p.quit()


TLS_PORTS = [  # (property key, s_client -starttls protocol or None)
    ("smtp.submission.starttls", "smtp"), ("smtp.submission.implicit", None), ("smtp.relay", "smtp"),
    ("imap.starttls", "imap"), ("imap.implicit", None), ("pop3.starttls", "pop3"), ("pop3.implicit", None),
]
WEAK_TLS11 = [
    ("smtp.weak.tls11", "smtp"), ("smtp.weak.tls11.implicit", None),
    ("imap.weak.tls11", "imap"), ("imap.weak.tls11.implicit", None),
    ("pop3.weak.tls11", "pop3"), ("pop3.weak.tls11.implicit", None),
]
WEAK_NONFS = [
    ("smtp.weak.nonfs", "smtp"), ("smtp.weak.nonfs.implicit", None),
    ("imap.weak.nonfs", "imap"), ("imap.weak.nonfs.implicit", None),
    ("pop3.weak.nonfs", "pop3"), ("pop3.weak.nonfs.implicit", None),
]


def good_port(key, proto):
    ok, ver, cipher, out = s_client(port(key), proto)
    expect(ok, "handshake failed: %s" % out.strip().splitlines()[-1:])
    expect(ver in ("TLSv1.2", "TLSv1.3"), "negotiated %s" % ver)
    expect(ver == "TLSv1.3" or cipher.startswith(("ECDHE-", "DHE-")), "not forward secret: %s" % cipher)
    ok12, ver12, cipher12, out12 = s_client(port(key), proto, ["-tls1_2"])
    expect(ok12 and ver12 == "TLSv1.2", "TLS 1.2 handshake failed: %s" % out12.strip().splitlines()[-1:])
    expect(cipher12.startswith(("ECDHE-", "DHE-")), "TLS 1.2 suite not forward secret: %s" % cipher12)
    must_refuse(port(key), proto, ["-tls1_1"] + LEGACY)
    must_refuse(port(key), proto, ["-tls1_2", "-cipher", "AES128-GCM-SHA256"])
    return "s_client -> %s %s (-tls1_2: %s); refuses TLS 1.1, non-FS AES128-GCM-SHA256" % (
        ver, cipher, cipher12)


def weak_tls11(key, proto):
    got = must_negotiate(port(key), proto, ["-tls1_1"] + LEGACY, "TLSv1.1")
    must_refuse(port(key), proto, ["-tls1_2"])
    must_refuse(port(key), proto, [])
    return got + "; refuses TLS 1.2 and client defaults"


def weak_nonfs(key, proto):
    got = must_negotiate(port(key), proto, [], "TLSv1.2", "AES128-GCM-SHA256")
    must_refuse(port(key), proto, ["-tls1_2", "-cipher", "ECDHE:DHE"])
    must_refuse(port(key), proto, ["-tls1_3"])
    return got + "; refuses every FS suite and TLS 1.3"


CBC_SUITES = ("ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA")


def weak_cbc(key, proto):
    ok, ver, cipher, out = s_client(port(key), proto)
    expect(ok, "handshake failed: %s" % out.strip().splitlines()[-1:])
    expect(ver == "TLSv1.2" and cipher in CBC_SUITES, "negotiated %s %s" % (ver, cipher))
    must_refuse(port(key), proto, ["-tls1_2", "-cipher", "AESGCM:CHACHA20"])
    must_refuse(port(key), proto, ["-tls1_3"])
    return "s_client (defaults) -> %s %s (%s); refuses every AEAD suite and TLS 1.3" % (ver, cipher, temp_key(out))


def weak_dhe1024(key, proto):
    ok, ver, cipher, out = s_client(port(key), proto, ["-cipher", "DHE:@SECLEVEL=1"])
    expect(ok, "handshake failed: %s" % out.strip().splitlines()[-1:])
    expect(ver == "TLSv1.2" and cipher.startswith("DHE-RSA-AES"), "negotiated %s %s" % (ver, cipher))
    expect(temp_key(out) == "DH, 1024 bits", "server key %s" % temp_key(out))
    ok2, _, _, out2 = s_client(port(key), proto)
    expect(not ok2 and "dh key too small" in out2, "OpenSSL's default client did not object to the group")
    must_refuse(port(key), proto, ["-tls1_2", "-cipher", "ECDHE"])
    return "s_client -cipher DHE:@SECLEVEL=1 -> %s %s (%s); default client: dh key too small; no ECDHE" % (
        ver, cipher, temp_key(out))


def main():
    print("SecureMail interop smoke test against %s (token %s)" % (HOST, TOKEN))
    check("smtp submission STARTTLS + AUTH", smtp_submission_starttls)
    check("smtp submission implicit TLS + AUTH", smtp_submission_implicit)
    check("smtp submission refuses unauthenticated", smtp_submission_requires_auth)
    check("smtp relay cleartext", smtp_relay_plain)
    check("smtp relay STARTTLS", smtp_relay_starttls)
    check("delivery into Maildir", delivered)
    check("imap implicit TLS read back", imap_implicit)
    check("imap STARTTLS read back", imap_starttls)
    check("pop3 implicit TLS read back", pop3_implicit)
    check("pop3 STLS read back", pop3_starttls)
    for key, proto in TLS_PORTS:
        check("tls " + key, lambda k=key, p=proto: good_port(k, p))
    check("weak smtp.weak.nostarttls", smtp_weak_nostarttls)
    check("weak imap.weak.nostarttls", imap_weak_nostarttls)
    check("weak pop3.weak.nostarttls", pop3_weak_nostarttls)
    for key, proto in WEAK_TLS11:
        check("weak " + key, lambda k=key, p=proto: weak_tls11(k, p))
    for key, proto in WEAK_NONFS:
        check("weak " + key, lambda k=key, p=proto: weak_nonfs(k, p))
    for key, proto in [("smtp.weak.cbc", "smtp"), ("smtp.weak.cbc.implicit", None)]:
        check("weak " + key, lambda k=key, p=proto: weak_cbc(k, p))
    for key, proto in [("smtp.weak.dhe1024", "smtp"), ("smtp.weak.dhe1024.implicit", None)]:
        check("weak " + key, lambda k=key, p=proto: weak_dhe1024(k, p))
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
