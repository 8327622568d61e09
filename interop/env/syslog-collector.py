"""syslog-collector.py SOCKET FILE: a minimal syslog receiver for the interop sandboxes (sandbox.sh).

Cyrus, Courier and parts of Exim log only through syslog(3), and the machine may run no syslog daemon. Inside each
sandbox /dev/log points at SOCKET; every datagram is appended to FILE as one line. Runs until killed (stop.sh).
"""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path + ".tmp")
os.chmod(path + ".tmp", 0o666)
os.rename(path + ".tmp", path)
with open(out, "ab", buffering=0) as f:
    while True:
        data = s.recv(65536)
        # "<PRI>Mmm dd hh:mm:ss tag[pid]: text": keep the text after the priority, stamp it ourselves.
        if data.startswith(b"<"):
            data = data.split(b">", 1)[-1]
        f.write(time.strftime("%Y-%m-%d %H:%M:%S ").encode() + data.rstrip(b"\0\n") + b"\n")
