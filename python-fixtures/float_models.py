#!/usr/bin/env python3
"""Records how real pyrogue v6.15 treats its small and newer float models
(Float16, Float8, BFloat16, TensorFloat32, Float6, Float4 and their BE forms),
for test/float-models.test.ts, which checks the TypeScript models against it.

Needs the real pyrogue (e.g. `source /work/real-pyrogue/env.sh`); exits 3 without it.

    /usr/bin/python3 python-fixtures/float_models.py test/data/float-models.pyrogue.json
    /usr/bin/python3 python-fixtures/float_models.py serve PORT       # the tree on a ZmqServer
    /usr/bin/python3 python-fixtures/float_models.py client HOST PORT # what a VirtualClient sees

`client` (real pyrogue's VirtualClient, or the compat stand-in without it) prints, as its
last line, what a VirtualClient sees of any server of this tree; the table's `client`
holds what it saw of real pyrogue's own server (interop/float-models-client.test.ts
compares pyrogue-ts's `serve --tree` with it).

A pyrogue Root with one Device on `rogue.interfaces.memory.Emulate(4, 0x1000)` holds,
per model, four RemoteVariables: `M` (the model's range), `M_Open` (minimum = maximum
= 0: rogue checks no range), `M_Narrow` (minimum -1.5, maximum 2.5) and `M_Array`
(numValues 4). The memory is zeroed first (Emulate's pages are not). The file holds:

  variables  per variable: typeStr, nativeType, disp, minimum, maximum, ndType, varBytes,
             and its model as a client sees it (`base`: class, module and __dict__)
  sets       in order: the variable, the value set (and index), the outcome (None, or the
             exception's class and text), then value(), valueDisp() and the variable's
             bytes in memory
  gets       per model: rows of [bytes written to memory under `M`, get() (its f64 bits),
             valueDisp()] (every byte for the 8-bit formats, a selection for the wider ones)
  python     the models' Python conversions: toBytes, fromBytes, fromString

Values are in python-fixtures/pyvalues.py's typed JSON, except a float: {"f64": its IEEE
double bits as 16 hex digits}, since 'nan' does not say which NaN.
"""
import json
import math
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tier  # noqa: E402  (prints its tier line; sets up the path)

import numpy as np  # noqa: E402
from pyvalues import describe  # noqa: E402

CLIENT = len(sys.argv) > 1 and sys.argv[1] == 'client'
if tier.TIER != 'real' and not CLIENT:
    print('float_models.py: the real pyrogue is needed', file=sys.stderr)
    sys.exit(3)

import pyrogue as pr  # noqa: E402
if not CLIENT:
    import rogue.interfaces.memory as rim  # noqa: E402

MODELS = [('Float16', 16), ('Float16BE', 16), ('Float8', 8), ('Float8BE', 8), ('BFloat16', 16), ('BFloat16BE', 16),
          ('TensorFloat32', 32), ('TensorFloat32BE', 32), ('Float6', 8), ('Float6BE', 8), ('Float4', 8), ('Float4BE', 8)]
STRIDE = 0x40  # bytes per model: M at +0, M_Open +8, M_Narrow +0x10, M_Array +0x20


def f64(x):
    return struct.pack('>d', x).hex()


def typed(x):
    """Typed JSON, but a float (also in a list) as {'f64': its bits}."""
    if type(x) is float:
        return {'f64': f64(x)}
    if isinstance(x, list):
        return [typed(e) for e in x]
    return describe(x)


def exc(e):
    """An exception's class and text; an object address in the text (`<ast.Name object at 0x…>`) as 0x0."""
    return {'type': f'{type(e).__module__}.{type(e).__qualname__}', 'text': re.sub(r' at 0x[0-9a-f]+>', ' at 0x0>', str(e))}


