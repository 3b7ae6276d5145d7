#!/usr/bin/env python3
"""webhook_listener.py PORTFILE OUTFILE [FAILURES]: a one-shot HTTP
listener on 127.0.0.1 for the alert webhook test.

Binds an ephemeral port on loopback, writes the port to PORTFILE, answers
the first FAILURES POSTs with 503 (to exercise retries), stores the body
of the first successful POST in OUTFILE, and exits.  Gives up after 30 s.
"""
import http.server
import sys
import threading

port_file, out_file = sys.argv[1], sys.argv[2]
failures = int(sys.argv[3]) if len(sys.argv) > 3 else 0
state = {'seen': 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        state['seen'] += 1
        if state['seen'] <= failures:
            self.send_response(503)
            self.end_headers()
            return
        with open(out_file, 'wb') as f:
            f.write(body)
        self.send_response(200)
        self.end_headers()
        threading.Thread(target=self.server.shutdown).start()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
with open(port_file, 'w') as f:
    f.write(str(server.server_address[1]))
timer = threading.Timer(30, server.shutdown)
timer.daemon = True
timer.start()
server.serve_forever()
