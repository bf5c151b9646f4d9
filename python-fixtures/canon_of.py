"""Canonical form (as pycanon.py writes it) of a live Python
value that a client returned, so it can be compared with the transcript.

`canon_of(o, on_node)`: `on_node(n)` gives the form of a VirtualNode proxy
(scenarios write {'node': path}; the golden check rebuilds the node reduce).
numpy values are canonicalised through a protocol-4 pickle, as the server
sent them.
"""
import collections
import pickle

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycanon import canonical  # noqa: E402


def is_node(o):
    return hasattr(o, '_path') and hasattr(o, '_bases')


def canon_of(o, on_node):
    def c(x):
        if type(x).__module__.startswith('numpy'):
            return canonical(pickle.dumps(x, protocol=4))
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, int):
            return {'int': str(x)}
        if isinstance(x, float):
            return {'float': repr(x)}
        if isinstance(x, bytes):
            return {'bytes': x.hex()}
        if isinstance(x, tuple):
            return {'tuple': [c(y) for y in x]}
        if isinstance(x, list):
            return [c(y) for y in x]
        if is_node(x):
            return on_node(x)
        if isinstance(x, collections.OrderedDict):
            d = {'obj': 'collections.OrderedDict', 'args': []}
            if x:
                d['dictitems'] = [[c(k), c(v)] for k, v in x.items()]
            return d
        if isinstance(x, dict):
            return {'dict': [[c(k), c(v)] for k, v in x.items()]}
        if isinstance(x, BaseException):
            return {'obj': f'{type(x).__module__}.{type(x).__qualname__}', 'args': [c(a) for a in x.args]}
        return {'obj': f'{type(x).__module__}.{type(x).__qualname__}', 'args': [], 'state': c(dict(x.__dict__))}
    return c(o)
