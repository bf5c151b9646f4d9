#!/usr/bin/env python3
"""SimpleClient with a callback: the 1 Hz heartbeat (Root.Time as a
VariableValue), and the updates published by setDisp / exec reach cb(path,
VariableValue). Needs a fresh server."""
import threading
import time

import _common
from _common import emit, typed
import pyrogue.interfaces

host, port = _common.args()
lock = threading.Lock()
got = []


def cb(path, value):
    with lock:
        got.append((time.time(), path, value))


def wait_for(path, since, timeout=3.0):
    end = time.time() + timeout
    while time.time() < end:
        with lock:
            hits = [v for t, p, v in got if p == path and t >= since]
        if hits:
            return hits[-1]
        time.sleep(0.05)
    return None


def merged_since(since, settle=0.8):
    time.sleep(settle)
    with lock:
        return {p: v for t, p, v in got if t >= since and p not in ('Root.Time', 'Root.LocalTime')}


_common.guard(idle=30)
c = pyrogue.interfaces.SimpleClient(host, port, cb=cb)
t0 = time.time()
hb = wait_for('Root.Time', t0, 3.0)
emit('heartbeat:Root.Time', received=hb is not None,
     cls=None if hb is None else f'{type(hb).__module__}.{type(hb).__qualname__}',
     fields=None if hb is None else list(hb.__dict__.keys()),
     value_type=None if hb is None else type(hb.value).__name__)

t1 = time.time()
c.setDisp('Root.Demo.Int', '23')
upd = merged_since(t1)
for p in sorted(upd):
    emit(f'update-after-setDisp:{p}', value=typed(upd[p]))

t2 = time.time()
c.exec('Root.Demo.Multiply', 4)
upd = merged_since(t2)
for p in sorted(upd):
    emit(f'update-after-exec:{p}', value=typed(upd[p]))

_common.leave()  # not c._stop(): see _common.leave
