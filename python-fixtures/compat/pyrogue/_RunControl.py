"""Clean-room stand-in (compat tier), written from PROTOCOL.md §6.5; not pyrogue's code. Marker class only."""
from pyrogue._Device import Device


class RunControl(Device):
    pass
