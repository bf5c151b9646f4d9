"""Clean-room stand-in for pyrogue.interfaces (compat tier), written from
../shared/spec/PROTOCOL.md §6; not pyrogue's code. No server side
(ZmqServer) is provided: the server under test is pyrogue-ts."""
from pyrogue.interfaces._Virtual import VirtualFactory, VirtualNode, VirtualClient, VirtualProperty, VirtualMethod  # noqa: F401
from pyrogue.interfaces._SimpleClient import SimpleClient  # noqa: F401
from pyrogue.interfaces._Monitors import VariableMonitor, SystemLogMonitor  # noqa: F401
