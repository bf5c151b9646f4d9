#!/usr/bin/env python3
"""The pyrogue CLI, `python -m pyrogue --server HOST:PORT VERB PATH [VALUE]`,
run as a child process in the same tier (real pyrogue or compat): get, value,
set, exec (with/without arg, failing), a missing path, monitor (initial value
+ a published update, stopped with SIGINT; its exit after SIGINT is recorded
but not compared), path. Output lines are recorded with
HOST:PORT and the monitor timestamps normalised. Needs a FRESH server.

What the CLI says is compared apart from the banner that importing rogue prints
('Rogue/pyrogue version V. https://github.com/slaclab/rogue'): each step's
'stdout' is the output without that line, and 'banner' lists the banner lines
seen, the tier's rogue version written as {version}. The real banner comes from C stdio
(printf), so in a pipe it can come after Python's lines; where it came is not
compared, whether it came is."""
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import _common
import tier
from _common import emit
import pyrogue.interfaces
import rogue

host, port = _common.args()
_common.guard(idle=60)
server = f'{host}:{port}'
ENV = tier.subprocess_env()
ROGUE_VERSION = rogue.Version.current()
BANNER = re.compile(r'^Rogue/pyrogue version (\S+)\. https://github\.com/slaclab/rogue$')


def banner_of(text):
    """The banner lines of TEXT; the version is written as {version} when it is the
    version of the rogue this tier imports (rogue.Version.current()), else left as printed."""
    return [ln.replace(f' {ROGUE_VERSION}. ', ' {version}. ', 1) for ln in text.splitlines() if BANNER.match(ln)]


def norm(text):
    """The CLI's own output lines: banner removed, HOST:PORT and monitor timestamps normalised."""
    out = []
    for line in text.splitlines():
        if BANNER.match(line):
            continue
        line = line.replace(server, 'HOST:PORT')
        if ': Root.' in line and ' = ' in line:       # monitor: '<date time TZ>: PATH = value'
            line = line[line.index(': Root.') + 2:]
        out.append(line)
    return out


def run(*argv, timeout=30):
    p = subprocess.run([sys.executable, '-m', 'pyrogue', '--server', server, *argv], env=ENV,
                       capture_output=True, text=True, timeout=timeout)
    err = [ln for ln in p.stderr.splitlines() if ln.strip()]
    return p.returncode, norm(p.stdout), (err[-1] if err else None), banner_of(p.stdout)


for step, argv in [('cli:get root.RogueVersion', ['get', 'root.RogueVersion']),
                   ('cli:value Root.Demo.Int', ['value', 'Root.Demo.Int']),
                   ('cli:set Root.Demo.Int 42', ['set', 'Root.Demo.Int', '42']),
                   ('cli:value Root.Demo.Int#after-set', ['value', 'Root.Demo.Int']),
                   ('cli:get Root.Demo.IntTimesTwo', ['get', 'Root.Demo.IntTimesTwo']),
                   ('cli:set Root.Demo.Enum Two', ['set', 'Root.Demo.Enum', 'Two']),
                   ('cli:get Root.Demo.Enum', ['get', 'Root.Demo.Enum']),
                   ('cli:exec Root.Demo.Multiply 4', ['exec', 'Root.Demo.Multiply', '4']),
                   ('cli:exec Root.Demo.Echo hello', ['exec', 'Root.Demo.Echo', 'hello']),
                   ('cli:exec Root.Demo.NoArg', ['exec', 'Root.Demo.NoArg']),
                   ('cli:get Root.Demo.Missing', ['get', 'Root.Demo.Missing'])]:
    rc, out, _, banner = run(*argv)
    emit(step, rc=rc, stdout=out, banner=banner)

rc, out, last, banner = run('exec', 'Root.Demo.Fail')
emit('cli:exec Root.Demo.Fail', rc=rc, stdout=out, stderr_last=last, banner=banner)

rc, out, _, banner = run('path')
emit('cli:path', rc=rc, is_dir=len(out) == 1 and os.path.isdir(out[0]), banner=banner)

# monitor: initial value, then an update published by another client, then SIGINT
p = subprocess.Popen([sys.executable, '-m', 'pyrogue', '--server', server, 'monitor', 'Root.Demo.Int'],
                     env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
lines = queue.Queue()
reader = threading.Thread(target=lambda: [lines.put(ln.rstrip('\n')) for ln in p.stdout], daemon=True)
reader.start()
seen = []


def wait_line(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            ln = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(ln)
        if pred(ln):
            return True
    return False


ok_initial = wait_line(lambda ln: ln.endswith('Root.Demo.Int = 42'), 15)
time.sleep(0.5)
with pyrogue.interfaces.SimpleClient(host, port) as c:
    c.setDisp('Root.Demo.Int', '99')
ok_update = wait_line(lambda ln: ln.endswith('Root.Demo.Int = 99'), 10)
p.send_signal(signal.SIGINT)
try:
    rc = p.wait(timeout=5)
except subprocess.TimeoutExpired:
    # the real monitor's SimpleClient(cb=...)._stop() can hang on libzmq 4.3.4 (see _common.leave)
    print('scenario: cli: the monitor was still running 5 s after SIGINT (its client teardown); killed it',
          file=sys.stderr, flush=True)
    p.kill()
    p.wait()
    rc = 'killed'
reader.join(5)  # the output's end (the real banner, C stdio, may come only at exit)
while not lines.empty():
    seen.append(lines.get())
emit('cli:monitor Root.Demo.Int', initial=ok_initial, update=ok_update,
     stdout=[ln for ln in norm('\n'.join(seen)) if ln.startswith('Connecting') or ln.startswith('Root.') or ln == ''],
     banner=banner_of('\n'.join(seen)))
# How the monitor ended after Ctrl-C is its client's teardown: recorded, not compared
# (not in expected/cli.jsonl), as the other scenarios do not check teardown either.
emit('cli:monitor Root.Demo.Int:after-SIGINT', rc=rc)
_common.leave()
