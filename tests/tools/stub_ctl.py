#!/usr/bin/env python3
"""stub_ctl.py URL [JSON]: with JSON, POST it to URL/_control of
gcp_stub.py; without, print the stub's state (GET URL/_state).  Never
goes through a proxy (the stub is on loopback)."""
import sys
import urllib.request

opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
if len(sys.argv) > 2:
    req = urllib.request.Request(sys.argv[1] + '/_control',
                                 data=sys.argv[2].encode())
else:
    req = urllib.request.Request(sys.argv[1] + '/_state')
print(opener.open(req, timeout=10).read().decode())
