#!/usr/bin/env python3
"""VirtualClient operations on the Demo device: get/set/setDisp/value/
valueDisp/getVariableValue, indexed array set, keyword args, commands with and
without args (+ call/callDisp), a failing command raising, array nodes
Chan[0..2], NoServe invisible, getNode and the 'root' alias, addListener /
delListener / addVarListener, SetYamlConfig + getYaml. Needs a FRESH server."""
import threading
import time

import numpy as np


import _common
from _common import attempt, emit, typed
import pyrogue as pr
import pyrogue.interfaces

host, port = _common.args()
lock = threading.Lock()
heard = []      # (t, path, value) from Int.addListener
allvars = []    # (t, path, value) from root.addVarListener


def on_int(path, value):
    with lock:
        heard.append((time.time(), path, value))


def on_any(path, value):
    with lock:
        allvars.append((time.time(), path, value))


def last(lst, path, since, timeout=3.0):
    end = time.time() + timeout
    while time.time() < end:
        with lock:
            hits = [v for t, p, v in lst if p == path and t >= since]
        if hits:
            return hits[-1]
        time.sleep(0.05)
    return None


with pyrogue.interfaces.VirtualClient(host, port) as client:
    root = client.root
    demo = root.Demo

    # array nodes, before anything writes them
    chan = demo.Chan
    emit('array:Chan', keys=sorted(chan.keys()), paths=[chan[k].path for k in sorted(chan.keys())])
    for i in range(3):
        emit(f'read:Root.Demo.Chan[{i}]:value', result=attempt(lambda: demo.Chan[i].value()))

    # NoServe / Hidden / getNode
    emit('noserve', hasattr=hasattr(demo, 'NoServeVar'), in_nodes='NoServeVar' in demo.nodes,
         getNode=root.getNode('root.Demo.NoServeVar') is None)
    emit('hidden', hidden=demo.HiddenVar.hidden, groups=demo.HiddenVar.groups)
    emit('getNode', alias=getattr(root.getNode('root.Demo.Enum'), 'path', None),
         real=getattr(root.getNode('Root.Demo.Int'), 'path', None),
         other_root=root.getNode('Other.Demo.Int'), missing=root.getNode('Root.Demo.Missing'))
    emit('local-missing-attr', result=attempt(lambda: demo.Int.noSuchAttr)['raised']['obj'])

    # reads of every kind on one variable
    emit('read:Root.Demo.Int:getVariableValue', result=attempt(lambda: demo.Int.getVariableValue()))
    emit('read:Root.Demo.Float:getVariableValue', result=attempt(lambda: demo.Float.getVariableValue()))
    emit('read:Root.Demo.Float:genDisp', result=attempt(lambda: demo.Float.genDisp(1.5)))
    emit('read:Root.Demo.Enum:parseDisp', result=attempt(lambda: demo.Enum.parseDisp('Zero')))

    # listeners
    demo.Int.addListener(on_int)
    root.addVarListener(on_any)
    t0 = time.time()
    emit('write:Root.Demo.Int:set:17', result=attempt(lambda: demo.Int.set(17)))
    v = last(heard, 'Root.Demo.Int', t0)
    emit('listener:Int after set(17)', value=typed(v))
    emit('varListener:Root.Time', received=last(allvars, 'Root.Time', t0) is not None)
    emit('varListener:Root.Demo.Int', value=typed(last(allvars, 'Root.Demo.Int', t0)))
    emit('varListener:Root.Demo.IntTimesTwo', value=typed(last(allvars, 'Root.Demo.IntTimesTwo', t0)))
    emit('write:Root.Demo.Int:value', result=attempt(lambda: demo.Int.value()))
    emit('write:Root.Demo.Int:valueDisp', result=attempt(lambda: demo.Int.valueDisp()))
    emit("write:Root.Demo.Int:setDisp:'23'", result=attempt(lambda: demo.Int.setDisp('23')))
    emit('write:Root.Demo.Int:value', result=attempt(lambda: demo.Int.value()))
    emit('write:Root.Demo.Int:valueDisp', result=attempt(lambda: demo.Int.valueDisp()))
    demo.Int.delListener(on_int)
    with lock:
        n_before = len(heard)
    demo.Int.set(24)
    time.sleep(1.5)
    with lock:
        emit('delListener', calls_after_del=len(heard) - n_before)
    demo.Int.set(23)

    # more types through the proxy
    for p, how, v in [('Float', 'set', 2.25), ('Enum', 'set', 2), ('Text', 'set', 'wörld ☃'),
                      ('List', 'set', [4, 5, 6, 7]), ('Array', 'set', np.array([9., 8., 7.])),
                      ('IntArray', 'set', np.array([5, 6, 7, 8], dtype=np.int32)), ('HexDisp', 'setDisp', '0x10'),
                      ('Chan[1]', 'set', 111)]:
        node = root.getNode(f'root.Demo.{p}')
        emit(f'write:Root.Demo.{p}:{how}:{v!r}', result=attempt(lambda: getattr(node, how)(v)))
        emit(f'write:Root.Demo.{p}:value', result=attempt(lambda: node.value()))
        emit(f'write:Root.Demo.{p}:valueDisp', result=attempt(lambda: node.valueDisp()))
    emit('write:Root.Demo.IntTimesTwo:get', result=attempt(lambda: demo.IntTimesTwo.get()))
    emit('write:Root.Demo.Array:index', result=attempt(lambda: demo.Array.set(4.5, index=1)))
    emit('write:Root.Demo.Array:value-index', result=attempt(lambda: demo.Array.value(1)))
    emit('write:Root.Demo.Int:set-kw', result=attempt(lambda: demo.Int.set(value=5, write=True)))
    emit('write:Root.Demo.Int:value', result=attempt(lambda: demo.Int.value()))
    emit('err:bad-enum', result=attempt(lambda: demo.Enum.setDisp('Bogus')))

    # commands
    emit('cmd:NoArg', result=attempt(lambda: demo.NoArg()))
    emit('cmd:NoArg-None', result=attempt(lambda: demo.NoArg(None)))
    emit('cmd:Multiply', result=attempt(lambda: demo.Multiply(4)))
    emit('cmd:Multiply-call', result=attempt(lambda: demo.Multiply.call(5)))
    emit('cmd:Multiply-callDisp', result=attempt(lambda: demo.Multiply.callDisp('6')))
    emit('cmd:Echo', result=attempt(lambda: demo.Echo('ping')))
    emit('cmd:Fail', result=attempt(lambda: demo.Fail()))
    emit('not-callable:Int', callable=callable(demo.Int))

    # YAML
    emit('cmd:Root.SetYamlConfig', result=attempt(lambda: root.SetYamlConfig('Root:\n  Demo:\n    Int: 77\n    Text: from-yaml\n')))
    emit('cmd:after-SetYamlConfig', result=attempt(lambda: demo.Int.value()))
    emit('yaml:Text', result=attempt(lambda: demo.Text.value()))
    y = demo.getYaml(False, ['RW'], None, ['Hidden'], True)
    lines = y.splitlines()
    emit('root:getYaml', first=lines[0], Int=[line for line in lines if line.startswith('  Int:')],
         Text=[line for line in lines if line.startswith('  Text:')],
         has_NoServeVar=any(line.startswith('  NoServeVar:') for line in lines),
         has_HiddenVar=any(line.startswith('  HiddenVar:') for line in lines),
         has_ReadOnly=any(line.startswith('  ReadOnly:') for line in lines))
