#!/usr/bin/env python3
"""Raw pyzmq requests on base+1 pickled with protocols 0..5 (pyrogue's clients
use the default protocol, others may not): value / getVariableValue / set with
a numpy array argument / missing path / garbage. Each reply must be exactly one
frame and unpickle. Needs a FRESH server."""
import pickle

import numpy as np
import zmq

import _common
from _common import emit, typed

host, port = _common.args()
ctx = zmq.Context()


def ask(obj=None, proto=4, raw=None):
    s = ctx.socket(zmq.REQ)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.RCVTIMEO, 5000)
    s.connect(f'tcp://{host}:{port + 1}')
    try:
        s.send(raw if raw is not None else pickle.dumps(obj, protocol=proto))
        frames = s.recv_multipart()
    except zmq.Again:
        return {'timeout': True}
    finally:
        s.close()
    out = {'frames': len(frames)}
    try:
        out['reply'] = typed(pickle.loads(frames[0]))
    except Exception as e:
        out['undecodable'] = f'{type(e).__name__}: {e}'
    return out


def req(path, attr, *args, **kwargs):
    return {'path': path, 'attr': attr, 'args': args, 'kwargs': kwargs}


for proto in range(0, 6):
    emit(f'raw:proto{proto}:Root.Demo.Int:value', **ask(req('Root.Demo.Int', 'value'), proto))
for proto in range(2, 6):
    emit(f'raw:proto{proto}:Root.Demo.Int:getVariableValue', **ask(req('Root.Demo.Int', 'getVariableValue'), proto))
    emit(f'raw:proto{proto}:Root.Demo.Text:value', **ask(req('Root.Demo.Text', 'value'), proto))
    emit(f'raw:proto{proto}:Root.Demo.Missing:get', **ask(req('Root.Demo.Missing', 'get'), proto))
for proto in range(2, 6):
    arr = np.array([9.0, 8.0, float(proto)])
    emit(f'raw:proto{proto}:Root.Demo.Array:set', **ask(req('Root.Demo.Array', 'set', arr), proto))
    emit(f'raw:proto{proto}:Root.Demo.Array:valueDisp', **ask(req('Root.Demo.Array', 'valueDisp'), 4))
    emit(f'raw:proto{proto}:Root.Demo.BigInt:set', **ask(req('Root.Demo.BigInt', 'set', 2**64 - 2 - proto), proto))
    emit(f'raw:proto{proto}:Root.Demo.BigInt:value', **ask(req('Root.Demo.BigInt', 'value'), 4))
emit('raw:garbage', **ask(raw=b'this is not a pickle'))
emit('raw:after-garbage', **ask(req('Root.RogueVersion', 'value'), 4))
ctx.term()
