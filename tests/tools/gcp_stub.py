#!/usr/bin/env python3
"""gcp_stub.py - a stand-in for the Compute Engine REST API, for tests.

Listens on 127.0.0.1 on an ephemeral port (written to --port-file), keeps
state (instances, machine images, operations, quotas, zones) and speaks
the real JSON shapes: Operation resources that go PENDING -> RUNNING ->
DONE after --op-delay seconds, with error.errors[].code when they fail;
Instance resources with networkInterfaces[0].networkIP and
accessConfigs[0].natIP; 404 for what does not exist; requestId
idempotency (a repeated id returns the first operation and does nothing);
the standard Google error body for refusals.  Python 3 standard library
only.

    gcp_stub.py --port-file F --log F --regions data/gcp_regions.csv
                [--instances gcloud.json] [--token T] [--jwt-modulus HEX]
                [--token-lifetime S] [--op-delay S] [--network-ip A]
                [--nat-ip A] [--zones-page-size N] [--control JSON]...

Every API request (and token request) is appended to --log as one JSON
line {"method", "path", "query", "status"}.  Faults are scripted with
--control at start or by POSTing the same JSON to /_control:

  {"fault": {"match": RE, "status": 429, "count": N, "retry_after": 1}}
  {"fault": {"match": RE, "reset": true, "count": N}}   connection reset
  {"hang": {"match": RE, "when": "before"|"after"}}      hold one request
  {"release": true}                                     let it go
  {"release": true, "drop": true}   let it go unanswered; one held
                                    "before" is then never acted on
  {"zone_error": {"ZONE": "ZONE_RESOURCE_POOL_EXHAUSTED"}}
  {"insert_quota": {"region": R, "metric": "CPUS"}}    regional quota
  {"insert_quota": {"metric": "GPUS_ALL_REGIONS"}}      project-wide
  {"quota": {"region": R, "metric": "CPUS", "limit": 0, "usage": 0}}
  {"zone_status": {"ZONE": "DOWN"}}
  {"op_delay": 0.5}
  {"revoke_tokens": true}          forget the tokens /token handed out

RE is matched against "METHOD /path?query".  GET /_state returns the
state (instances, images, counters, whether a request is held).
"""
import argparse
import base64
import hashlib
import http.server
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse

P = argparse.ArgumentParser()
P.add_argument('--port-file', required=True)
P.add_argument('--log', required=True)
P.add_argument('--regions', required=True)
P.add_argument('--instances')
P.add_argument('--token', action='append', default=[])
P.add_argument('--jwt-modulus')
P.add_argument('--token-lifetime', type=int, default=3600)
P.add_argument('--op-delay', type=float, default=0.3)
P.add_argument('--network-ip', default='127.0.0.1')
P.add_argument('--nat-ip', default='127.0.0.1')
P.add_argument('--zones-page-size', type=int, default=0)
P.add_argument('--control', action='append', default=[])
P.add_argument('--lifetime', type=float, default=600)
ARGS = P.parse_args()

BASE = 'https://www.googleapis.com/compute/v1/projects/'
LOCK = threading.RLock()
HELD = threading.Event()          # set while a request is held
RELEASE = threading.Event()
S = {
    'instances': {},   # (project, zone, name) -> Instance
    'images': {},      # (project, name) -> MachineImage
    'ops': {},         # name -> Operation (+ private keys starting '_')
    'rids': {},        # requestId -> operation name
    'quotas': {},      # region -> {metric: [limit, usage]}
    'zone_error': {},  # zone -> error code for inserts there
    'zone_status': {},
    'insert_quota': [],
    'faults': [],
    'hang': None,
    'op_delay': ARGS.op_delay,
    'tokens': {t: None for t in ARGS.token},  # token -> expiry or None
    'counters': {'creates': 0, 'token_requests': 0, 'requests': 0},
    'seq': 0,
}
REGIONS = {}       # region -> [zones]


def load_regions(path):
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split(',')
        if f[0] == 'region':
            continue
        REGIONS[f[0]] = f[1].split(';')


