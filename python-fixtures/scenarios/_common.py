"""Shared helpers for the scenario scripts (not a scenario itself).

Every scenario: `import _common` first (it imports ../tier.py, which selects the
REAL or COMPAT pyrogue and prints the tier JSON line), takes HOST PORT, and
prints one JSON object per observation line: {"step": <unique id>, ...}.
Other stdout lines (e.g. "Connected to Root at ...", log lines) are not
observations and are ignored by compare.py.

Values are written in the canonical form of python-fixtures/pycanon.py
({"int": "1"}, {"float": "1.5"}, {"obj": ..., "state": ...}, ...), so an
observation can be compared with the transcript's canonical replies.
  {"ok": <canonical value>}        the call returned
  {"raised": <canonical exception>} the call raised (type + args)
"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import tier  # noqa: E402,F401  (selects the tier, prints the tier line)

GOLDEN = os.path.normpath(os.path.join(HERE, '..', '..', 'golden'))  # the repository's recordings
from canon_of import canon_of  # noqa: E402


def args():
    if len(sys.argv) < 3:
        print(f'usage: {sys.argv[0]} HOST PORT', file=sys.stderr)
        sys.exit(2)
    return sys.argv[1], int(sys.argv[2])


def typed(o):
    """Canonical form (as pycanon.py) of a value a client returned; nodes as {'node': path}."""
    return canon_of(o, lambda n: {'node': n._path})


def attempt(fn):
    try:
        return {'ok': typed(fn())}
    except Exception as e:
        return {'raised': typed(e)}


_seen = collections.Counter()


def emit(step, **fields):
    """Print one observation; a repeated step id gets '#2', '#3', ..."""
    _seen[step] += 1
    if _seen[step] > 1:
        step = f'{step}#{_seen[step]}'
    print(json.dumps(dict(step=step, **fields), ensure_ascii=False), flush=True)
