#!/usr/bin/env python3
"""tcp_listener.py PORTFILE [ADDR]: accept TCP connections on ADDR
(default 127.0.0.1) on an ephemeral port, written to PORTFILE, and close
each at once; the target of the latency probes in tests.  Exits after
600 s."""
import os
import socket
import sys
import threading

addr = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'
s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, 0))
s.listen(128)
with open(sys.argv[1] + '.tmp', 'w') as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
threading.Timer(600, lambda: os._exit(0)).start()
while True:
    c, _ = s.accept()
    c.close()
