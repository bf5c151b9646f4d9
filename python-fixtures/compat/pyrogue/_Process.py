"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.2; not pyrogue's code.
Marker class only: str(Process) == "<class 'pyrogue._Process.Process'>"."""
from pyrogue._Device import Device


class Process(Device):
    pass
