#!/usr/bin/env python3
"""Every SimpleClient call on every value type of the reference tree's Demo
device (int, negative int, UInt64, float with units/limits/alarms, bool, str,
enum, list, float64 and int32 numpy arrays, RO, WO, hex display, Hidden, a
LinkVariable, Chan[0..2]) + AxiVersion registers, commands through exec, and
the error replies SimpleClient raises. Needs a FRESH server.

Step ids follow the golden transcript ids (read:/write:/cmd:/err:<path>:<attr>)
so expected/simple_types.jsonl is the transcript's canonical replies."""
import numpy as np

import _common
from _common import attempt, emit
import pyrogue.interfaces

DEMO = ['enable', 'Int', 'Negative', 'BigInt', 'Float', 'Bool', 'Text', 'Enum', 'List', 'Array', 'IntArray',
        'ReadOnly', 'WriteOnly', 'HexDisp', 'HiddenVar', 'IntTimesTwo', 'Chan[0]', 'Chan[1]', 'Chan[2]']

# (path, method, value) in the order the transcript's write family runs them
WRITES = [
    ('Root.Demo.Int', 'set', 17), ('Root.Demo.Int', 'setDisp', '23'),
    ('Root.Demo.Negative', 'set', -1234567),
    ('Root.Demo.BigInt', 'set', 2**63 + 5), ('Root.Demo.BigInt', 'setDisp', '18446744073709551614'),
    ('Root.Demo.Float', 'set', 2.25), ('Root.Demo.Float', 'setDisp', '-3.5'), ('Root.Demo.Float', 'set', 9.5),
    ('Root.Demo.Float', 'set', float('nan')), ('Root.Demo.Float', 'set', 0.1),
    ('Root.Demo.Bool', 'set', True), ('Root.Demo.Bool', 'setDisp', 'False'),
    ('Root.Demo.Text', 'set', 'wörld ☃'), ('Root.Demo.Text', 'setDisp', 'a "quoted" \\ string'),
    ('Root.Demo.Enum', 'set', 2), ('Root.Demo.Enum', 'setDisp', 'One'),
    ('Root.Demo.List', 'set', [4, 5, 6, 7]), ('Root.Demo.List', 'setDisp', '[1, 2]'),
    ('Root.Demo.Array', 'set', np.array([9., 8., 7.])), ('Root.Demo.Array', 'setDisp', '[1.0, 2.0, 3.0]'),
    ('Root.Demo.IntArray', 'set', np.array([5, 6, 7, 8], dtype=np.int32)),
    ('Root.Demo.WriteOnly', 'set', 3),
    ('Root.Demo.HexDisp', 'setDisp', '0x10'), ('Root.Demo.HexDisp', 'set', 4096),
    ('Root.Demo.Chan[1]', 'set', 111),
    ('Root.Demo.HiddenVar', 'set', 8),
]
AXI = [('Root.AxiVersion.ScratchPad', 'set', 256), ('Root.AxiVersion.ScratchPad', 'setDisp', '0xdeadbeef'),
       ('Root.AxiVersion.ScratchPad', 'set', 4294967295), ('Root.AxiVersion.TestEnum', 'setDisp', 'Test1'),
       ('Root.AxiVersion.Test10Bit', 'set', 1023), ('Root.AxiVersion.AlarmTest', 'set', 55)]


host, port = _common.args()
with pyrogue.interfaces.SimpleClient(host, port) as c:
    for name in DEMO:
        p = f'Root.Demo.{name}'
        for attr in ('value', 'valueDisp', 'get', 'getDisp'):
            emit(f'read:{p}:{attr}', result=attempt(lambda: getattr(c, attr)(p)))
    # the 'root' alias reaches the same node
    emit('alias:root.Demo.Int:value', result=attempt(lambda: c.value('root.Demo.Int')))

    for p, how, v in WRITES:
        emit(f'write:{p}:{how}:{v!r}', result=attempt(lambda: getattr(c, how)(p, v)))
        emit(f'write:{p}:value', result=attempt(lambda: c.value(p)))
        emit(f'write:{p}:valueDisp', result=attempt(lambda: c.valueDisp(p)))
    emit('write:Root.Demo.IntTimesTwo:get', result=attempt(lambda: c.get('Root.Demo.IntTimesTwo')))
    for p, how, v in AXI:
        emit(f'write:{p}:{how}:{v!r}', result=attempt(lambda: getattr(c, how)(p, v)))
        emit(f'write:{p}:get', result=attempt(lambda: c.get(p)))
        emit(f'write:{p}:getDisp', result=attempt(lambda: c.getDisp(p)))

    emit('cmd:NoArg-None', result=attempt(lambda: c.exec('Root.Demo.NoArg')))
    emit('cmd:Multiply', result=attempt(lambda: c.exec('Root.Demo.Multiply', 4)))
    emit('cmd:Echo', result=attempt(lambda: c.exec('Root.Demo.Echo', 'ping')))
    emit('cmd:Fail', result=attempt(lambda: c.exec('Root.Demo.Fail')))

    emit('err:missing-path', result=attempt(lambda: c.get('Root.Demo.Missing')))
    emit('err:bad-enum', result=attempt(lambda: c.setDisp('Root.Demo.Enum', 'Bogus')))
    emit('err:noserve-path', result=attempt(lambda: c.get('Root.Demo.NoServeVar')))
