#!/usr/bin/env python3
"""Python semantics oracle for the src/py helper tests.

  pysem.py MODE     stdin: one JSON request per line -> one JSON reply per line

Modes (values travel as the typed JSON of pyvalues.py):
  repr      {"v": typed}                      -> {"repr": .., "str": ..} or {"error": ..}
  format    {"v": typed, "spec": s}           -> {"ok": format(v, spec)} or {"error": "Type: msg"}
  template  {"t": s, "args": [typed]}         -> {"ok": t.format(*args)} or {"error": ..}
  literal   {"text": s}                       -> {"ok": typed} or {"error": ..} (addresses blanked)
  json      {"text": s}                       -> {"ok": typed} or {"error": ..}
  decode    {"hex": h}                        -> {"ok": str} or {"error": ..}
  bind      {"src": def-source, "cls": name, "fn": name, "args": [typed], "kwargs": [[k, typed]]}
            -> {"ok": {name: typed}} or {"error": ..}
  isprintable {"from": a, "to": b}            -> {"cps": [code points in [a, b) that are printable]}
Run with /usr/bin/python3 (Debian's numpy)."""
import ast
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import build, describe  # noqa: E402


def err(e):
    return {'error': f'{type(e).__name__}: {e}'}


def blank(s):
    return re.sub(r'0x[0-9a-f]+', '0xADDR', s)


def handle(mode, req):
    if mode == 'repr':
        v = build(req['v'])
        return {'repr': repr(v), 'str': str(v)}
    if mode == 'format':
        try:
            return {'ok': format(build(req['v']), req['spec'])}
        except Exception as e:  # noqa: BLE001
            return err(e)
    if mode == 'template':
        try:
            return {'ok': req['t'].format(*[build(a) for a in req['args']])}
        except Exception as e:  # noqa: BLE001
            return err(e)
    if mode == 'literal':
        try:
            r = ast.literal_eval(req['text'])
            return {'ok': 'Ellipsis' if r is Ellipsis else describe(r)}
        except Exception as e:  # noqa: BLE001
            return {'error': blank(f'{type(e).__name__}: {e}')}
    if mode == 'json':
        try:
            return {'ok': describe(json.loads(req['text']))}
        except Exception as e:  # noqa: BLE001
            return err(e)
    if mode == 'decode':
        try:
            return {'ok': bytes.fromhex(req['hex']).decode('utf-8')}
        except Exception as e:  # noqa: BLE001
            return err(e)
    if mode == 'bind':
        ns = {}
        exec(req['src'], ns)
        obj = ns[req['cls']]()
        fn = getattr(obj, req['fn'])
        try:
            r = fn(*[build(a) for a in req['args']], **{k: build(v) for k, v in req['kwargs']})
            return {'ok': {k: describe(v) for k, v in r.items()}}
        except TypeError as e:
            return err(e)
    if mode == 'isprintable':
        return {'cps': [c for c in range(req['from'], req['to']) if chr(c).isprintable()]}
    raise SystemExit(__doc__)


def main():
    import warnings
    warnings.simplefilter('ignore')
    mode = sys.argv[1]
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(handle(mode, json.loads(line))) + '\n')
            sys.stdout.flush()


if __name__ == '__main__':
    main()
