#!/usr/bin/env python3
"""Real rogue/pyrogue v6.15 on data files (real tier only: needs `import rogue, pyrogue`).

  real_datafile.py read FILE... [--config-chan N]
      pyrogue.utilities.fileio.FileReader: one JSON line per record
      {"size","flags","error","channel","payload": hex}, then {"config": configDict}
  real_datafile.py write FILE [--raw] [--max-size N] [--buffer-size N]
      rogue.utilities.fileio.StreamWriter; stdin: JSON lines
      {"payload": hex, "flags", "error", "channel", "writerChannel"} sent as frames
  real_datafile.py prbs-write FILE COUNT SIZE [WIDTH]
      rogue.utilities.Prbs -> StreamWriter channel 0
  real_datafile.py prbs-check FILE [WIDTH]
      rogue.utilities.fileio.StreamReader -> rogue.utilities.Prbs checker; prints
      {"rxCount", "rxErrors", "rxBytes"}
  real_datafile.py config-write FILE
      a pyrogue Root with pyrogue.utilities.fileio.StreamWriter(configStream={255: Variable})
      and two LocalVariables: Open, a set, a frame on channel 0, Close
"""
import json
import os
import sys
import time

import rogue
import rogue.interfaces.stream as ris
import rogue.utilities
import rogue.utilities.fileio
import pyrogue
import pyrogue.interfaces.stream
import pyrogue.utilities.fileio


def opt(args, name, conv=int, default=None):
    if name in args:
        i = args.index(name)
        v = args[i + 1]
        del args[i:i + 2]
        return conv(v)
    return default


def cmd_read(args):
    chan = opt(args, '--config-chan')
    r = pyrogue.utilities.fileio.FileReader(files=args, configChan=chan)
    for h, data in r.records():
        print(json.dumps({'size': h.size, 'flags': h.flags, 'error': h.error, 'channel': h.channel,
                          'payload': data.tobytes().hex()}))
    print(json.dumps({'config': r.configDict}, default=str))


class Source(ris.Master):
    def send(self, payload, flags, error, channel):
        f = self._reqFrame(len(payload), True)
        f.write(bytearray(payload), 0)
        f.setFlags(flags)
        f.setError(error)
        f.setChannel(channel)
        self._sendFrame(f)


def cmd_write(args):
    raw = '--raw' in args
    if raw:
        args.remove('--raw')
    max_size = opt(args, '--max-size', default=0)
    buf = opt(args, '--buffer-size', default=0)
    w = rogue.utilities.fileio.StreamWriter()
    w.setRaw(raw)
    w.setMaxSize(max_size)
    w.setBufferSize(buf)
    sources = {}
    w.open(args[0])
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        ch = q.get('writerChannel', 0)
        if ch not in sources:
            sources[ch] = Source()
            sources[ch] >> w.getChannel(ch)
        sources[ch].send(bytes.fromhex(q['payload']), q.get('flags', 0), q.get('error', 0), q.get('channel', 0))
    w.close()
    print(json.dumps({'frameCount': w.getFrameCount(), 'totalSize': w.getTotalSize()}))


def cmd_prbs_write(args):
    path, count, size = args[0], int(args[1]), int(args[2])
    width = int(args[3]) if len(args) > 3 else 32
    p = rogue.utilities.Prbs()
    p.setWidth(width)
    w = rogue.utilities.fileio.StreamWriter()
    p >> w.getChannel(0)
    w.open(path)
    for _ in range(count):
        p.genFrame(size)
    w.close()
    print(json.dumps({'txCount': p.getTxCount(), 'frameCount': w.getFrameCount()}))


def cmd_prbs_check(args):
    width = int(args[1]) if len(args) > 1 else 32
    p = rogue.utilities.Prbs()
    p.setWidth(width)
    r = rogue.utilities.fileio.StreamReader()
    r >> p
    r.open(args[0])
    r.closeWait()
    print(json.dumps({'rxCount': p.getRxCount(), 'rxErrors': p.getRxErrors(), 'rxBytes': p.getRxBytes()}))


def cmd_config_write(args):
    class R(pyrogue.Root):
        def __init__(self):
            super().__init__(name='R', pollEn=False, timeout=1.0)
            self.add(pyrogue.LocalVariable(name='Gain', value=2, mode='RW'))
            self.add(pyrogue.LocalVariable(name='Label', value='abc', mode='RW'))
            # the writer's own variables (Hidden) are left out: pyrogue's FileReader cannot load the
            # Bandwidth it writes once it reaches 1,000 B/s ('{:,.3f}' makes "!!float '3,119.039'")
            stream = pyrogue.interfaces.stream.Variable(root=self, excGroups=['NoStream', 'Hidden'])
            self.add(pyrogue.utilities.fileio.StreamWriter(name='Writer', configStream={255: stream}))

    with R() as root:
        src = Source()
        src >> root.Writer.getChannel(0)
        root.Writer.DataFile.set(args[0])
        root.Writer.Open()
        root.Gain.set(7)
        time.sleep(0.3)
        src.send(b'data!', 0, 0, 0)
        root.Writer.Close()
    print(json.dumps({'ok': True}))


if __name__ == '__main__':
    mode, rest = sys.argv[1], sys.argv[2:]
    {'read': cmd_read, 'write': cmd_write, 'prbs-write': cmd_prbs_write, 'prbs-check': cmd_prbs_check,
     'config-write': cmd_config_write}[mode](rest)
    sys.stdout.flush()
    os._exit(0)
