#!/usr/bin/env python3
"""pyrogue-ts's canonical form of a pickle: plain JSON, built without importing
any class the pickle names, so that a reply from pyrogue and one from
pyrogue-ts can be compared as data (`golden/README.md` describes the form; the
recorded replies in `golden/*.jsonl` are written in it).

  /usr/bin/python3 python-fixtures/pycanon.py FILE   (or the pickle on stdin)
  from pycanon import canonical; canonical(pickle_bytes)

How it works: every global a pickle names (GLOBAL, STACK_GLOBAL, INST, OBJ)
resolves to a placeholder *class* made for that qualified name. Calling it
(REDUCE, INST/OBJ) or `__new__` on it (NEWOBJ, NEWOBJ_EX) makes a placeholder
instance that remembers its arguments; BUILD hands it its state through
`__setstate__`; APPEND(S)/SETITEM(S) on it are remembered as items. Used as a
value, the placeholder class is the global itself. The standard pure-Python
unpickler drives all of this unchanged: only `find_class` is replaced.
"""
import io
import json
import pickle
import sys

_NO_STATE = object()


def qualname(module, name):
    """module.name, with numpy 2's numpy._core folded onto numpy 1's numpy.core."""
    if module == 'numpy._core' or module.startswith('numpy._core.'):
        module = 'numpy.core' + module[len('numpy._core'):]
    return module + '.' + name


class Placeholder:
    """An object the pickle built; subclassed once per qualified name."""
    qual = '?'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        self.p_args = list(args)
        self.p_kwargs = dict(kwargs)
        self.p_state = _NO_STATE
        self.p_items = []
        self.p_dictitems = []
        return self

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        self.p_state = state

    def append(self, x):
        self.p_items.append(x)

    def extend(self, xs):
        self.p_items.extend(xs)

    def __setitem__(self, key, value):
        self.p_dictitems.append((key, value))


class CanonUnpickler(pickle._Unpickler):
    """The pure-Python unpickler, with globals replaced by placeholder classes."""

    def __init__(self, f):
        super().__init__(f)
        self._classes = {}

    def find_class(self, module, name):
        q = qualname(module, name)
        cls = self._classes.get(q)
        if cls is None:
            cls = type('Placeholder_' + name.replace('.', '_'), (Placeholder,), {'qual': q})
            self._classes[q] = cls
        return cls


def _sort_key(form):
    return json.dumps(form, sort_keys=True)


def _pairs(items):
    return [[to_form(k), to_form(v)] for k, v in items]


def to_form(x):
    """The canonical form of an unpickled value (placeholders included)."""
    if x is None or x is True or x is False or type(x) is str:
        return x
    t = type(x)
    if t is int:
        return {'int': str(x)}
    if t is float:
        return {'float': repr(x)}
    if t is bytes:
        return {'bytes': x.hex()}
    if t is bytearray:
        return {'bytearray': x.hex()}
    if t is tuple:
        return {'tuple': [to_form(y) for y in x]}
    if t is list:
        return [to_form(y) for y in x]
    if t is dict:
        return {'dict': _pairs(x.items())}
    if t is set:
        return {'set': sorted((to_form(y) for y in x), key=_sort_key)}
    if t is frozenset:
        return {'frozenset': sorted((to_form(y) for y in x), key=_sort_key)}
    if isinstance(x, type) and issubclass(x, Placeholder):
        return {'global': x.qual}
    if isinstance(x, Placeholder):
        form = {'obj': x.qual, 'args': [to_form(a) for a in x.p_args]}
        if x.p_kwargs:
            form['kwargs'] = {k: to_form(v) for k, v in x.p_kwargs.items()}
        if x.p_state is not _NO_STATE:
            form['state'] = to_form(x.p_state)
        if x.p_items:
            form['items'] = [to_form(y) for y in x.p_items]
        if x.p_dictitems:
            form['dictitems'] = _pairs(x.p_dictitems)
        return form
    if t is pickle.PickleBuffer:
        return {'bytes': bytes(x.raw()).hex()}
    raise TypeError('no canonical form for a ' + t.__name__)


def canonical(data):
    """The canonical form of one pickle (bytes)."""
    return to_form(CanonUnpickler(io.BytesIO(data)).load())


if __name__ == '__main__':
    raw = open(sys.argv[1], 'rb').read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    print(json.dumps(canonical(raw), indent=1))
