#!/usr/bin/env python3
"""Real rogue / pyrogue on the RUDP stack, for the real tier of the interop tests and the
bench (needs real pyrogue: python-fixtures/tier.py must select the real tier).

  rogue_rudp.py fpga PORT [--pack 1|2] [--jumbo]
      rogue's udp.Server + rssi.Server + packetizer (CoreV2(False, True, True) or
      Core(True)) + srp.SrpV3Emulation on tdest 0. Prints 'READY <port>' (PORT 0 = any),
      runs until stdin closes.
  rogue_rudp.py client PORT [--pack 1|2] [--jumbo] [--inflight N] SCRIPT_JSON
      a pyrogue Root with pyrogue.protocols.UdpRssiPack(host='127.0.0.1', port=PORT) and
      rogue.protocols.srp.SrpV3 on application(0); SCRIPT_JSON is a list of
      ["write"|"post", addr, "hex"] / ["read"|"verify", addr, size] run through a
      rogue.interfaces.memory.Master (up to N at once; an op with a fourth element true runs
      alone, so the Master's error is its own). Prints one JSON object:
      {"open", "results": [["ok", hex] | ["error", text]], "net": {variable: value}}.
  rogue_rudp.py bench PORT [--pack 1|2] [--seconds S]
      rogue's C++ SrpV3 client (driven from Python through a memory Master) against
      127.0.0.1:PORT: 4-byte reads 1 and 32 at a time, 4 KiB reads 8 at a time (each batch
      issued, then waited for). Prints {"reads1": [per_s, median_batch_s], ...} as JSON.
  rogue_rudp.py serve PORT ZMQPORT [--pack 1|2]
      a real pyrogue Root ('Root') with UdpRssiPack + SrpV3 + pyrogue.examples.AxiVersion on
      127.0.0.1:PORT, served by pyrogue's ZmqServer on ZMQPORT. Prints 'READY' once serving,
      runs until stdin closes.
  rogue_rudp.py nodes
      the node table of a real UdpRssiPack under a Root (name, mode, typeStr, poll,
      hidden, value, class bases), as JSON.

Every run prints tier.py's JSON line first.
"""
import json
import os
import sys
import time

import tier  # noqa: F401  (selects the real pyrogue, prints the tier line)

import pyrogue
import pyrogue.protocols
import rogue
import rogue.interfaces.memory as rim
import rogue.protocols.packetizer
import rogue.protocols.rssi
import rogue.protocols.srp
import rogue.protocols.udp

TYPES = {'read': rim.Read, 'write': rim.Write, 'post': rim.Post, 'verify': rim.Verify}


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def fpga(args):
    port = int(args[0])
    pack_v = int(opt(args, '--pack', '2'))
    jumbo = '--jumbo' in args
    udp = rogue.protocols.udp.Server(port, jumbo)
    rssi = rogue.protocols.rssi.Server(udp.maxPayload() - 8)
    pack = rogue.protocols.packetizer.CoreV2(False, True, True) if pack_v == 2 else rogue.protocols.packetizer.Core(True)
    emu = rogue.protocols.srp.SrpV3Emulation()
    udp == rssi.transport()
    rssi.application() == pack.transport()
    pack.application(0) == emu
    rssi._start()
    print('READY %d' % udp.getPort(), flush=True)
    while os.read(sys.stdin.fileno(), 4096):
        pass
    rssi._stop()
    os._exit(0)


class Mem(rim.Master):
    pass


