"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.2; not pyrogue's code.
Marker class only: str(Root) == "<class 'pyrogue._Root.Root'>"."""
from pyrogue._Device import Device


class Root(Device):
    pass
