#!/usr/bin/env python3
"""Typed JSON <-> real Python values, for the cross-language codec tests.

The typed JSON form names every Python type explicitly (JSON alone cannot tell
1 from 1.0, a tuple from a list, or hold a 64-bit int):

  None, true/false, "str"          as themselves
  {"int": "-12"}                   int (decimal text, any size)
  {"float": "1.5"}                 float (repr text: 'nan', 'inf', '-inf' too)
  {"complex": ["1.0", "-2.0"]}     complex
  {"bytes": "00ff"}                bytes (hex)          {"bytearray": "00ff"}
  [...]                            list                 {"tuple": [...]}
  {"dict": [[k, v], ...]}          dict (ordered)       {"odict": [[k, v], ...]}
  {"set": [...]}                   set                  {"frozenset": [...]}
  {"ndarray": {"dtype": "<f8", "shape": [3], "fortran": false, "data": "hex"}}
  {"npscalar": {"dtype": "<f8", "data": "hex"}}
  {"exception": ["builtins.ValueError", [args...]]}   an exception instance

Sets are listed sorted by the JSON text of their members, so both sides agree.

  pyvalues.py dump PROTO      stdin: one typed JSON per line -> base64 pickle per line
  pyvalues.py load            stdin: one base64 pickle per line -> typed JSON per line
                              (or {"error": "Type: message"} when loading fails)
Run with /usr/bin/python3 (Debian's pyzmq/numpy)."""
import base64
import builtins
import collections
import json
import pickle
import sys

import numpy as np


def build(t):
    if t is None or isinstance(t, (bool, str)):
        return t
    if isinstance(t, list):
        return [build(x) for x in t]
    (k, v), = t.items()
    if k == 'int':
        return int(v)
    if k == 'float':
        return float(v)
    if k == 'complex':
        return complex(float(v[0]), float(v[1]))
    if k == 'bytes':
        return bytes.fromhex(v)
    if k == 'bytearray':
        return bytearray.fromhex(v)
    if k == 'tuple':
        return tuple(build(x) for x in v)
    if k == 'dict':
        return {build(a): build(b) for a, b in v}
    if k == 'odict':
        return collections.OrderedDict((build(a), build(b)) for a, b in v)
    if k == 'set':
        return {build(x) for x in v}
    if k == 'frozenset':
        return frozenset(build(x) for x in v)
    if k == 'ndarray':
        dt = np.dtype(v['dtype'])
        flat = np.frombuffer(bytes.fromhex(v['data']), dtype=dt)
        return np.array(flat.reshape(v['shape'], order='F' if v['fortran'] else 'C'), order='F' if v['fortran'] else 'C')
    if k == 'npscalar':
        return np.frombuffer(bytes.fromhex(v['data']), dtype=np.dtype(v['dtype']))[0]
    if k == 'exception':
        mod, name = v[0].rsplit('.', 1)
        assert mod == 'builtins'
        return getattr(builtins, name)(*[build(x) for x in v[1]])
    raise ValueError(f'unknown typed JSON tag {k!r}')


def _key(x):
    return json.dumps(x, sort_keys=True)


def describe(o):
    if o is None or isinstance(o, (bool, str)):
        return o
    if isinstance(o, np.ndarray):
        fortran = bool(o.flags.f_contiguous and not o.flags.c_contiguous)
        return {'ndarray': {'dtype': o.dtype.str, 'shape': list(o.shape), 'fortran': fortran,
                            'data': o.tobytes(order='F' if fortran else 'C').hex()}}
    if isinstance(o, np.generic):
        return {'npscalar': {'dtype': o.dtype.str, 'data': o.tobytes().hex()}}
    if isinstance(o, int):
        return {'int': str(o)}
    if isinstance(o, float):
        return {'float': repr(o)}
    if isinstance(o, complex):
        return {'complex': [repr(o.real), repr(o.imag)]}
    if isinstance(o, bytes):
        return {'bytes': o.hex()}
    if isinstance(o, bytearray):
        return {'bytearray': bytes(o).hex()}
    if isinstance(o, tuple):
        return {'tuple': [describe(x) for x in o]}
    if isinstance(o, list):
        return [describe(x) for x in o]
    if isinstance(o, collections.OrderedDict):
        return {'odict': [[describe(k), describe(v)] for k, v in o.items()]}
    if isinstance(o, dict):
        return {'dict': [[describe(k), describe(v)] for k, v in o.items()]}
    if isinstance(o, frozenset):
        return {'frozenset': sorted((describe(x) for x in o), key=_key)}
    if isinstance(o, set):
        return {'set': sorted((describe(x) for x in o), key=_key)}
    if isinstance(o, BaseException):
        return {'exception': [f'{type(o).__module__}.{type(o).__qualname__}', [describe(x) for x in o.args]]}
    raise TypeError(f'cannot describe {type(o).__name__}')


def main():
    mode = sys.argv[1]
    out = sys.stdout
    if mode == 'dump':
        proto = int(sys.argv[2])
        for line in sys.stdin:
            if line.strip():
                out.write(base64.b64encode(pickle.dumps(build(json.loads(line)), protocol=proto)).decode() + '\n')
    elif mode == 'load':
        for line in sys.stdin:  # an empty line is an empty pickle (b'')
            try:
                r = describe(pickle.loads(base64.b64decode(line)))
            except Exception as e:  # noqa: BLE001 - reported to the test
                r = {'error': f'{type(e).__name__}: {e}'}
            out.write(json.dumps(r) + '\n')
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