def client(args):
    port = int(args[0])
    pack_v = int(opt(args, '--pack', '2'))
    jumbo = '--jumbo' in args
    inflight = int(opt(args, '--inflight', '1'))
    script = json.loads(args[-1])
    root = pyrogue.Root(name='Root', pollEn=False, timeout=2.0)
    net = pyrogue.protocols.UdpRssiPack(name='Net', host='127.0.0.1', port=port, packVer=pack_v, jumbo=jumbo)
    root.add(net)
    srp = rogue.protocols.srp.SrpV3()
    net.application(0) == srp
    results = [None] * len(script)
    with root:
        m = Mem()
        m._setSlave(srp)
        m._setTimeout(2000000)
        i = 0
        while i < len(script):
            batch = []
            for k in range(i, min(len(script), i + inflight)):
                op, addr, arg = script[k][:3]
                alone = len(script[k]) > 3 and script[k][3]
                if alone and batch:
                    break
                if op in ('read', 'verify'):
                    buf = bytearray(arg)
                else:
                    buf = bytearray(bytes.fromhex(arg))
                tid = m._reqTransaction(addr, buf, len(buf), 0, TYPES[op])
                batch.append((k, tid, buf))
                if alone:
                    break
            for k, tid, buf in batch:
                m._waitTransaction(tid)
            err = m._getError()
            m._clearError()
            for k, tid, buf in batch:
                results[k] = ['error', err] if err else ['ok', bytes(buf).hex()]
            i += len(batch)
        net_vars = {n: net.node(n).get() for n in ('rssiOpen', 'curMaxSegment', 'curMaxBuffers', 'rssiDropCount', 'rssiRetranCount', 'rssiDownCount')}
        print(json.dumps({'open': bool(net_vars['rssiOpen']), 'results': results, 'net': net_vars}), flush=True)
    os._exit(0)


def bench(args):
    port = int(args[0])
    pack_v = int(opt(args, '--pack', '2'))
    secs = float(opt(args, '--seconds', '2'))
    root = pyrogue.Root(name='Root', pollEn=False, timeout=5.0)
    net = pyrogue.protocols.UdpRssiPack(name='Net', host='127.0.0.1', port=port, packVer=pack_v)
    root.add(net)
    srp = rogue.protocols.srp.SrpV3()
    net.application(0) == srp
    out = {}
    with root:
        m = Mem()
        m._setSlave(srp)
        m._setTimeout(5000000)

        def run(size, k):
            bufs = [bytearray(size) for _ in range(k)]
            lat = []
            n = 0
            t0 = time.perf_counter()
            end = t0 + secs
            while time.perf_counter() < end:
                t = time.perf_counter()
                ids = [m._reqTransaction(0x1000, b, size, 0, rim.Read) for b in bufs]
                for i in ids:
                    m._waitTransaction(i)
                lat.append(time.perf_counter() - t)
                n += k
            err = m._getError()
            if err:
                raise RuntimeError(err)
            lat.sort()
            return [n / (time.perf_counter() - t0), lat[len(lat) // 2]]
        run(4, 1)  # warm up
        out['reads1'] = run(4, 1)
        out['reads32'] = run(4, 32)
        out['block8'] = run(4096, 8)
        print(json.dumps(out), flush=True)
    os._exit(0)


def serve(args):
    port, zport = int(args[0]), int(args[1])
    pack_v = int(opt(args, '--pack', '2'))
    import pyrogue.examples
    import pyrogue.interfaces
    root = pyrogue.Root(name='Root', pollEn=False, timeout=5.0)
    net = pyrogue.protocols.UdpRssiPack(name='Net', host='127.0.0.1', port=port, packVer=pack_v)
    root.add(net)
    srp = rogue.protocols.srp.SrpV3()
    net.application(0) == srp
    root.add(pyrogue.examples.AxiVersion(memBase=srp, offset=0))
    root.addInterface(pyrogue.interfaces.ZmqServer(root=root, addr='127.0.0.1', port=zport))
    with root:
        print('READY', flush=True)
        while os.read(sys.stdin.fileno(), 4096):
            pass
    os._exit(0)


def nodes(args):
    root = pyrogue.Root(name='Root', pollEn=False)
    net = pyrogue.protocols.UdpRssiPack(name='Net', host='127.0.0.1', port=8192, wait=False)
    root.add(net)
    out = []
    for n in net.nodeList:
        v = n.value() if not n.isCommand else n.value()
        out.append([n.name, n.mode, n.typeStr, n.pollInterval, n.hidden, v if not isinstance(v, int) or isinstance(v, bool) else {'int': v}])
    bases = [str(b) for b in pyrogue.genBaseList(type(net))][:3]
    print(json.dumps({'nodes': out, 'bases': bases}), flush=True)
    os._exit(0)


if __name__ == '__main__':
    {'fpga': fpga, 'client': client, 'bench': bench, 'serve': serve, 'nodes': nodes}[sys.argv[1]](sys.argv[2:])