def region_of(zone):
    for r, zs in REGIONS.items():
        if zone in zs:
            return r
    return None


def fingerprint(labels):
    h = hashlib.sha256(json.dumps(labels, sort_keys=True).encode())
    return base64.b64encode(h.digest()[:8]).decode()


def load_instances(path):
    data = json.load(open(path))
    if isinstance(data, dict):
        data = data.get('items') or []
    for i in data:
        proj = i['selfLink'].split('/projects/')[1].split('/')[0]
        zone = i['zone'].rsplit('/', 1)[-1]
        i.setdefault('labels', {})
        i['labelFingerprint'] = fingerprint(i['labels'])
        S['instances'][(proj, zone, i['name'])] = i


def next_id():
    S['seq'] += 1
    return S['seq']


# ---- operations -------------------------------------------------------

def new_op(project, scope, kind, target, effect=None, error=None,
           delay=None):
    """An operation that becomes DONE after DELAY; EFFECT runs then."""
    n = next_id()
    name = 'operation-%d-%s' % (n, kind)
    d = S['op_delay'] if delay is None else delay
    op = {'kind': 'compute#operation', 'id': str(1000 + n), 'name': name,
          'operationType': kind, 'targetLink': target, 'status': 'PENDING',
          'progress': 0, 'selfLink': '', '_t0': time.time(), '_delay': d,
          '_effect': effect, '_error': error, '_project': project}
    if scope.startswith('zones/'):
        op['zone'] = BASE + project + '/' + scope
        op['selfLink'] = op['zone'] + '/operations/' + name
    else:
        op['selfLink'] = BASE + project + '/global/operations/' + name
    S['ops'][name] = op
    advance()
    return op


def advance():
    now = time.time()
    for op in S['ops'].values():
        if op['status'] == 'DONE':
            continue
        age = now - op['_t0']
        if age >= op['_delay']:
            op['status'] = 'DONE'
            op['progress'] = 100
            if op['_error']:
                op['error'] = {'errors': [op['_error']]}
                op['httpErrorStatusCode'] = 400
            elif op['_effect']:
                op['_effect']()
        elif age >= op['_delay'] / 2:
            op['status'] = 'RUNNING'


def public(op):
    return {k: v for k, v in op.items() if not k.startswith('_')}


# ---- requests ----------------------------------------------------------

class Err(Exception):
    def __init__(self, status, reason, message, errors_status=None):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message
        self.errors_status = errors_status


def not_found(what):
    raise Err(404, 'notFound', "The resource '%s' was not found" % what)


def quota_error(region, metric, glob):
    where = 'globally' if glob else 'in region %s' % region
    msg = "Quota '%s' exceeded.  Limit: 0.0 %s." % (metric, where)
    dims = {} if glob else {'region': region}
    return {'code': 'QUOTA_EXCEEDED', 'message': msg,
            'errorDetails': [{'quotaInfo': {'metricName': metric,
                                            'limitName': 'limit',
                                            'dimensions': dims}}]}


def with_rid(q, make):
    """Run MAKE() unless the requestId in Q was seen: then the first
    operation comes back and nothing is done again."""
    rid = (q.get('requestId') or [None])[0]
    if rid == '00000000-0000-0000-0000-000000000000':
        raise Err(400, 'invalid', 'Invalid value for field requestId')
    if rid and rid in S['rids']:
        return S['ops'][S['rids'][rid]]
    op = make()
    if rid:
        S['rids'][rid] = op['name']
    return op


