#!/usr/bin/env python3
"""Two pyrogue servers compared as pyrogue's own VirtualClient sees them.

  /usr/bin/python3 python-fixtures/virtual_compare.py HOST:PORT HOST:PORT [--writes]

Connects a VirtualClient to each, walks every node (loading children as a
VirtualClient does), and compares: the proxy's class name, bases, description,
groups, expand, guiGroup, children in order, each remote property's value (or
the exception it raises), each remote function's parameter names, and a
variable's value() and valueDisp(). The Root's Time, LocalTime, SystemLog,
SystemLogLast and RogueDirectory values are compared by type (they change run to
run). With --writes, each RW RemoteVariable gets a test value (set), is read back
(get), and is set back to its old value; the outcomes are compared.

Prints one JSON line: {"tier": ..., "nodes": N, "differences": [...]}; exit 0
when identical, 1 otherwise. Runs in both tiers (python-fixtures/tier.py).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tier  # noqa: E402,F401  (selects real pyrogue or the compat stand-in; prints the tier line)
import numpy as np  # noqa: E402
import pyrogue as pr  # noqa: E402
import pyrogue.interfaces  # noqa: E402

VOLATILE = {'Time', 'LocalTime', 'SystemLog', 'SystemLogLast', 'RogueDirectory'}


def show(v):
    if isinstance(v, np.ndarray):
        return f'ndarray({v.dtype}, {v.shape}, {v.tolist()!r})'
    if isinstance(v, float) and v != v:
        return 'nan'
    if hasattr(v, '__dict__') and not isinstance(v, type):  # a model (`base`): its class and fields
        return f'{type(v).__module__}.{type(v).__name__}:' + repr({k: show(x) for k, x in sorted(vars(v).items())})
    return f'{type(v).__name__}:{v!r}'


def outcome(f):
    try:
        return show(f())
    except Exception as e:  # the server's exception, as the client raises it
        return f'raises {type(e).__name__}: {e}'


def members(node):
    props, funcs = [], {}
    for k, a in vars(type(node)).items():  # (not getattr: a property descriptor would ask the server)
        if type(a).__name__ == 'VirtualProperty':
            props.append(k)
        elif type(a).__name__ == 'VirtualMethod':
            funcs[k] = (list(a._args), list(a._kwargs))
    return sorted(props), funcs


def describe(node, rel, root_name):
    props, funcs = members(node)
    d = {
        'class': type(node).__name__,
        'bases': list(node._bases),
        'description': node.description,
        'groups': list(node.groups),
        'expand': node.expand,
        'guiGroup': node.guiGroup,
        'children': list(node.nodes.keys()),
        'props': props,
        'funcs': funcs,
    }
    volatile = rel in VOLATILE
    for p in props:
        d[f'prop {p}'] = outcome(lambda: getattr(node, p))
    if 'value' in funcs:
        if volatile:
            d['value type'] = outcome(lambda: type(node.value()).__name__)
        else:
            d['value'] = outcome(node.value)
            d['valueDisp'] = outcome(node.valueDisp)
    return d


def walk(client):
    root = client.root
    out = {}
    stack = [root]
    while stack:
        n = stack.pop()
        rel = n.path[len(root.name) + 1:] if n.path != root.name else ''
        out[rel] = (n, describe(n, rel, root.name))
        stack.extend(reversed(list(n.nodes.values())))
    return out


def test_value(node):
    """What --writes writes: the same rules as pyrogue-ts compare's testValue, for the plain cases."""
    cur = node.value()
    en = node.enum
    if en:
        for k in en:
            if k != cur:
                return k
        return None
    if isinstance(cur, bool):
        return not cur
    if isinstance(cur, int):
        lo, hi = node.minimum, node.maximum
        if not isinstance(lo, int) or not isinstance(hi, int) or hi < lo:
            return None
        v = lo + (0x5A5A5A5A % (hi - lo + 1))
        return v if v != cur else (lo if cur != lo else hi)
    if isinstance(cur, float):
        return 1.5 if cur != 1.5 else -2.5
    return None


def writes(tree, diffs, other):
    for rel, (n, d) in tree.items():
        if "<class 'pyrogue._Variable.RemoteVariable'>" not in d['bases'] or "<class 'pyrogue._Command.BaseCommand'>" in d['bases']:
            continue
        if rel not in other or d.get('prop mode') != "str:'RW'":
            continue
        m = other[rel][0]
        try:
            v = test_value(n)
        except Exception:
            v = None
        if v is None:
            continue
        old = n.value()
        ra = [outcome(lambda: n.set(v)), outcome(lambda: n.get())]
        rb = [outcome(lambda: m.set(v)), outcome(lambda: m.get())]
        if ra != rb:
            diffs.append({'path': rel, 'what': f'write {v!r}', 'a': ra, 'b': rb})
        try:
            n.set(old)
            m.set(old)
        except Exception:
            pass


def main():
    a, b = sys.argv[1], sys.argv[2]
    do_writes = '--writes' in sys.argv[3:]
    clients = []
    for s in (a, b):
        host, port = s.rsplit(':', 1)
        clients.append(pyrogue.interfaces.VirtualClient(addr=host, port=int(port)))
    ta, tb = walk(clients[0]), walk(clients[1])
    diffs = []
    for rel, (_, da) in ta.items():
        if rel not in tb:
            diffs.append({'path': rel, 'what': 'node', 'a': 'present', 'b': 'absent'})
            continue
        db = tb[rel][1]
        for k in sorted(set(da) | set(db)):
            if da.get(k) != db.get(k):
                diffs.append({'path': rel, 'what': k, 'a': repr(da.get(k)), 'b': repr(db.get(k))})
    for rel in tb:
        if rel not in ta:
            diffs.append({'path': rel, 'what': 'node', 'a': 'absent', 'b': 'present'})
    if do_writes:
        writes(ta, diffs, tb)
    print(json.dumps({'nodes': len(ta), 'differences': diffs}), flush=True)
    # rogue's C++ client can hang in its destructor at exit (docs/interop.md): leave at once
    os._exit(0 if not diffs else 1)


if __name__ == '__main__':
    main()
