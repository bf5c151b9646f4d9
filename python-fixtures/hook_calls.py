#!/usr/bin/env python3
"""The hook-call table of REAL pyrogue: which user hooks (localGet, localSet,
linkedGet, linkedSet, command functions, a Process function, variable and
root listeners) run, how often and in what order, for each operation on one
small tree. test/tree-hook-calls.test.ts drives pyrogue-ts's tree through the
same operations and compares with the table this script wrote
(test/data/hook-calls.pyrogue.json).

    PYROGUE_PYTHONPATH=… PYROGUE_LD_LIBRARY_PATH=… \
        /usr/bin/python3 python-fixtures/hook_calls.py test/data/hook-calls.pyrogue.json

It needs real pyrogue, found as the interop tests find it (tier.py, docs/interop.md;
exit 3 without it), and takes about 8 s: the poll step runs pyrogue's poller for
5.5 s of wall-clock time. interop/hook-calls-real.test.ts runs it when real pyrogue
is there and checks that the committed table is still what pyrogue does.

Each call is recorded as 'hook:Node[:detail]' in one of three phases, by the
thread that made it: 'update' (Root's update worker: a variable's update and
the listeners after it), 'poll' (the poll thread) or 'call' (the caller and
any thread it started). Within a phase the order is pyrogue's; between phases
pyrogue's threads run concurrently, so the table keeps them apart.
"""
import json
import os
import sys
import tempfile
import threading
import time

import tier  # noqa: E402  (real pyrogue from PYROGUE_PYTHONPATH, as the interop scenarios find it)

if tier.TIER != 'real':
    print('hook_calls.py: needs real pyrogue (tier.py found %s)' % tier.TIER, file=sys.stderr)
    sys.exit(3)
import pyrogue as pr  # noqa: E402

LOG = []
STATE = {'root': None}


def phase():
    t = threading.current_thread()
    root = STATE['root']
    if root is not None:
        if t is root._updateThread:
            return 'update'
        if t is root._pollQueue._pollThread:
            return 'poll'
    return 'call'


def rec(what):
    LOG.append((phase(), what, time.monotonic()))


