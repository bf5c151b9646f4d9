#!/usr/bin/env python3
"""Tier selection for the cross-language test matrix: REAL pyrogue when it is
importable, otherwise the clean-room COMPAT client package (python-fixtures/compat).

Importing this module (every scenario does it first) selects the tier, sets up
sys.path and prints ONE JSON line:
    {"tier": "real"|"compat", "pyrogue_version": "...", "python": "..."}

Rules
  * PYROGUE_PYTHONPATH set (os.pathsep-separated; optional PYROGUE_LD_LIBRARY_PATH)
    -> those entries are prepended to sys.path, the process re-executes itself
       once if LD_LIBRARY_PATH must change (the loader reads it only at start),
       and `import pyrogue` MUST then work (else exit 3): real tier.
  * otherwise, if `import pyrogue` works as installed -> real tier.
  * otherwise compat/ is prepended to sys.path -> compat tier.
  * INTEROP_REQUIRE_REAL=1 and no real pyrogue -> message on stderr, exit 3.

Run directly (`/usr/bin/python3 python-fixtures/tier.py`) it just prints the line
(exit 0, or 3 as above). Helpers for scenarios: TIER, VERSION, COMPAT_DIR,
subprocess_env() (environment for a child `python -m pyrogue` in the same tier).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPAT_DIR = os.path.join(HERE, 'compat')
EXIT_TIER = 3

TIER = None
VERSION = None
_EXTRA_PATH = []


def _fail(msg):
    print(f'tier.py: {msg}', file=sys.stderr, flush=True)
    sys.exit(EXIT_TIER)


def _is_compat(mod):
    return bool(getattr(mod, '__compat__', False)) or \
        os.path.abspath(getattr(mod, '__file__', '') or '').startswith(COMPAT_DIR + os.sep)


def _version(pr):
    v = getattr(pr, '__version__', None)
    if v:
        return str(v)
    try:
        import rogue
        return str(rogue.Version.current())
    except Exception:
        return None


def _select():
    global TIER, VERSION, _EXTRA_PATH
    require_real = os.environ.get('INTEROP_REQUIRE_REAL', '') not in ('', '0')
    pp = os.environ.get('PYROGUE_PYTHONPATH', '')
    ld = os.environ.get('PYROGUE_LD_LIBRARY_PATH', '')

    if ld:
        cur = os.environ.get('LD_LIBRARY_PATH', '')
        parts = [p for p in cur.split(os.pathsep) if p]
        want = [p for p in ld.split(os.pathsep) if p]
        if parts[:len(want)] != want and not os.environ.get('_TIER_REEXEC'):
            env = dict(os.environ)
            env['LD_LIBRARY_PATH'] = os.pathsep.join(want + parts)
            env['_TIER_REEXEC'] = '1'
            sys.stdout.flush()
            os.execve(sys.executable, [sys.executable] + sys.argv, env)

    # never let a compat dir that is already on sys.path pass for the real thing
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != COMPAT_DIR]

    if pp:
        _EXTRA_PATH = [p for p in pp.split(os.pathsep) if p]
        for p in reversed(_EXTRA_PATH):
            sys.path.insert(0, p)
        try:
            import pyrogue
        except Exception as e:
            _fail(f'PYROGUE_PYTHONPATH={pp!r} is set but "import pyrogue" fails: {type(e).__name__}: {e}')
        if _is_compat(pyrogue):
            _fail('PYROGUE_PYTHONPATH points at the compat package, not a real pyrogue')
        TIER, VERSION = 'real', _version(pyrogue)
        return

    try:
        import pyrogue
        if _is_compat(pyrogue):
            raise ImportError('compat package found on the path')
        TIER, VERSION = 'real', _version(pyrogue)
        return
    except Exception:
        for k in [k for k in sys.modules if k == 'pyrogue' or k.startswith('pyrogue.')
                  or k == 'rogue' or k.startswith('rogue.')]:
            del sys.modules[k]

    if require_real:
        _fail('INTEROP_REQUIRE_REAL=1 but the real pyrogue is not importable by '
              f'{sys.executable} (set PYROGUE_PYTHONPATH / PYROGUE_LD_LIBRARY_PATH to a pyrogue build)')

    sys.path.insert(0, COMPAT_DIR)
    _EXTRA_PATH = [COMPAT_DIR]
    import pyrogue
    if not _is_compat(pyrogue):
        _fail('internal error: compat pyrogue did not load')
    TIER, VERSION = 'compat', _version(pyrogue)


def subprocess_env(base=None):
    """Environment for a child Python (e.g. `python -m pyrogue`) in the same tier."""
    env = dict(os.environ if base is None else base)
    env.pop('_TIER_REEXEC', None)
    parts = list(_EXTRA_PATH) + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p]
    env['PYTHONPATH'] = os.pathsep.join(parts)
    if os.environ.get('PYROGUE_LD_LIBRARY_PATH'):
        env['LD_LIBRARY_PATH'] = os.environ.get('LD_LIBRARY_PATH', '')
    return env


_select()
print(json.dumps({'tier': TIER, 'pyrogue_version': VERSION, 'python': sys.executable}), flush=True)

if __name__ == '__main__':
    sys.exit(0)