def insert_instance(project, zone, q, body):
    def make():
        name = body.get('name', '')
        if (project, zone, name) in S['instances']:
            raise Err(409, 'alreadyExists', "The resource '%s' already "
                      "exists" % name)
        mi = body.get('sourceMachineImage', '')
        img = S['images'].get((project, mi.rsplit('/', 1)[-1]))
        if not img or img['status'] != 'READY':
            raise Err(404, 'notFound', "The resource '%s' was not found"
                      % mi)
        target = BASE + '%s/zones/%s/instances/%s' % (project, zone, name)
        region = region_of(zone)
        for qe in S['insert_quota']:
            if qe.get('region') in (None, region):
                err = quota_error(region, qe['metric'], 'region' not in qe)
                return new_op(project, 'zones/' + zone, 'insert', target,
                              error=err)
        if zone in S['zone_error']:
            code = S['zone_error'][zone]
            err = {'code': code, 'message': "The zone 'projects/%s/zones/"
                   "%s' does not have enough resources available to "
                   "fulfill the request.  Try a different zone, or try "
                   "again later." % (project, zone)}
            return new_op(project, 'zones/' + zone, 'insert', target,
                          error=err)
        inst = make_instance(project, zone, name, body, img)
        S['instances'][(project, zone, name)] = inst
        S['counters']['creates'] += 1

        def run():
            inst['status'] = 'RUNNING'
        return new_op(project, 'zones/' + zone, 'insert', target, run)
    return with_rid(q, make)


def make_instance(project, zone, name, body, img):
    mt = body.get('machineType', '').rsplit('/', 1)[-1]
    nic = {'network': BASE + project + '/global/networks/default',
           'networkIP': ARGS.network_ip, 'name': 'nic0'}
    src_nics = body.get('networkInterfaces') or []
    if src_nics:
        nic['network'] = src_nics[0].get('network', nic['network'])
        if src_nics[0].get('accessConfigs'):
            nic['accessConfigs'] = [{'type': 'ONE_TO_ONE_NAT',
                                     'name': 'External NAT',
                                     'natIP': ARGS.nat_ip}]
    labels = body.get('labels', {})
    n = next_id()
    return {'kind': 'compute#instance', 'id': str(7000000000000000000 + n),
            'name': name, 'status': 'PROVISIONING',
            'zone': BASE + project + '/zones/' + zone,
            'machineType': BASE + '%s/zones/%s/machineTypes/%s'
            % (project, zone, mt),
            'selfLink': BASE + '%s/zones/%s/instances/%s'
            % (project, zone, name),
            'networkInterfaces': [nic], 'labels': labels,
            'labelFingerprint': fingerprint(labels),
            'disks': [{'type': 'PERSISTENT', 'boot': True,
                       'autoDelete': True}],
            'sourceMachineImage': img['selfLink']}


def instance_action(project, zone, name, action, q, body):
    key = (project, zone, name)
    if key not in S['instances']:
        not_found(name)
    inst = S['instances'][key]
    target = inst['selfLink']

    def make():
        if action == 'stop':
            if any(d.get('type') == 'SCRATCH' for d in inst['disks']) \
                    and 'discardLocalSsd' not in q:
                raise Err(400, 'invalid', 'discardLocalSsd is required')
            inst['status'] = 'STOPPING'

            def run():
                inst['status'] = 'TERMINATED'
            return new_op(project, 'zones/' + zone, 'stop', target, run)
        if action == 'delete':
            def run():
                S['instances'].pop(key, None)
            return new_op(project, 'zones/' + zone, 'delete', target, run)
        if action == 'setLabels':
            if body.get('labelFingerprint') != inst['labelFingerprint']:
                raise Err(412, 'conditionNotMet', 'Labels fingerprint '
                          'either invalid or resource labels have changed')
            labels = body.get('labels', {})
            inst['labels'] = labels
            inst['labelFingerprint'] = fingerprint(labels)
            return new_op(project, 'zones/' + zone, 'setLabels', target,
                          delay=0.05)
        raise Err(400, 'invalid', 'unknown action ' + action)
    return with_rid(q, make)