class Dev(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._store = 0
        self._count = 20

        def locSet(value, changed):
            rec(f'localSet:Loc:{value}:{changed}')
            self._store = value

        def locGet():
            rec('localGet:Loc')
            return self._store

        def cntGet():
            rec('localGet:Cnt')
            self._count += 1
            return self._count - 1

        def linkGet(read):
            rec(f'linkedGet:Link:{read}')
            return self.Loc.get(read=read) * 2

        def linkSet(value, write):
            rec(f'linkedSet:Link:{value}:{write}')
            self.Loc.set(value // 2, write=write)

        def cmd(arg):
            rec(f'function:Cmd:{arg}')
            return arg

        self.add(pr.LocalVariable(name='Loc', value=0, localSet=locSet, localGet=locGet))
        self.add(pr.LocalVariable(name='Cnt', mode='RO', localGet=cntGet))
        self.add(pr.LinkVariable(name='Link', dependencies=[self.Loc], linkedGet=linkGet, linkedSet=linkSet))
        self.add(pr.LocalCommand(name='Cmd', value=0, function=cmd))


WATCHED = ('Root.Dev.Loc', 'Root.Dev.Cnt', 'Root.Dev.Link', 'Root.Dev.Cmd')


def main():
    if len(sys.argv) != 2:
        print(f'usage: {sys.argv[0]} OUT.json', file=sys.stderr)
        sys.exit(2)
    root = pr.Root(name='Root', pollEn=False)
    root._doHeartbeat = False

    def proc(arg):
        rec(f'function:Proc:{arg}')

    def topSet(value, changed):
        rec(f'localSet:Top:{value}:{changed}')

    # a variable of the Root itself: pyrogue finishes the Root's own variables twice at start
    root.add(pr.LocalVariable(name='Top', value=0, localSet=topSet))
    root.add(Dev(name='Dev'))
    root.add(pr.Process(name='Proc', function=proc))

    def listener(path, value):
        if path in WATCHED:
            rec(f'listener:{path.split(".")[-1]}:{value.valueDisp}')

    def varFunc(path, value):
        rec(f'varListener:Loc:{value.valueDisp}')

    root.addVarListener(listener)
    root.Dev.Loc.addListener(varFunc)
    STATE['root'] = root

    dev = root.Dev
    d = tempfile.mkdtemp(prefix='hook_calls_')
    cfg = os.path.join(d, 'cfg.yml')
    with open(cfg, 'w') as f:
        f.write('Root:\n  Dev:\n    Loc: 40\n    Link: 100\n    Cnt: 3\n')

    def startProc():
        root.Proc.Start()
        # the process runs in its own thread: wait for it to end
        deadline = time.monotonic() + 10
        while root.Proc._thread is None or root.Proc._thread.is_alive():
            if time.monotonic() > deadline:
                raise RuntimeError('process did not end')
            time.sleep(0.01)

    ops = [
        ('start', root.start),
        ('Loc.get()', lambda: dev.Loc.get()),
        ('Loc.value()', lambda: dev.Loc.value()),
        ('Loc.set(5)', lambda: dev.Loc.set(5)),
        ('Loc.set(5) unchanged', lambda: dev.Loc.set(5)),
        ('Loc.set(7, write=False)', lambda: dev.Loc.set(7, write=False)),
        ('Loc.post(8)', lambda: dev.Loc.post(8)),
        ('Loc.getDisp()', lambda: dev.Loc.getDisp()),
        ('Loc.valueDisp()', lambda: dev.Loc.valueDisp()),
        ('Loc.getVariableValue()', lambda: dev.Loc.getVariableValue()),
        ('Loc.setDisp("9")', lambda: dev.Loc.setDisp('9')),
        ('Loc.alarmStatus', lambda: dev.Loc.alarmStatus),
        ('Cnt.get()', lambda: dev.Cnt.get()),
        ('Cnt.value()', lambda: dev.Cnt.value()),
        ('Link.get()', lambda: dev.Link.get()),
        ('Link.value()', lambda: dev.Link.value()),
        ('Link.set(30)', lambda: dev.Link.set(30)),
        ('Cmd()', lambda: dev.Cmd()),
        ('Cmd(3)', lambda: dev.Cmd(3)),
        ('Cmd.call("4")', lambda: dev.Cmd.call('4')),
        ('ReadAll', lambda: root.ReadAll()),
        ('WriteAll', lambda: root.WriteAll()),
        ('SetYamlConfig', lambda: root.SetYamlConfig('Root:\n  Dev:\n    Loc: 12\n    Link: 50\n    Cnt: 3\n')),
        ('LoadConfig', lambda: root.LoadConfig(cfg)),
        ('GetYamlConfig(True)', lambda: root.GetYamlConfig(True)),
        ('GetYamlState(False)', lambda: root.GetYamlState(False)),
        ('SaveConfig', lambda: root.SaveConfig(os.path.join(d, 'saved.yml'))),
        ('Dev.enable.set(False)', lambda: dev.enable.set(False)),
        ('disabled Loc.get()', lambda: dev.Loc.get()),
        ('disabled Loc.set(11)', lambda: dev.Loc.set(11)),
        ('disabled Cmd(5)', lambda: dev.Cmd(5)),
        ('Dev.enable.set(True)', lambda: dev.enable.set(True)),
        ('Proc.Start()', startProc),
    ]

    table = []
    try:
        for name, fn in ops:
            LOG.clear()
            fn()
            root.waitOnUpdate()
            table.append(entry(name))

        # Polling: Cnt every 1 s for 5.5 s of wall-clock time.
        LOG.clear()
        dev.Cnt.setPollInterval(1)
        t0 = time.monotonic()
        root.PollEn.set(True)
        time.sleep(5.5)
        root.PollEn.set(False)
        root.waitOnUpdate()
        e = entry('poll Cnt every 1 s for 5.5 s')
        e['times'] = [round(t - t0) for (p, w, t) in LOG if w == 'localGet:Cnt']
        table.append(e)
    finally:
        root.stop()

    out = {
        'pyrogue': pr.__version__ if hasattr(pr, '__version__') else None,
        'note': 'written by python-fixtures/hook_calls.py from real pyrogue; do not edit',
        'ops': table,
    }
    # the file is named on the command line: `import rogue` prints a banner on stdout
    with open(sys.argv[1], 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


def entry(name):
    e = {'op': name}
    for p in ('call', 'update', 'poll'):
        e[p] = [w for (ph, w, t) in LOG if ph == p]
    return e


if __name__ == '__main__':
    main()