if not CLIENT:
    class Raw(rim.Master):
        """Direct transactions on the emulated memory, beside the tree's blocks."""

        def __init__(self, slave):
            super().__init__()
            self._setSlave(slave)

        def _txn(self, addr, ba, kind):
            tid = self._reqTransaction(addr, ba, len(ba), 0, kind)
            self._waitTransaction(tid)
            err = self._getError()
            if err:
                raise RuntimeError(err)

        def write(self, addr, data):
            self._txn(addr, bytearray(data), rim.Write)

        def read(self, addr, n):
            ba = bytearray(n)
            self._txn(addr, ba, rim.Read)
            return bytes(ba)


    class Dev(pr.Device):
        def __init__(self, **kw):
            super().__init__(**kw)
            for i, (name, bits) in enumerate(MODELS):
                base = getattr(pr, name)
                off = i * STRIDE
                self.add(pr.RemoteVariable(name=name, offset=off, bitSize=bits, base=base))
                self.add(pr.RemoteVariable(name=f'{name}_Open', offset=off + 8, bitSize=bits, base=base, minimum=0.0, maximum=0.0))
                self.add(pr.RemoteVariable(name=f'{name}_Narrow', offset=off + 0x10, bitSize=bits, base=base, minimum=-1.5, maximum=2.5))
                self.add(pr.RemoteVariable(name=f'{name}_Array', offset=off + 0x20, bitSize=bits * 4, base=base,
                                           numValues=4, valueBits=bits, valueStride=bits))


    class Root(pr.Root):
        def __init__(self):
            super().__init__(name='Root', pollEn=False)
            self.mem = rim.Emulate(4, 0x1000)
            self.addInterface(self.mem)
            self.add(Dev(name='Dev', memBase=self.mem, offset=0))


def scalar_battery(name, bits):
    nan = float('nan')
    vals = [0.0, -0.0, 1.0, -1.0, 1.5, -2.5, 0.1, 1 / 3, 2 / 3, math.pi, 0.3, 0.7, 100.0, -100.0,
            1.0001, 1.0 + 2 ** -11, 1.0 + 3 * 2 ** -12, 1.0 + 2 ** -8, 1.0 + 2 ** -4, 1.0 + 2 ** -3, 1.0 + 2 ** -2,
            2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -20, 6e-8, 1e-5, 6.1e-5, 2 ** -9, 2 ** -10, 3 * 2 ** -11, 2 ** -7, 0.001,
            2 ** -4, 2 ** -5, 0.04, 0.5, 0.25, 0.3, 0.75, 2 ** -2, 2 ** -3, 0.2,
            1e-30, -1e-30, 1e-40, -1e-40, 1e-45, 5e-324,
            6.0, 7.0, 6.5, 28.0, 30.0, 29.0, 448.0, 449.0, 480.0, 500.0, 65504.0, 65519.0, 65520.0, 70000.0,
            3.3895313892515355e+38, 3.39e38, 3.4011621342146535e+38, 3.4028234663852886e+38, 3.4028235e38, 3.5e38, 1e300, -1e300,
            nan, -nan, struct.unpack('>d', bytes.fromhex('7ff0000000000001'))[0], float('inf'), float('-inf'),
            1, 0, -3, 2 ** 70, 10 ** 400, True, False,
            'x', '1.5', None, [1.0], (1.0,), b'\x01', 1j,
            np.float32(1.5), np.float64(2.25), np.float16(-0.5), np.int32(3), np.uint8(1), np.bool_(True),
            np.float32(np.nan), np.array([1.5], dtype=np.float32)]
    return vals


