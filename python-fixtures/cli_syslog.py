#!/usr/bin/env python3
"""`python -m pyrogue syslog` and `python -m pyrogue path` of this tier (real
pyrogue or the compat stand-in, tier.py), for interop/cli-verbs.test.ts, which
compares their output with pyrogue-ts's verbs.

    /usr/bin/python3 python-fixtures/cli_syslog.py HOST PORT [--details]

syslog runs until the log it printed stops growing for 1.5 s (at most 20 s),
then gets SIGINT (and SIGKILL 3 s later: the real client can hang in its
teardown, docs/interop.md). Prints one JSON line: {"syslog": [lines], "path":
[lines]}, without the banner, each log line's leading timestamp as 'TS'.
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tier  # noqa: E402

BANNER = re.compile(r'^Rogue/pyrogue version ')
STAMP = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^:]*')
ENV = tier.subprocess_env()


def lines(text):
    return [STAMP.sub('TS', ln) for ln in text.splitlines() if not BANNER.match(ln)]


def main():
    host, port = sys.argv[1], sys.argv[2]
    extra = ['--details'] if '--details' in sys.argv[3:] else []
    server = f'{host}:{port}'
    p = subprocess.Popen([sys.executable, '-m', 'pyrogue', '--server', server, *extra, 'syslog'], env=ENV,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    got = []
    last = [time.monotonic()]

    def read():
        for ln in p.stdout:
            got.append(ln.rstrip('\n'))
            last[0] = time.monotonic()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    start = time.monotonic()
    while time.monotonic() - start < 20 and (len(got) < 3 or time.monotonic() - last[0] < 1.5):
        time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    try:
        p.wait(3)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    t.join(2)
    syslog = lines('\n'.join(got))
    r = subprocess.run([sys.executable, '-m', 'pyrogue', 'path'], env=ENV, capture_output=True, text=True, timeout=30)
    path = lines(r.stdout)
    print(json.dumps({'syslog': syslog, 'path': path, 'path_is_dir': len(path) == 1 and os.path.isdir(path[0])}), flush=True)
    os._exit(0)


if __name__ == '__main__':
    main()
