#!/usr/bin/env python3
"""rogue's C++ string client: rogue.interfaces.ZmqClient(HOST, PORT, True) talks
JSON-in / str()-out to base+2 (request text {"attr": ...,"path": ...[,"args":
["<arg>"]]}): getDisp, valueDisp, setDisp, exec with and without arg, a
missing path, a failing command. Needs a FRESH server. Leaves with os._exit()
once every step is printed (rogue's C++ ZmqClient can hang in its destructor at
interpreter exit on libzmq 4.3.4)."""
import _common
from _common import attempt, emit
import rogue.interfaces

host, port = _common.args()
_common.guard(idle=30)
c = rogue.interfaces.ZmqClient(host, port, True)
emit('str:getDisp:Root.RogueVersion', result=attempt(lambda: c.getDisp('Root.RogueVersion')))
emit('str:valueDisp:Root.RogueVersion', result=attempt(lambda: c.valueDisp('Root.RogueVersion')))
emit('str:valueDisp:Root.Demo.Int', result=attempt(lambda: c.valueDisp('Root.Demo.Int')))
emit('str:setDisp:Root.Demo.Int:12', result=attempt(lambda: c.setDisp('Root.Demo.Int', '12')))
emit('str:getDisp:Root.Demo.Int', result=attempt(lambda: c.getDisp('Root.Demo.Int')))
emit('str:getDisp:Root.Demo.IntTimesTwo', result=attempt(lambda: c.getDisp('Root.Demo.IntTimesTwo')))
emit('str:getDisp:Root.Demo.Float', result=attempt(lambda: c.getDisp('Root.Demo.Float')))
emit('str:getDisp:Root.Demo.Enum', result=attempt(lambda: c.getDisp('Root.Demo.Enum')))
emit('str:setDisp:Root.Demo.Enum:Two', result=attempt(lambda: c.setDisp('Root.Demo.Enum', 'Two')))
emit('str:valueDisp:Root.Demo.Enum', result=attempt(lambda: c.valueDisp('Root.Demo.Enum')))
emit('str:valueDisp:Root.Demo.List', result=attempt(lambda: c.valueDisp('Root.Demo.List')))
emit('str:valueDisp:Root.Demo.Array', result=attempt(lambda: c.valueDisp('Root.Demo.Array')))
emit('str:valueDisp:Root.Demo.Text', result=attempt(lambda: c.valueDisp('Root.Demo.Text')))
emit('str:valueDisp:root.AxiVersion.ScratchPad', result=attempt(lambda: c.valueDisp('root.AxiVersion.ScratchPad')))
emit('str:setDisp:Root.AxiVersion.ScratchPad:0x100', result=attempt(lambda: c.setDisp('Root.AxiVersion.ScratchPad', '0x100')))
emit('str:getDisp:Root.AxiVersion.ScratchPad', result=attempt(lambda: c.getDisp('Root.AxiVersion.ScratchPad')))
emit('str:exec:Root.Demo.Echo:hi', result=attempt(lambda: c.exec('Root.Demo.Echo', 'hi')))
emit('str:exec:Root.Demo.NoArg', result=attempt(lambda: c.exec('Root.Demo.NoArg', '')))
emit('str:exec:Root.Demo.Fail', result=attempt(lambda: c.exec('Root.Demo.Fail', '')))
emit('str:getDisp:Root.Demo.Missing', result=attempt(lambda: c.getDisp('Root.Demo.Missing')))
# not pinned (see docs/protocol.md "Strings on base+2"): a string arg to an int command, an empty result
emit('str:exec:Root.Demo.Multiply:4', result=attempt(lambda: c.exec('Root.Demo.Multiply', '4')))
_common.leave()  # not c._stop(): see _common.leave