def array_battery(bits):
    f16 = np.float16
    return [
        ([1.0, -2.0, 0.5, 3.0], -1), ([0.1, 0.2], 1), ([1.5], 3), ([1.0, 2.0, 3.0, 4.0, 5.0], -1), ([1.0, 2.0], 3),
        ([1, True, 2.5, -0.0], -1), (['x'], -1), ([None], -1), ([float('nan'), float('inf'), -float('inf'), 1e-40], -1),
        ([], -1), ((1.0, 2.0), -1),
        (np.array([0.25, -0.75, 1.25, 9.0], dtype=np.float32), -1), (np.array([1.5, 2.5], dtype=np.float32), 2),
        (np.array([1.5, 2.5, 3.5], dtype=np.float32), 2), (np.array([0.5, 1.0, -1.0, 2.0], dtype=f16), -1),
        (np.array([0.5, 1.0], dtype=np.float64), -1), (np.array([1, 2], dtype=np.int32), -1),
        (np.array([[1.0, 2.0]], dtype=np.float32), -1), (np.array([[1.0, 2.0]], dtype=f16), -1),
        (np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float32), -1),
        (np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)[::2], 1),
        (1.25, 2), (7.0, 0), (np.float32(0.75), 1), (np.float16(0.75), 1), (np.float64(0.75), 1), (2.0, 4), (2.0, -1),
    ]


def get_patterns(bits):
    if bits == 8:
        return [bytes([b]) for b in range(256)]
    if bits == 16:
        pats = set()
        for e in range(32):
            for m in (0, 1, 2, 0x155, 0x200, 0x3fe, 0x3ff):
                pats.add((e << 10) | m)
        for hi in range(0, 256, 7):
            pats.add(hi << 8 | 0x80)
        pats |= {0x7f7f, 0x7f80, 0x7f81, 0x7fc0, 0xff80, 0xffc0, 0x0001, 0x0080, 0x3f80, 0xbf80, 0x4049, 0x3c00, 0xbc00}
        out = []
        for p in sorted(pats):
            out.append(struct.pack('<H', p))
            out.append(struct.pack('<H', p | 0x8000))
        return list(dict.fromkeys(out))
    pats = [0, 0x80000000, 0x3f800000, 0x3f801fff, 0x3f802000, 0x3fffffff, 0x7f7fe000, 0x7f7fffff, 0x7f800000, 0x7f800001,
            0x7f802000, 0x7fc00000, 0xff800000, 0xffc00001, 0x00000001, 0x00002000, 0x00400000, 0x007fe000, 0x00800000,
            0x40490fdb, 0xc0490fdb, 0x3dcccccd, 0x477fe000, 0x12345678, 0x9abcdef0]
    return [struct.pack('<I', p) for p in pats]



# ---------------------------------------------------------------------------
# What a VirtualClient sees

CLIENT_SETS = [1.0001, -2.5, 1e-05, 448.0, 449.0, 70000.0, float('nan'), float('-inf'), 3, True, 'x', None, [1.0]]
CLIENT_ARRAY_SETS = [[0.1, -0.2, 1.5, 3.0], 'np', 'np-f8', [1.0, 2.0, 3.0, 4.0, 5.0]]


def client_view(host, port):
    import pyrogue.interfaces
    out = {'nodes': {}, 'sets': []}

    def attempt(f):
        try:
            return {'ok': typed(f())}
        except Exception as e:  # noqa: BLE001 - recorded
            return {'error': f'{type(e).__name__}: {e}'}

    with pyrogue.interfaces.VirtualClient(host, port) as client:
        dev = client.root.Dev
        for name, v in dev.variables.items():
            if name == 'enable':
                continue
            b = v.base
            out['nodes'][name] = {
                'class': type(v).__name__, 'typeStr': v.typeStr, 'disp': v.disp, 'mode': v.mode,
                'minimum': typed(v.minimum), 'maximum': typed(v.maximum), 'units': v.units,
                'base': {'class': type(b).__name__, 'module': type(b).__module__, 'name': b.name, 'bitSize': b.bitSize,
                         'binPoint': b.binPoint, 'ndType': None if b.ndType is None else str(b.ndType)},
                'value': attempt(v.value), 'valueDisp': attempt(v.valueDisp), 'get': attempt(v.get), 'getDisp': attempt(v.getDisp),
            }
        for model in [m for m, _ in MODELS]:
            for suffix in ('', '_Open', '_Narrow'):
                v = dev.node(model + suffix)
                for x in CLIENT_SETS:
                    out['sets'].append({'var': v.name, 'input': typed(x), 'set': attempt(lambda: v.set(x)),
                                        'value': attempt(v.value), 'valueDisp': attempt(v.valueDisp)})
            v = dev.node(model + '_Array')
            half = v.typeStr.startswith('float16')
            for x in CLIENT_ARRAY_SETS:
                if x == 'np':
                    x = np.array([0.25, -0.75, 1.25, 9.0], dtype=np.float16 if half else np.float32)
                elif x == 'np-f8':
                    x = np.array([0.5, 1.5], dtype=np.float64)
                out['sets'].append({'var': v.name, 'input': typed(x), 'set': attempt(lambda: v.set(x)),
                                    'value': attempt(v.value), 'valueDisp': attempt(v.valueDisp),
                                    'get2': attempt(lambda: v.get(index=2))})
    return out


