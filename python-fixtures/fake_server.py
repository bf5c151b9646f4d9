#!/usr/bin/env python3
"""FAKE pyrogue ZmqServer - TEST SCAFFOLDING ONLY (not the product, not a spec).

Lets the compat clients and the scenario scripts be developed before the
TypeScript server exists. It serves the reference tree on three ports like a
v6.15 server (docs/protocol.md "Ports", "Requests on base+1", "Strings on base+2", "Updates on base"):

  base    PUB  heartbeat {Root.Time, Root.LocalTime} every second + an update
               dict {path: VariableValue} after each get/set/command
  base+1  REP  pickle requests
  base+2  REP  JSON-in / str()-out string requests

How replies are produced (in this order):
  1. Tree structure, properties, node attributes, failing/malformed requests,
     commands it does not model: the recorded `reply_pickle` bytes of the first
     transcript exchange whose request (canonical form, path alias `root.`
     folded to `Root.`) equals the incoming one, or whose request bytes are
     identical (for the malformed `err:` family).
  2. Variable values (value, valueDisp, get, getDisp, getVariableValue, set,
     setDisp, genDisp, parseDisp) and the Demo/Root commands: a SMALL mutable
     table seeded from golden/tree.json with just enough formatting/parsing
     logic for the scenarios (disp formats, enums, lists, numpy arrays, alarms,
     the IntTimesTwo link, SetYamlConfig, Demo getYaml). Not faithful beyond that.
  3. Unknown path -> None (as the real server); anything else -> an Exception
     reply naming the fake server.

  /usr/bin/python3 fake_server.py [HOST] [PORT]     (prints 'READY <port>')
"""
import ast
import base64
import collections
import importlib
import json
import os
import pickle
import sys
import threading
import time

import numpy as np
import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, '..', 'golden')  # the repository's recordings
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, 'compat'))
import pycanon as canon  # noqa: E402
from pyrogue._Variable import VariableValue  # noqa: E402  (compat class: pickles as pyrogue._Variable.VariableValue)

ROOT = 'Root'


class Err(Exception):
    """An error the server reports: qual = 'module.QualName', msg = str(e)."""

    def __init__(self, qual, msg):
        super().__init__(msg)
        self.qual, self.msg = qual, msg


# ------------------------------------------------------------ canon -> python
def _resolve(qual):
    parts = qual.split('.')
    for i in range(len(parts) - 1, 0, -1):
        try:
            mod = importlib.import_module('.'.join(parts[:i]))
        except ImportError:
            continue
        obj = mod
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(qual)


def from_canon(c):
    if c is None or isinstance(c, (bool, str)):
        return c
    if isinstance(c, list):
        return [from_canon(x) for x in c]
    if 'int' in c and len(c) == 1:
        return int(c['int'])
    if 'float' in c and len(c) == 1:
        return float(c['float'])
    if 'bytes' in c:
        return bytes.fromhex(c['bytes'])
    if 'tuple' in c:
        return tuple(from_canon(x) for x in c['tuple'])
    if 'dict' in c:
        return {from_canon(k): from_canon(v) for k, v in c['dict']}
    if 'global' in c:
        return _resolve(c['global'])
    if 'obj' in c:
        f = _resolve(c['obj'])
        args = [from_canon(a) for a in c.get('args', [])]
        if f is collections.OrderedDict:
            o = collections.OrderedDict()
        elif isinstance(f, type) and issubclass(f, BaseException):
            o = f(*args)
        elif isinstance(f, type) and f.__module__.startswith('pyrogue'):
            o = f.__new__(f)
        else:
            o = f(*args)
        if 'state' in c:
            st = from_canon(c['state'])
            if hasattr(o, '__setstate__') and not isinstance(st, dict):
                o.__setstate__(st)
            else:
                o.__dict__.update(st)
        for k, v in c.get('dictitems', []):
            o[from_canon(k)] = from_canon(v)
        return o
    raise ValueError(f'cannot decode {c!r}')


