#!/usr/bin/env python3
"""Canonical forms of many pickles in one process, for the encoder tests.

Uses pycanon.py (the project's canonical form) and adds,
for each pickle, the list of objects it fetched back from its memo that
CPython shares by *identity* in ways a JS encoder cannot see — anything other
than globals, the names of globals, '' and 1-char latin-1 str, b'' and
1-byte bytes, numpy dtypes and numpy bool scalars (all of which CPython shares
in every program, and which the encoder reproduces). A pickle with an empty
list there is "identity-free": its bytes depend only on its value.

  canon_batch.py      stdin: one base64 pickle per line
                      stdout: one JSON per line: {"canon": <canonical form>, "shared": [<repr>...]}
                              or {"error": "Type: message"}
Run with /usr/bin/python3.
"""
import base64
import io
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pycanon  # noqa: E402  (path set above)


class _Tracking(pycanon.CanonUnpickler):
    """pycanon's unpickler, recording which memo entries were fetched again."""

    def __init__(self, f):
        super().__init__(f)
        self.global_strs = set()
        self.shared = []

    def find_class(self, module, name):
        self.global_strs.add(id(module))
        self.global_strs.add(id(name))
        return super().find_class(module, name)

    def _check(self, obj):
        if isinstance(obj, type) and issubclass(obj, pycanon.Placeholder):
            return
        if isinstance(obj, str) and (len(obj) == 0 or (len(obj) == 1 and ord(obj) < 256) or id(obj) in self.global_strs):
            return
        if isinstance(obj, bytes) and len(obj) <= 1:
            return
        if isinstance(obj, pycanon.Placeholder):
            if obj.qual == 'numpy.dtype':
                return
            if obj.qual == 'numpy.core.multiarray.scalar' and obj.p_args and isinstance(obj.p_args[0], pycanon.Placeholder) \
                    and obj.p_args[0].p_args and obj.p_args[0].p_args[0] == 'b1':
                return
        self.shared.append(repr(obj)[:80] if not isinstance(obj, pycanon.Placeholder) else obj.qual)

    def load_binget(self):
        super().load_binget()
        self._check(self.stack[-1])

    def load_long_binget(self):
        super().load_long_binget()
        self._check(self.stack[-1])

    dispatch = dict(pycanon.CanonUnpickler.dispatch)
    dispatch[pickle.BINGET[0]] = load_binget
    dispatch[pickle.LONG_BINGET[0]] = load_long_binget


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            u = _Tracking(io.BytesIO(base64.b64decode(line)))
            r = {'canon': pycanon.to_form(u.load()), 'shared': u.shared}
        except Exception as e:  # noqa: BLE001 - reported to the test
            r = {'error': f'{type(e).__name__}: {e}'}
        out.write(json.dumps(r) + '\n')


if __name__ == '__main__':
    main()
