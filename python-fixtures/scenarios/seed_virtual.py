#!/usr/bin/env python3
"""Seed example, VirtualClient: connect, root.AxiVersion.ScratchPad.set(0x100),
read it back (get/value/getDisp/valueDisp), link state. Needs a fresh server."""
import _common
from _common import attempt, emit
import pyrogue.interfaces

host, port = _common.args()
with pyrogue.interfaces.VirtualClient(host, port) as client:
    root = client.root
    emit('virtual:root', name=root.name, path=root.path, cls=type(root).__name__, linked=client.linked)
    sp = root.AxiVersion.ScratchPad
    emit('virtual:ScratchPad.set(0x100)', result=attempt(lambda: sp.set(0x100)))
    emit('virtual:ScratchPad.get()', result=attempt(lambda: sp.get()))
    emit('virtual:ScratchPad.value()', result=attempt(lambda: sp.value()))
    emit('virtual:ScratchPad.getDisp()', result=attempt(lambda: sp.getDisp()))
    emit('virtual:ScratchPad.valueDisp()', result=attempt(lambda: sp.valueDisp()))
    emit('virtual:same-client', same=pyrogue.interfaces.VirtualClient(host, port) is client)