# ------------------------------------------------------------------- model
class Model:
    def __init__(self):
        self.tree = json.load(open(os.path.join(GOLDEN, 'tree.json')))
        self.nodes = {n['path']: n for n in self.tree['nodes']}
        self.vars = {}
        self.deps = collections.defaultdict(list)
        for n in self.tree['nodes']:
            if 'mode' not in n:
                continue
            v = dict(n)
            v['val'] = from_canon(n['value'])
            v['enumd'] = from_canon(n['enum']) if n['enum'] is not None else None
            self.vars[n['path']] = v
            for d in n.get('dependencies') or []:
                self.deps[d].append(n['path'])
        self.lock = threading.RLock()

    # formatting -----------------------------------------------------------
    def value(self, p):
        v = self.vars[p]
        if p == 'Root.Time':
            return time.time()
        if p == 'Root.LocalTime':
            return time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime())
        if p == 'Root.Demo.IntTimesTwo':
            return self.vars['Root.Demo.Int']['val'] * 2
        return v['val']

    def disp(self, p, val=None):
        v = self.vars[p]
        val = self.value(p) if val is None else val
        if v['enumd'] is not None and v['disp'] == 'enum':
            return v['enumd'].get(val, str(val))
        if isinstance(val, np.ndarray):
            if val.ndim > 1:
                return '[' + ',\n '.join(str(r.tolist()) for r in val) + ']'
            return str(val.tolist())
        if isinstance(val, float) and val != val:
            return 'nan'
        return v['disp'].format(val)

    def alarm(self, p, val):
        v = self.vars[p]
        if not v.get('hasAlarm'):
            return 'None', 'None'
        la, lw = from_canon(v['lowAlarm']), from_canon(v['lowWarning'])
        ha, hw = from_canon(v['highAlarm']), from_canon(v['highWarning'])
        if la is not None and val <= la:
            return 'AlarmLoLo', 'AlarmMajor'
        if ha is not None and val >= ha:
            return 'AlarmHiHi', 'AlarmMajor'
        if lw is not None and val <= lw:
            return 'AlarmLow', 'AlarmMinor'
        if hw is not None and val >= hw:
            return 'AlarmHigh', 'AlarmMinor'
        return 'Good', 'Good'

    def vv(self, p):
        val = self.value(p)
        o = VariableValue.__new__(VariableValue)
        o.value = val
        o.valueDisp = self.disp(p, val)
        o.disp = self.vars[p]['disp']
        o.enum = self.vars[p]['enumd']
        o.updated = False
        o.status, o.severity = self.alarm(p, val)
        return o

    def parse(self, p, s):
        v = self.vars[p]
        if v['enumd'] is not None and v['disp'] == 'enum':
            for k, name in v['enumd'].items():
                if name == s:
                    return k
            raise Err('pyrogue._Variable.VariableError',
                      f"Invalid value {s} for variable {v['name']} with type {type(v['val'])}: {s!r}")
        if v['nativeType'] == 'str':
            return s
        try:
            x = ast.literal_eval(s)
        except Exception as e:
            raise Err('pyrogue._Variable.VariableError',
                      f"Invalid value {s} for variable {v['name']} with type {type(v['val'])}: {e}")
        if isinstance(v['val'], np.ndarray):
            return np.array(x, dtype=v['val'].dtype)
        if isinstance(v['val'], float):
            return float(x)
        return x

    def coerce(self, p, x):
        v = self.vars[p]
        if isinstance(v['val'], np.ndarray):
            return np.array(x, dtype=v['val'].dtype)
        if isinstance(v['val'], float) and isinstance(x, int) and not isinstance(x, bool):
            return float(x)
        return x

    def setval(self, p, x, index=-1):
        v = self.vars[p]
        if v['class'] == 'RemoteVariable' and isinstance(x, int) and v.get('minimum') and v.get('maximum'):
            lo, hi = from_canon(v['minimum']), from_canon(v['maximum'])
            if (lo, hi) != (0, 0) and not (lo <= x <= hi):
                raise Err('rogue.GeneralError', f"Block::setUInt: General Error: Value range error for {v['name']}. "
                                               f"Value={x}, Min={lo:f}, Max={hi:f}")
        if p.endswith('IntTimesTwo'):
            raise Err('pyrogue._Variable.VariableError', 'fake server: IntTimesTwo is not writable')
        if index is not None and index >= 0:
            arr = self.vars[p]['val'].copy()
            arr[index] = x
            self.vars[p]['val'] = arr
        else:
            self.vars[p]['val'] = self.coerce(p, x)
        return [p] + self.deps.get(p, [])

    def yaml(self, dev, modes, excGroups):
        out = [dev.split('.')[-1] + ':']
        for c in self.nodes[dev]['children']:
            p = dev + '.' + c
            n = self.nodes[p]
            if p not in self.vars or n['class'] == 'BaseCommand':
                continue
            if n['mode'] not in (modes or ['RW', 'RO', 'WO']):
                continue
            if excGroups and set(excGroups) & set(n['groups']):
                continue
            d = self.disp(p)
            if d == '' or d.startswith('[') or ': ' in d:
                d = "'" + d.replace("'", "''") + "'"
            out.append(f'  {c}: {d}')
        return '\n'.join(out) + '\n'

    def set_yaml(self, text):
        stack = []
        for line in text.splitlines():
            if not line.strip():
                continue
            ind = (len(line) - len(line.lstrip())) // 2
            key, _, val = line.strip().partition(':')
            stack = stack[:ind] + [key]
            val = val.strip()
            if val:
                p = '.'.join(stack)
                if p in self.vars:
                    self.setval(p, self.parse(p, val.strip("'")))
        return None


