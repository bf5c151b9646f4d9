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

Leaving: a scenario that has printed every step calls leave(), which ends the
process without the client's teardown: on Debian's libzmq 4.3.4 the real
SimpleClient with a callback can hang in _stop() (or abort in libzmq's
'_term_acks > 0' assertion), and rogue's C++ ZmqClient can hang in its
destructor at interpreter exit. guard() starts a watchdog that turns a hang BEFORE the last
step into a clear failure (exit code EXIT_WATCHDOG, a 'scenario watchdog:' line
and every thread's stack on stderr) instead of the matrix's 180 s timeout.
"""
import collections
import faulthandler
import json
import os
import sys
import threading
import time

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
_progress = {'t': time.monotonic(), 'step': None, 'n': 0}
_leaving = threading.Event()

EXIT_WATCHDOG = 4
SCENARIO = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def emit(step, **fields):
    """Print one observation; a repeated step id gets '#2', '#3', ..."""
    _seen[step] += 1
    if _seen[step] > 1:
        step = f'{step}#{_seen[step]}'
    print(json.dumps(dict(step=step, **fields), ensure_ascii=False), flush=True)
    _progress.update(t=time.monotonic(), step=step, n=_progress['n'] + 1)


def guard(idle=60.0):
    """Watchdog: if no step is printed for IDLE seconds before leave() is called,
    report where the scenario hung and exit with EXIT_WATCHDOG."""
    def watch():
        while not _leaving.wait(1.0):
            quiet = time.monotonic() - _progress['t']
            if quiet < idle:
                continue
            last = _progress['step']
            sys.stdout.flush()
            print(f"scenario watchdog: {SCENARIO} printed no step for {quiet:.0f} s "
                  f"({_progress['n']} steps printed, last: {last!r}); the client hung before the "
                  f"last step. Stacks of all threads follow.", file=sys.stderr, flush=True)
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            sys.stderr.flush()
            os._exit(EXIT_WATCHDOG)
    threading.Thread(target=watch, name='scenario-watchdog', daemon=True).start()


def leave():
    """Every step has been printed: end the process with os._exit(0), without the
    client's teardown (_stop(), destructors, atexit), which the scenario does not
    check and which the real clients can hang or abort in on libzmq 4.3.4."""
    _leaving.set()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