def client_of_real_server():
    """The `client` view of this tree on real pyrogue's own ZmqServer (a server and a client process)."""
    import socket
    import subprocess
    import threading
    with socket.socket() as sk:
        sk.bind(('127.0.0.1', 0))
        port = sk.getsockname()[1]
    # the ZmqServer takes port and port + 1
    srv = subprocess.Popen([sys.executable, __file__, 'serve', str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        while 'serving on' not in (srv.stdout.readline() or 'serving on'):
            pass
        threading.Thread(target=srv.stdout.read, daemon=True).start()  # pyrogue logs to stdout: keep the pipe drained
        r = subprocess.run([sys.executable, __file__, 'client', '127.0.0.1', str(port)], capture_output=True, text=True, timeout=300)
        return json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        srv.stdin.close()
        srv.wait(timeout=60)


def serve(port):
    import pyrogue.interfaces
    root = Root()
    root.zmqServer = pyrogue.interfaces.ZmqServer(root=root, addr='127.0.0.1', port=port)
    root.addInterface(root.zmqServer)
    with root:
        Raw(root.mem).write(0, bytes(len(MODELS) * STRIDE))
        for v in root.Dev.variables.values():
            v.get()
        print(f'float_models.py: serving on 127.0.0.1:{port}', flush=True)
        sys.stdin.read()  # until stdin closes


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'serve':
        return serve(int(sys.argv[2]))
    if len(sys.argv) == 4 and CLIENT:
        print(json.dumps(client_view(sys.argv[2], int(sys.argv[3])), separators=(',', ':')), flush=True)
        return
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = {'pyrogue': tier.VERSION, 'models': [m for m, _ in MODELS], 'stride': STRIDE,
           'variables': {}, 'sets': [], 'gets': [], 'python': []}
    with Root() as root:
        raw = Raw(root.mem)
        raw.write(0, bytes(len(MODELS) * STRIDE))
        dev = root.Dev
        for v in dev.variables.values():
            if v.name == 'enable':
                continue
            v.get()
            b = v.base
            out['variables'][v.name] = {
                'typeStr': v.typeStr, 'nativeType': v.nativeType.__name__, 'disp': v.disp,
                'minimum': describe(v.minimum), 'maximum': describe(v.maximum),
                'ndType': None if v.ndType is None else str(v.ndType), 'varBytes': v.varBytes,
                'address': v.address, 'bitSize': v.bitSize,
                'base': {'module': type(b).__module__, 'class': type(b).__name__,
                         'dict': {k: (str(x) if isinstance(x, np.dtype) else describe(x)) for k, x in sorted(vars(b).items())}},
            }

        def record(v, case):
            try:
                case['value'] = typed(v.value())
                case['valueDisp'] = v.valueDisp()
            except Exception as e:  # noqa: BLE001 - recorded
                case['valueError'] = exc(e)
            case['memory'] = raw.read(v.address, v.varBytes).hex()
            out['sets'].append(case)

        for name, bits in MODELS:
            for suffix in ('', '_Open', '_Narrow'):
                v = dev.node(name + suffix)
                vals = scalar_battery(name, bits) if suffix != '_Narrow' else [0.0, 2.5, 2.6, -1.5, -1.6, -2.0, 1.0001, float('nan'), float('inf'), 3]
                for x in vals:
                    case = {'var': v.name, 'input': typed(x), 'index': -1}
                    try:
                        v.set(x)
                        case['error'] = None
                    except Exception as e:  # noqa: BLE001 - recorded
                        case['error'] = exc(e)
                    record(v, case)
            for disp in ('1.5', ' -0.25 ', 'nan', '-inf', '1e3', 'abc', '0x10'):
                v = dev.node(name)
                case = {'var': v.name, 'setDisp': disp, 'index': -1}
                try:
                    v.setDisp(disp)
                    case['error'] = None
                except Exception as e:  # noqa: BLE001 - recorded
                    case['error'] = exc(e)
                record(v, case)
            va = dev.node(name + '_Array')
            for x, index in array_battery(bits):
                case = {'var': va.name, 'input': typed(x), 'index': index}
                try:
                    va.set(x, index=index)
                    case['error'] = None
                except Exception as e:  # noqa: BLE001 - recorded
                    case['error'] = exc(e)
                record(va, case)
                try:
                    case['get2'] = typed(va.get(index=2))
                except Exception as e:  # noqa: BLE001 - recorded
                    case['get2'] = exc(e)

            v = dev.node(name)
            rows = []
            for pat in get_patterns(bits):
                raw.write(v.address, pat + bytes(v.varBytes - len(pat)))
                x = v.get()
                rows.append([pat.hex(), f64(x), v.valueDisp()])
            out['gets'].append({'var': name, 'rows': rows})

            model = getattr(pr, name)(bits)
            for x in [0.0, -0.0, 1.0, 1.0001, 1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11, -2.5, 1e-5, 6e-8, 2 ** -25, 1e-40, 0.3,
                      448.0, 500.0, 65504.0, 65519.0, 65520.0, 3.4e38, 3.5e38, float('nan'), float('inf'), float('-inf'),
                      3, True, '1.5', 'x', None]:
                c = {'model': name, 'op': 'toBytes', 'input': typed(x)}
                try:
                    c['result'] = bytes(model.toBytes(x)).hex()
                except Exception as e:  # noqa: BLE001 - recorded
                    c['error'] = exc(e)
                out['python'].append(c)
            for pat in get_patterns(bits)[::3 if bits == 8 else 1]:
                c = {'model': name, 'op': 'fromBytes', 'input': pat.hex()}
                try:
                    c['result'] = typed(model.fromBytes(pat))
                except Exception as e:  # noqa: BLE001 - recorded
                    c['error'] = exc(e)
                out['python'].append(c)
            for s in ('1.5', ' -2 ', 'nan', 'inf', '1_0.5', 'x', '0x10'):
                c = {'model': name, 'op': 'fromString', 'input': s}
                try:
                    c['result'] = typed(model.fromString(s))
                except Exception as e:  # noqa: BLE001 - recorded
                    c['error'] = exc(e)
                out['python'].append(c)
            for bad in (bits * 2, 1):
                c = {'model': name, 'op': 'construct', 'input': bad}
                try:
                    getattr(pr, name)(bad)
                    c['result'] = None
                except Exception as e:  # noqa: BLE001 - recorded
                    c['error'] = exc(e)
                out['python'].append(c)

    out['client'] = client_of_real_server()
    with open(sys.argv[1], 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    gets = sum(len(g['rows']) for g in out['gets'])
    print(f"float_models.py: {len(out['variables'])} variables, {len(out['sets'])} sets, {gets} gets, "
          f"{len(out['python'])} model calls -> {sys.argv[1]}", file=sys.stderr)


if __name__ == '__main__':
    main()
