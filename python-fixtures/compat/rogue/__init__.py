"""Clean-room stand-in for the parts of the `rogue` package that pyrogue's
clients use (`rogue.GeneralError`, `rogue.Version`, `rogue.interfaces.ZmqClient`).

Written from ../shared/spec/PROTOCOL.md (§1, §3.2, §6.2); not rogue's code.
Test scaffolding for the pyrogue-ts cross-language matrix (compat tier)."""

__compat__ = True


class GeneralError(Exception):
    """rogue.GeneralError: str() is '<source>: General Error: <message>'."""

    def __init__(self, src, msg=None):
        if msg is None:
            super().__init__(src)
        else:
            super().__init__(f'{src}: General Error: {msg}')

    @classmethod
    def create(cls, src, fmt, *args):
        return cls(src, fmt % args if args else fmt)


class Version:
    """Only `current()` is provided."""

    @staticmethod
    def current():
        return 'compat-v6.15.0'


# Importing rogue prints a banner line on stdout, as the real module does on import
# (so `import pyrogue` and `python -m pyrogue ...` show it too); the version is compat's.
print(f'Rogue/pyrogue version {Version.current()}. https://github.com/slaclab/rogue', flush=True)

from rogue import interfaces  # noqa: E402,F401
