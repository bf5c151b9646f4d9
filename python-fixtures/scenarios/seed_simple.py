#!/usr/bin/env python3
"""Seed example, SimpleClient: getDisp / setDisp / valueDisp on the reference tree.
  SimpleClient(addr=HOST, port=PORT) -> getDisp('root.RogueVersion'),
  setDisp('root.AxiVersion.ScratchPad', '0x100'), valueDisp(...), value(...),
  get of a missing path (-> None). Needs a fresh server."""
import _common
from _common import attempt, emit
import pyrogue.interfaces

host, port = _common.args()
with pyrogue.interfaces.SimpleClient(addr=host, port=port) as c:
    emit('simple:getDisp:root.RogueVersion', result=attempt(lambda: c.getDisp('root.RogueVersion')))
    emit('simple:setDisp:root.AxiVersion.ScratchPad:0x100',
         result=attempt(lambda: c.setDisp('root.AxiVersion.ScratchPad', '0x100')))
    emit('simple:valueDisp:root.AxiVersion.ScratchPad', result=attempt(lambda: c.valueDisp('root.AxiVersion.ScratchPad')))
    emit('simple:value:root.AxiVersion.ScratchPad', result=attempt(lambda: c.value('root.AxiVersion.ScratchPad')))
    emit('simple:getDisp:root.AxiVersion.ScratchPad', result=attempt(lambda: c.getDisp('root.AxiVersion.ScratchPad')))
    emit('simple:get:root.Demo.Missing', result=attempt(lambda: c.get('root.Demo.Missing')))