def insert_image(project, q, body):
    def make():
        src = (q.get('sourceInstance') or [''])[0]
        m = re.match(r'projects/([^/]+)/zones/([^/]+)/instances/([^/]+)$',
                     src)
        if not m or (m.group(1), m.group(2), m.group(3)) not in \
                S['instances']:
            raise Err(400, 'invalid', 'sourceInstance is required and '
                      'must name an instance: %r' % src)
        name = body.get('name', '')
        if (project, name) in S['images']:
            raise Err(409, 'alreadyExists', "The resource '%s' already "
                      "exists" % name)
        sl = BASE + project + '/global/machineImages/' + name
        img = {'kind': 'compute#machineImage', 'name': name,
               'status': 'CREATING', 'selfLink': sl,
               'sourceInstance': BASE + src.split('projects/', 1)[1]}
        S['images'][(project, name)] = img

        def run():
            img['status'] = 'READY'
        return new_op(project, 'global', 'insert', sl, run)
    return with_rid(q, make)


def region_resource(project, region):
    if region not in REGIONS:
        not_found(region)
    quotas = [{'metric': 'CPUS', 'limit': 1000.0, 'usage': 0.0},
              {'metric': 'DISKS_TOTAL_GB', 'limit': 100000.0,
               'usage': 0.0}]
    for metric, (limit, usage) in S['quotas'].get(region, {}).items():
        quotas = [x for x in quotas if x['metric'] != metric]
        quotas.append({'metric': metric, 'limit': float(limit),
                       'usage': float(usage)})
    return {'kind': 'compute#region', 'name': region, 'status': 'UP',
            'zones': [BASE + project + '/zones/' + z
                      for z in REGIONS[region]],
            'quotas': quotas}


def zones_page(project, q):
    items = []
    for r, zs in sorted(REGIONS.items()):
        for z in zs:
            items.append({'kind': 'compute#zone', 'name': z,
                          'region': BASE + project + '/regions/' + r,
                          'status': S['zone_status'].get(z, 'UP')})
    size = ARGS.zones_page_size or int((q.get('maxResults') or [500])[0])
    start = int((q.get('pageToken') or ['p0'])[0][1:])
    page = {'kind': 'compute#zoneList', 'items': items[start:start + size]}
    if start + size < len(items):
        page['nextPageToken'] = 'p%d' % (start + size)
    return page


def wait_op(name):
    end = time.time() + 1.0     # the real wait holds up to 2 minutes
    while True:
        with LOCK:
            advance()
            op = S['ops'].get(name)
            if op is None:
                not_found(name)
            if op['status'] == 'DONE' or time.time() >= end:
                return public(op)
        time.sleep(0.05)


def route(method, path, q, body):
    m = re.match(r'/compute/v1/projects/([^/]+)/(.*)$', path)
    if not m:
        not_found(path)
    proj, rest = m.group(1), m.group(2)
    parts = rest.split('/')
    if rest == 'zones' and method == 'GET':
        return zones_page(proj, q)
    if len(parts) == 2 and parts[0] == 'regions' and method == 'GET':
        return region_resource(proj, parts[1])
    if parts[0] in ('zones', 'global') and 'operations' in parts:
        i = parts.index('operations')
        name = parts[i + 1]
        if len(parts) == i + 3 and parts[i + 2] == 'wait' and \
                method == 'POST':
            return ('wait', name)
        with LOCK:
            advance()
            if name not in S['ops']:
                not_found(name)
            return public(S['ops'][name])
    if parts[:2] == ['global', 'machineImages']:
        if len(parts) == 2 and method == 'POST':
            return public(insert_image(proj, q, body))
        if len(parts) == 3 and method == 'GET':
            img = S['images'].get((proj, parts[2]))
            if not img:
                not_found(parts[2])
            return img
    if len(parts) >= 3 and parts[0] == 'zones' and parts[2] == 'instances':
        zone = parts[1]
        if zone not in S['zone_status'] and region_of(zone) is None:
            raise Err(400, 'invalid', 'Invalid value for field zone')
        if len(parts) == 3 and method == 'POST':
            return public(insert_instance(proj, zone, q, body))
        if len(parts) == 4 and method == 'GET':
            inst = S['instances'].get((proj, zone, parts[3]))
            if not inst:
                not_found(parts[3])
            return inst
        if len(parts) == 4 and method == 'DELETE':
            return public(instance_action(proj, zone, parts[3], 'delete',
                                          q, body))
        if len(parts) == 5 and method == 'POST':
            return public(instance_action(proj, zone, parts[3], parts[4],
                                          q, body))
    not_found(path)


