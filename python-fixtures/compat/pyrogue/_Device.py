"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.2; not pyrogue's code.
Marker class only: str(Device) == "<class 'pyrogue._Device.Device'>"."""
from pyrogue._Node import Node


class DeviceError(Exception):
    pass


class Device(Node):
    pass
