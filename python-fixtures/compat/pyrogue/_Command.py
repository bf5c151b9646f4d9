"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.2; not pyrogue's code.
Marker classes only: str(BaseCommand) == "<class 'pyrogue._Command.BaseCommand'>"."""
from pyrogue._Variable import BaseVariable, RemoteVariable


class BaseCommand(BaseVariable):
    pass


class LocalCommand(BaseCommand):
    pass


class RemoteCommand(BaseCommand, RemoteVariable):
    pass


Command = LocalCommand
