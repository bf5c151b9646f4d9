#!/usr/bin/env python3
"""Baseline for bench/codec.js: CPython's C pickle on the same workloads.

Builds Python objects equivalent to the JS benchmark values — plain classes
named like pyrogue's (registered as fake modules `pyrogue._Variable.VariableValue`
and `pyrogue.interfaces._Virtual.VirtualFactory`, so the pickles carry the same
globals) — and times `pickle.dumps(obj, 4)` and `pickle.loads(data)` with
time.perf_counter. The node objects reduce to VirtualFactory(attrs) as
pyrogue's nodes do; VariableValue instances pickle as NEWOBJ + BUILD(__dict__).

What it measures: the C pickler/unpickler alone (no ZeroMQ, no tree lookups),
on the dict/str/int graphs the server sends. Dict keys are source literals
here (interned, as in pyrogue), so CPython's pickles are a little smaller.

  codec_baseline.py [SECONDS_PER_CASE]   -> one JSON line:
      {"<case>": {"dumps": ops/s, "loads": ops/s, "bytes": n}, ...}
Run with /usr/bin/python3.
"""
import json
import pickle
import sys
import time
import types
import collections


def _fake(modname, *classes):
    m = types.ModuleType(modname)
    sys.modules[modname] = m
    out = []
    for c in classes:
        cls = type(c, (object,), {'__module__': modname})
        setattr(m, c, cls)
        out.append(cls)
    return out


_fake('pyrogue')
_fake('pyrogue.interfaces')
VariableValue, = _fake('pyrogue._Variable', 'VariableValue')
VirtualFactory, = _fake('pyrogue.interfaces._Virtual', 'VirtualFactory')
VirtualFactory.__init__ = lambda self, attrs: setattr(self, 'attrs', attrs)  # builds the client-side node


class Node:
    def __init__(self, attrs):
        self.attrs = attrs

    def __reduce__(self):
        return (VirtualFactory, (self.attrs,))


def variable_value(i):
    o = VariableValue.__new__(VariableValue)
    o.__dict__.update(value=i, valueDisp=str(i), disp='{}', enum=None, updated=True,
                      status='None', severity='None')
    return o


def node_attrs(i):
    name = f'Var{i}'
    return {
        'name': name,
        'class': 'RemoteVariable',
        'bases': ["<class 'pyrogue._Variable.RemoteVariable'>", "<class 'pyrogue._Variable.BaseVariable'>",
                  "<class 'pyrogue._Node.Node'>"],
        'description': f'Register number {i} of the demo device',
        'groups': [],
        'path': f'Root.Demo.{name}',
        'expand': True,
        'guiGroup': None,
        'nodes': collections.OrderedDict(),
        'props': ['alarmSeverity', 'alarmStatus', 'disp', 'enum', 'mode', 'typeStr', 'units', 'value'],
        'funcs': {
            'get': {'args': ['read', 'index'], 'kwargs': []},
            'set': {'args': ['value', 'write', 'index'], 'kwargs': []},
            'getDisp': {'args': ['read', 'index'], 'kwargs': []},
        },
    }


def cases():
    return {
        'reply: VariableValue': variable_value(42),
        'reply: nodes (30 VirtualFactory)': collections.OrderedDict(
            (f'Var{i}', Node(node_attrs(i))) for i in range(30)),
        'publish: 10000 VariableValues': {f'Root.Demo.Var{i}': variable_value(i) for i in range(10000)},
    }


def rate(fn, seconds):
    n = 0
    batch = 1
    start = time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        n += batch
        el = time.perf_counter() - start
        if el >= seconds:
            return n / el
        batch = min(batch * 2, 1 << 16)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    out = {}
    for name, obj in cases().items():
        data = pickle.dumps(obj, 4)
        out[name] = {
            'dumps': rate(lambda: pickle.dumps(obj, 4), seconds),
            'loads': rate(lambda: pickle.loads(data), seconds),
            'bytes': len(data),
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
