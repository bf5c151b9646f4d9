"""Clean-room stand-in for the client-side parts of `pyrogue` (compat tier).

Written from ../shared/spec/PROTOCOL.md (§5 object encodings, §6 clients);
not pyrogue's code. It provides the module paths the server's pickled replies
name and the client API used by the scenario scripts:

  pyrogue._Variable.VariableValue, pyrogue._Model.{UInt,Int,Bool,...}
  pyrogue.interfaces.{SimpleClient, VirtualClient, VirtualFactory, VirtualNode}
  python -m pyrogue  (pyrogue/__main__.py)

The marker classes (Node, Device, Root, BaseVariable, BaseCommand, Process, ...)
live in the same module paths as pyrogue's so that `str(pr.BaseCommand)` is
"<class 'pyrogue._Command.BaseCommand'>" etc., which is how VirtualFactory
decides what a remote node can do (PROTOCOL.md §5.2)."""

__compat__ = True
__version__ = 'compat-v6.15.0'

import rogue  # noqa: E402,F401  (as the real package: importing pyrogue imports rogue, which prints the banner)

from pyrogue._Node import Node, NodeError, logInit, expose  # noqa: E402,F401
from pyrogue._Variable import (BaseVariable, LocalVariable, RemoteVariable, LinkVariable,  # noqa: E402,F401
                               VariableValue, VariableError)
from pyrogue._Command import BaseCommand, LocalCommand, RemoteCommand, Command  # noqa: E402,F401
from pyrogue._Device import Device, DeviceError  # noqa: E402,F401
from pyrogue._Process import Process  # noqa: E402,F401
from pyrogue._Root import Root  # noqa: E402,F401
from pyrogue._DataWriter import DataWriter  # noqa: E402,F401
from pyrogue._RunControl import RunControl  # noqa: E402,F401
from pyrogue._Model import *  # noqa: E402,F401,F403
import pyrogue.interfaces  # noqa: E402,F401
