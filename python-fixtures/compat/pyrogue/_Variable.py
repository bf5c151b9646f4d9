"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.1; not pyrogue's code.

VariableValue is a plain class: the server pickles it as NEWOBJ (no args) +
BUILD(state dict) with fields value, valueDisp, disp, enum[, updated], status,
severity, so unpickling just fills the instance __dict__.
The variable classes are markers only (their str() is matched against the
`bases` list of a node reduce); nothing instantiates them on the client."""
from pyrogue._Node import Node


class VariableError(Exception):
    pass


class VariableValue(object):
    """Snapshot of a variable as sent by the server (value, valueDisp, disp,
    enum, updated, status, severity)."""

    def __repr__(self):
        return 'VariableValue(' + ', '.join(f'{k}={v!r}' for k, v in self.__dict__.items()) + ')'


class BaseVariable(Node):
    pass


class LocalVariable(BaseVariable):
    pass


class RemoteVariable(BaseVariable):
    pass


class LinkVariable(BaseVariable):
    pass
