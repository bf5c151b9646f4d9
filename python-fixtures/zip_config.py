#!/usr/bin/env python3
"""Configuration files through REAL pyrogue's SaveConfig and LoadConfig, for the
zip round trips with pyrogue-ts (interop/tree-zip-config.test.ts).

    /usr/bin/python3 python-fixtures/zip_config.py save FILE    # SaveConfig(FILE)
    /usr/bin/python3 python-fixtures/zip_config.py load NAME    # LoadConfig(NAME), then print the values

The tree is the one the test builds in TypeScript: Root 'Root' with a Device
'Dev' holding Int (int), Float (float), Text (str), Flag (bool) and Mode (an
enum). `save` sets them to SAVED first; `load` starts from the defaults and
prints one JSON line {"ok": {path: valueDisp}} or {"error": "Type: message"}.
The output is a file named on the command line or stdout's last line (`import
rogue` prints a banner first). Exit 3 without real pyrogue.

test/data/pyrogue-SaveConfig.yml.zip was written by `save` (with real pyrogue v6.15.0).
"""
import json
import sys

import tier  # noqa: E402  (real pyrogue from PYROGUE_PYTHONPATH, as the interop scenarios find it)

if tier.TIER != 'real':
    print('zip_config.py: needs real pyrogue (tier.py found %s)' % tier.TIER, file=sys.stderr)
    sys.exit(3)
import pyrogue as pr  # noqa: E402

SAVED = {'Int': 42, 'Float': 2.5, 'Text': 'written by pyrogue', 'Flag': True, 'Mode': 2}


def tree():
    root = pr.Root(name='Root', pollEn=False)
    root._doHeartbeat = False
    dev = pr.Device(name='Dev')
    dev.add(pr.LocalVariable(name='Int', value=1))
    dev.add(pr.LocalVariable(name='Float', value=0.5))
    dev.add(pr.LocalVariable(name='Text', value='default'))
    dev.add(pr.LocalVariable(name='Flag', value=False))
    dev.add(pr.LocalVariable(name='Mode', value=0, enum={0: 'Off', 1: 'Slow', 2: 'Fast'}))
    root.add(dev)
    return root


def values(root):
    return {f'Root.Dev.{k}': root.Dev.node(k).valueDisp() for k in SAVED}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('save', 'load'):
        print(f'usage: {sys.argv[0]} save FILE | load NAME', file=sys.stderr)
        sys.exit(2)
    mode, name = sys.argv[1], sys.argv[2]
    root = tree()
    root.start()
    try:
        if mode == 'save':
            for k, v in SAVED.items():
                root.Dev.node(k).set(v)
            root.SaveConfig(name)
            out = {'ok': values(root)}
        else:
            try:
                root.LoadConfig(name)
                out = {'ok': values(root)}
            except Exception as e:
                out = {'error': f'{type(e).__name__}: {e}'}
    finally:
        root.stop()
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