# ---- tokens (JWT bearer flow) ------------------------------------------

def b64d(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def verify_jwt(jwt, aud):
    h64, c64, s64 = jwt.split('.')
    header, claims = json.loads(b64d(h64)), json.loads(b64d(c64))
    if header.get('alg') != 'RS256':
        return 'alg is not RS256'
    now = time.time()
    if claims.get('aud') != aud or not claims.get('iss'):
        return 'bad aud or iss'
    if not (claims['iat'] - 300 <= now <= claims['exp']) or \
            claims['exp'] - claims['iat'] > 3600:
        return 'bad iat/exp'
    if 'compute' not in claims.get('scope', ''):
        return 'bad scope'
    if ARGS.jwt_modulus:
        n = int(ARGS.jwt_modulus, 16)
        k = (n.bit_length() + 7) // 8
        sig = int.from_bytes(b64d(s64), 'big')
        em = pow(sig, 65537, n).to_bytes(k, 'big')
        di = bytes.fromhex('3031300d060960864801650304020105000420')
        t = di + hashlib.sha256((h64 + '.' + c64).encode()).digest()
        want = b'\x00\x01' + b'\xff' * (k - len(t) - 3) + b'\x00' + t
        if em != want:
            return 'bad signature'
    return None


def token_request(handler, body):
    form = urllib.parse.parse_qs(body.decode())
    S['counters']['token_requests'] += 1
    aud = 'http://127.0.0.1:%d/token' % handler.server.server_address[1]
    if form.get('grant_type') != \
            ['urn:ietf:params:oauth:grant-type:jwt-bearer']:
        return 400, {'error': 'unsupported_grant_type'}
    why = verify_jwt((form.get('assertion') or [''])[0], aud)
    if why:
        return 400, {'error': 'invalid_grant', 'error_description': why}
    tok = 'stub-token-%d' % next_id()
    S['tokens'][tok] = time.time() + ARGS.token_lifetime
    return 200, {'access_token': tok, 'token_type': 'Bearer',
                 'expires_in': ARGS.token_lifetime}


def authorized(handler):
    h = handler.headers.get('Authorization', '')
    if not h.startswith('Bearer '):
        return False
    tok = h[7:]
    if tok not in S['tokens']:
        return False
    exp = S['tokens'][tok]
    return exp is None or time.time() < exp


# ---- control -----------------------------------------------------------

def control(cmd):
    if 'fault' in cmd:
        f = dict(cmd['fault'])
        f['re'] = re.compile(f['match'])
        S['faults'].append(f)
    if 'hang' in cmd:
        S['hang'] = dict(cmd['hang'], re=re.compile(cmd['hang']['match']))
        RELEASE.clear()
    if cmd.get('release'):
        S['hang'] = None
        S['drop'] = bool(cmd.get('drop'))
        RELEASE.set()
    S['zone_error'].update(cmd.get('zone_error', {}))
    S['zone_status'].update(cmd.get('zone_status', {}))
    if 'insert_quota' in cmd:
        S['insert_quota'].append(cmd['insert_quota'])
    if 'quota' in cmd:
        c = cmd['quota']
        S['quotas'].setdefault(c['region'], {})[c['metric']] = \
            [c['limit'], c.get('usage', 0)]
    if 'op_delay' in cmd:
        S['op_delay'] = float(cmd['op_delay'])
    if cmd.get('revoke_tokens'):
        S['tokens'] = {t: e for t, e in S['tokens'].items() if e is None}
    if cmd.get('clear'):
        S['faults'], S['zone_error'], S['insert_quota'] = [], {}, []


def state():
    return {'instances': [dict(project=p, zone=z, name=n,
                               status=i['status'], labels=i['labels'])
                          for (p, z, n), i in sorted(S['instances'].items())],
            'images': [dict(name=n, status=i['status'])
                       for (p, n), i in sorted(S['images'].items())],
            'counters': S['counters'], 'held': HELD.is_set()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True     # else each answer waits 40 ms

    def log_message(self, *a):
        pass

    def answer(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        try:
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True    # the client is gone

    def record(self, status):
        u = urllib.parse.urlsplit(self.path)
        with open(ARGS.log, 'a') as f:
            f.write(json.dumps({'t': round(time.time(), 3),
                                'method': self.command, 'path': u.path,
                                'query': u.query, 'status': status}) + '\n')

    def reset(self):
        self.record(0)
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack('ii', 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def fault(self, line):
        for f in S['faults']:
            if f['count'] > 0 and f['re'].search(line):
                f['count'] -= 1
                return f
        return None

    def hold(self, line, when):
        """Hold this request if it is the one scripted; returns True when
        it is then to be dropped unanswered."""
        h = S['hang']
        if h and h.get('when', 'before') == when and h['re'].search(line):
            S['hang'] = None
            HELD.set()
            RELEASE.wait(120)
            HELD.clear()
            return S.get('drop', False)
        return False

    def handle_api(self):
        n = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(n) if n else b''
        u = urllib.parse.urlsplit(self.path)
        line = '%s %s%s' % (self.command, u.path,
                            '?' + u.query if u.query else '')
        if u.path == '/_control':
            with LOCK:
                control(json.loads(raw or b'{}'))
            return self.answer(200, {})
        if u.path == '/_state':
            with LOCK:
                advance()
                return self.answer(200, state())
        with LOCK:
            S['counters']['requests'] += 1
            f = self.fault(line)
        if f and f.get('reset'):
            return self.reset()
        if f:
            self.record(f['status'])
            hdr = {'Retry-After': str(f['retry_after'])} \
                if 'retry_after' in f else {}
            return self.answer(f['status'], {'error': {
                'code': f['status'], 'message': 'scripted fault',
                'status': 'RESOURCE_EXHAUSTED' if f['status'] == 429
                else 'UNAVAILABLE',
                'errors': [{'reason': 'rateLimitExceeded'
                            if f['status'] == 429 else 'backendError',
                            'message': 'scripted fault'}]}}, hdr)
        if u.path == '/token' and self.command == 'POST':
            with LOCK:
                status, obj = token_request(self, raw)
            self.record(status)
            return self.answer(status, obj)
        if self.hold(line, 'before'):
            return self.reset()
        status, obj = self.api(u, raw)
        if self.hold(line, 'after'):
            return self.reset()
        self.record(status)
        self.answer(status, obj)

    def api(self, u, raw):
        with LOCK:
            if not authorized(self):
                return 401, {'error': {'code': 401, 'message': 'Request '
                             'had invalid authentication credentials.',
                             'status': 'UNAUTHENTICATED', 'errors': [{
                                 'reason': 'authError',
                                 'message': 'Invalid Credentials'}]}}
        try:
            body = json.loads(raw) if raw else {}
            q = urllib.parse.parse_qs(u.query)
            with LOCK:
                advance()
                res = route(self.command, u.path, q, body)
            if isinstance(res, tuple):
                res = wait_op(res[1])
            return 200, res
        except Err as x:
            return x.status, {'error': {'code': x.status,
                                        'message': x.message,
                                        'errors': [{'reason': x.reason,
                                                    'domain': 'global',
                                                    'message': x.message}]}}

    do_GET = do_POST = do_DELETE = do_PATCH = handle_api


def main():
    load_regions(ARGS.regions)
    if ARGS.instances:
        load_instances(ARGS.instances)
    for c in ARGS.control:
        control(json.loads(c))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    srv.daemon_threads = True
    tmp = ARGS.port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(tmp, ARGS.port_file)
    t = threading.Timer(ARGS.lifetime, srv.shutdown)
    t.daemon = True
    t.start()
    srv.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
