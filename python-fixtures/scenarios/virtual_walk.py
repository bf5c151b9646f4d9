#!/usr/bin/env python3
"""VirtualClient: connect, walk the WHOLE tree lazily (node.nodes per parent),
report every node's local attributes and capabilities, read every exposed
property of every node and value()/valueDisp() of every variable.
NoServe nodes must be invisible. Needs a FRESH server (read-only otherwise).

Steps: node:<path> (local attributes), prop:<path>:<prop> and
read:<path>:value|valueDisp (ids as in the golden transcript)."""


import _common
from _common import attempt, emit
import pyrogue as pr
import pyrogue.interfaces
from pyrogue.interfaces._Virtual import VirtualProperty

host, port = _common.args()


def walk(n):
    yield n
    for child in n.nodes.values():
        yield from walk(child)


with pyrogue.interfaces.VirtualClient(host, port) as client:
    root = client.root
    nodes = list(walk(root))
    emit('walk:count', count=len(nodes))
    for n in nodes:
        emit(f'node:{n.path}', name=n.name, cls=type(n).__name__, description=n.description,
             groups=n.groups, expand=n.expand, guiGroup=n.guiGroup, hidden=n.hidden,
             isDevice=n.isinstance(pr.Device), isVariable=n.isinstance(pr.BaseVariable),
             isCommand=n.isinstance(pr.BaseCommand), isRoot=n.isinstance(pr.Root),
             callable=callable(n), children=list(n.nodes.keys()))
    for n in nodes:
        props = sorted(k for k, v in type(n).__dict__.items() if isinstance(v, VirtualProperty))
        for prop in props:
            emit(f'prop:{n.path}:{prop}', result=attempt(lambda: getattr(n, prop)))
        if n.isinstance(pr.BaseVariable) and not n.isinstance(pr.BaseCommand):
            emit(f'read:{n.path}:value', result=attempt(lambda: n.value()))
            emit(f'read:{n.path}:valueDisp', result=attempt(lambda: n.valueDisp()))
