#!/usr/bin/env python3
"""What REAL pyrogue's everyday Device helpers do, for test/tree-device-helpers.test.ts:
addRemoteVariables (names, offsets, hidden, the packed `_All` LinkVariable, its
get and set), hideVariables, find, addNodes.

    PYROGUE_PYTHONPATH=… /usr/bin/python3 python-fixtures/device_helpers.py test/data/device-helpers.pyrogue.json

Needs real pyrogue (tier.py; exit 3 without it). The test builds the same tree in
TypeScript and compares with the file this writes.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tier  # noqa: E402

if tier.TIER != 'real':
    print('device_helpers.py: needs real pyrogue (tier.py found %s)' % tier.TIER, file=sys.stderr)
    sys.exit(3)
import pyrogue as pr  # noqa: E402
import pyrogue.interfaces.simulation  # noqa: E402


class Chan(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add(pr.RemoteVariable(name='Gain', offset=0x0, bitSize=8, mode='RW'))


def describe(dev):
    out = []
    for n in dev.nodes.values():
        if n.name in ('enable', 'ReadDevice', 'WriteDevice'):
            continue
        d = {'name': n.name, 'class': type(n).__name__, 'hidden': n.hidden}
        if isinstance(n, pr.RemoteVariable):
            d.update(offset=n.offset, bitSize=n.bitSize, mode=n.mode, description=n.description)
        elif isinstance(n, pr.Device):
            d.update(offset=n.offset)
        elif isinstance(n, pr.LinkVariable):
            d.update(mode=n.mode, deps=[x.name for x in n.dependencies])
        out.append(d)
    return out


def main():
    mem = pyrogue.interfaces.simulation.MemEmulate()
    root = pr.Root(name='Root', pollEn=False)
    root._doHeartbeat = False
    root.addInterface(mem)
    dev = pr.Device(name='Dev', memBase=mem, offset=0x1000)
    dev.addRemoteVariables(number=4, stride=4, name='Thr', offset=0x100, bitSize=16, mode='RW', description='a threshold')
    dev.addRemoteVariables(number=3, stride=1, name='Field', offset=0x200, bitSize=8, mode='RW', pack=True)
    dev.addRemoteVariables(number=2, stride=8, name='Stat', offset=0x300, bitSize=32, mode='RO', hidden=True)
    dev.add(pr.LocalVariable(name='A', value=1))
    dev.add(pr.LocalVariable(name='B', value=2, mode='RO'))
    dev.addNodes(Chan, 2, 0x40, name='Chan', offset=0x400)
    root.add(dev)
    # where addRemoteVariables/addNodes put them (starting shifts a variable's offset down to its block)
    out = {'nodes': describe(dev)}
    root.start()
    try:
        for i, v in enumerate([0x11, 0x22, 0x33]):
            dev.Field[i].set(v)
        out['Field_All.get'] = dev.Field_All.get()
        dev.Field_All.set('1_2_3')
        out['Field after set 1_2_3'] = [dev.Field[i].get() for i in range(3)]
        out['find typ=RemoteVariable name=Thr'] = [n.path for n in root.find(typ=pr.RemoteVariable, name='Thr')]
        out['find mode=RO'] = [n.path for n in dev.find(mode='RO')]
        out['find typ=LocalVariable recurse=False'] = [n.path for n in root.find(typ=pr.LocalVariable, recurse=False)]
        out['find name=Gain'] = [n.path for n in root.find(name='Gain')]
        dev.hideVariables(True, ['A', 'B'])
        out['hidden after hideVariables(True, [A, B])'] = {n: dev.node(n).hidden for n in ('A', 'B', 'Thr[0]')}
        dev.hideVariables(False)
        out['hidden after hideVariables(False)'] = {n.name: n.hidden for n in dev.variables.values()}
    finally:
        root.stop()
    with open(sys.argv[1], 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