# ------------------------------------------------------------------ server
class Fake:
    VALUE_ATTRS = {'value', 'valueDisp', 'get', 'getDisp', 'getVariableValue', 'set', 'setDisp',
                   'genDisp', 'parseDisp', 'post'}

    def __init__(self):
        self.m = Model()
        self.by_key = {}
        self.by_bytes = {}
        for line in open(os.path.join(GOLDEN, 'transcript.jsonl')):
            c = json.loads(line)
            if c['port'] != 'bin' or not c.get('reply_pickle'):
                continue
            rb = base64.b64decode(c['reply_pickle'])
            if c.get('request_pickle'):
                self.by_bytes.setdefault(base64.b64decode(c['request_pickle']), rb)
            if isinstance(c['request'], dict) and 'dict' in c['request']:
                self.by_key.setdefault(self._key(c['request']), rb)
        self.ctx = zmq.Context()
        self.publock = threading.Lock()

    @staticmethod
    def _norm(path):
        if isinstance(path, str) and (path == 'root' or path.startswith('root.')):
            return ROOT + path[4:]
        return path

    def _key(self, creq):
        d = dict((k, v) for k, v in creq['dict'])
        d['path'] = self._norm(d.get('path'))
        return json.dumps(d, sort_keys=True)

    def publish(self, paths):
        d = {}
        for p in paths:
            if p in self.m.vars and 'NoServe' not in self.m.nodes[p]['groups']:
                d[p] = self.m.vv(p)
        if d:
            with self.publock:
                self.pub.send(pickle.dumps(d))

    # dispatch: returns a python result or raises Err
    def call(self, path, attr, args, kwargs):
        m = self.m
        path = self._norm(path)
        with m.lock:
            if path in m.vars and attr in self.VALUE_ATTRS and m.nodes[path]['class'] != 'BaseCommand' \
                    or (path in m.vars and attr in ('value', 'valueDisp', 'get', 'getDisp', 'getVariableValue')):
                return self.var_call(path, attr, args, kwargs)
            if path in m.nodes and m.nodes[path]['class'] == 'BaseCommand' and attr in ('__call__', 'call', 'callDisp'):
                return self.cmd_call(path, attr, args, kwargs)
            if path in m.nodes and attr in ('address', 'offset') and attr in m.nodes[path] and 'mode' not in m.nodes[path]:
                return from_canon(m.nodes[path][attr])
            if path == ROOT and attr == 'running':
                return True
            if path in m.nodes and attr == 'getYaml' and m.nodes[path]['class'] == 'Demo':
                a = list(args) + [None] * 5
                return m.yaml(path, a[1] if len(args) > 1 else kwargs.get('modes', ['RW', 'RO', 'WO']),
                              a[3] if len(args) > 3 else kwargs.get('excGroups', ['Hidden']))
        return NotImplemented

    def var_call(self, p, attr, args, kwargs):
        m = self.m
        if attr in ('value', 'get'):
            if args and isinstance(m.value(p), np.ndarray) and attr == 'value':
                return m.value(p)[args[0]]
            if attr == 'get':
                self.publish([p])
            return m.value(p)
        if attr in ('valueDisp', 'getDisp'):
            if attr == 'getDisp':
                self.publish([p])
            return m.disp(p)
        if attr == 'getVariableValue':
            self.publish([p])
            return m.vv(p)
        if attr in ('set', 'post'):
            val = args[0] if args else kwargs.get('value')
            changed = m.setval(p, val, kwargs.get('index', -1))
            self.publish(changed)
            return None
        if attr == 'setDisp':
            changed = m.setval(p, m.parse(p, args[0]), kwargs.get('index', -1))
            self.publish(changed)
            return None
        if attr == 'genDisp':
            return m.disp(p, args[0])
        if attr == 'parseDisp':
            return m.parse(p, args[0])
        raise Err('builtins.AttributeError', f'fake server: {p}.{attr}')

    def cmd_call(self, p, attr, args, kwargs):
        m = self.m
        arg = args[0] if args else kwargs.get('arg')
        if attr == 'callDisp':
            arg = m.parse(p, arg) if arg is not None else None
        elif isinstance(arg, str) and p != 'Root.SetYamlConfig':
            # pyrogue's BaseCommand._doFunc parses a str argument (parseDisp), as the GUI sends it.
            arg = m.parse(p, arg)
        name = p.split('.')[-1]
        if p == 'Root.Demo.NoArg':
            ret = None
        elif p == 'Root.Demo.Multiply':
            m.vars[p]['val'] = arg
            self.publish([p])
            ret = arg * 3
        elif p == 'Root.Demo.Echo':
            m.vars[p]['val'] = arg
            self.publish([p])
            ret = arg
        elif p == 'Root.Demo.Fail':
            raise Err('builtins.ValueError', 'command failed on purpose')
        elif p == 'Root.SetYamlConfig':
            ret = m.set_yaml(arg)
            self.publish(['Root.Demo.Int', 'Root.Demo.Text', 'Root.Demo.IntTimesTwo'])
        elif name in ('ReadAll', 'WriteAll'):
            ret = True
        else:
            return NotImplemented
        if attr == 'callDisp':
            return '' if ret is None else str(ret)
        return ret

    def answer(self, raw):
        """Binary port: request bytes -> reply bytes."""
        try:
            req = pickle.loads(raw)
        except Exception as e:
            rb = self.by_bytes.get(raw)
            return rb if rb is not None else pickle.dumps(Exception(f'{type(e).__module__}.{type(e).__qualname__}: {e}'))
        if not isinstance(req, dict) or set(req) != {'path', 'attr', 'args', 'kwargs'} \
                or not isinstance(req.get('path'), str):
            rb = self.by_bytes.get(raw)
            if rb is not None:
                return rb
            return pickle.dumps(Exception('builtins.TypeError: fake server: malformed request'))
        path, attr = req['path'], req['attr']
        if path == '__ROOT__':
            return self.by_key[self._key({'dict': [['path', '__ROOT__'], ['attr', None],
                                                   ['args', {'tuple': []}], ['kwargs', {'dict': []}]]})]
        try:
            res = self.call(path, attr, tuple(req['args']), dict(req['kwargs']))
        except Err as e:
            return pickle.dumps(Exception(f'{e.qual}: {e.msg}'))
        except Exception as e:
            return pickle.dumps(Exception(f'{type(e).__module__}.{type(e).__qualname__}: {e}'))
        if res is not NotImplemented:
            return pickle.dumps(res)
        try:
            key = self._key(canon.canonical(raw))
        except Exception:
            key = None
        if key in self.by_key:
            return self.by_key[key]
        if raw in self.by_bytes:
            return self.by_bytes[raw]
        if self._norm(path) not in self.m.nodes:
            return pickle.dumps(None)
        if attr == 'nodes' and not self.m.nodes[self._norm(path)]['children']:
            return pickle.dumps(collections.OrderedDict())   # a leaf: the real server's empty odict
        return pickle.dumps(Exception(f'builtins.AttributeError: fake server has no answer for {path}.{attr}'))

    def answer_str(self, raw):
        """String port: JSON text -> str() text ('EXCEPTION: ...' on errors)."""
        try:
            d = json.loads(raw.decode('utf-8'))
            args = d.get('args', [])
            if isinstance(args, dict) and 'py/tuple' in args:
                args = args['py/tuple']
            path, attr = d.get('path'), d.get('attr')
            if path == '__ROOT__':
                return 'fake-root'.encode()
            res = self.call(path, attr, tuple(args), d.get('kwargs', {}) or {})
            if res is NotImplemented:
                rb = self.by_key.get(json.dumps({'path': self._norm(path), 'attr': attr,
                                                 'args': {'tuple': args}, 'kwargs': {'dict': []}}, sort_keys=True))
                if rb is None:
                    if self._norm(path) not in self.m.nodes:
                        return b'None'
                    return f'EXCEPTION: fake server has no answer for {path}.{attr}'.encode()
                res = pickle.loads(rb)
                if isinstance(res, Exception):
                    return ('EXCEPTION: ' + str(res).split(': ', 1)[-1]).encode()
            return str(res).encode('utf-8')
        except Err as e:
            return ('EXCEPTION: ' + e.msg).encode('utf-8')
        except Exception as e:
            return ('EXCEPTION: ' + str(e)).encode('utf-8')

    def heartbeat(self):
        while True:
            time.sleep(1.0)
            self.publish(['Root.Time', 'Root.LocalTime'])

    def run(self, host, port):
        self.pub = self.ctx.socket(zmq.PUB)
        self.pub.bind(f'tcp://{host}:{port}')
        rep = self.ctx.socket(zmq.REP)
        rep.bind(f'tcp://{host}:{port + 1}')
        srep = self.ctx.socket(zmq.REP)
        srep.bind(f'tcp://{host}:{port + 2}')
        threading.Thread(target=self.heartbeat, daemon=True).start()
        print(f'READY {port}', flush=True)
        poller = zmq.Poller()
        poller.register(rep, zmq.POLLIN)
        poller.register(srep, zmq.POLLIN)
        while True:
            for sock, _ in poller.poll():
                raw = sock.recv()
                if sock is rep:
                    sock.send(self.answer(raw))
                else:
                    sock.send(self.answer_str(raw))


if __name__ == '__main__':
    host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 9099
    Fake().run(host, port)
