#!/usr/bin/env python3
"""Every node of a pyrogue server as pyrogue's VirtualClient sees it (real tier: needs pyrogue).

  example_nodes.py HOST PORT
      one JSON line per node, tree order: the VirtualFactory data (name, class, bases,
      description, groups, path, expand, guiGroup, node names, props, funcs), the value of
      every prop read through the client (repr's ' at 0x…' addresses cut), and valueDisp()
      of each variable. Values that move with time (Time, counters of the OS, TestPlot…)
      are written '*'. LargeDevice.TestValue[i] for i >= 10 carry their data only (their
      props are those of TestValue[0..9]; reading all 4096 x 20 props takes minutes).
"""
import json
import os
import re
import sys

import pyrogue.interfaces
import pyrogue.interfaces._Virtual as V

VOLATILE = {'Time', 'LocalTime', 'RogueDirectory', 'SystemLog', 'SystemLogLast', 'UpTimeCnt', 'UpTime', 'TestPlot',
            'TestXAxis', 'TestArray', 'Uptime', 'SysLoad1Min', 'SysLoad5Min', 'SysLoad15Min', 'Bandwidth'}


def conv(v):
    if isinstance(v, (bool, int, float, str, type(None))):
        return re.sub(r' at 0x[0-9a-f]+', ' at 0x…', v) if isinstance(v, str) else v
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, dict):
        return {str(k): conv(x) for k, x in v.items()}
    return re.sub(r' at 0x[0-9a-f]+', ' at 0x…', repr(v))


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    raw = {}
    orig = V.VirtualFactory

    def record(data):
        raw[data['path']] = data
        return orig(data)

    V.VirtualFactory = record
    client = pyrogue.interfaces.VirtualClient(addr=host, port=port)

    def walk(n):
        d = raw[n.path]
        o = {k: conv(d[k]) for k in ('name', 'class', 'bases', 'description', 'groups', 'path', 'expand', 'guiGroup', 'props')}
        o['nodes'] = list(d['nodes'].keys())
        o['funcs'] = conv(d['funcs'])
        m = re.match(r'.*\.TestValue\[(\d+)\]$', n.path)
        if not (m and int(m.group(1)) >= 10):
            pv = {}
            for p in d['props']:
                if n.name in VOLATILE and p in ('value', 'valueDisp', 'typeStr'):
                    pv[p] = '*'
                    continue
                try:
                    pv[p] = conv(getattr(n, p))
                except Exception as e:
                    pv[p] = 'ERR ' + type(e).__name__ + ': ' + str(e)
            o['propValues'] = pv
            if n.isVariable and not n.isCommand:
                try:
                    o['valueDisp'] = '*' if n.name in VOLATILE else n.valueDisp()
                except Exception as e:
                    o['valueDisp'] = 'ERR ' + str(e)
        print(json.dumps(o, sort_keys=True))
        for ch in n.nodes.values():
            walk(ch)

    walk(client.root)
    sys.stdout.flush()
    os._exit(0)


if __name__ == '__main__':
    main()
