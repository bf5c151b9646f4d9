#!/usr/bin/env python3
"""Run the scenario scripts and compare them with expected/*.jsonl.

  run_all.py HOST PORT [--spawn 'CMD {host} {port}'] [--only a,b] [--skip-slow]
             [--save DIR] [--timeout S]

Every scenario expects a FRESH server. With --spawn, a fresh server is started
for each scenario from the command template ({host}/{port} substituted; ports
PORT, PORT+4, PORT+8, ... so no port is reused), the runner waits until the
three ports accept connections (or the child prints 'READY'), runs the
scenario, then stops that server (SIGTERM to its process group, by PID).
Without --spawn the server at HOST:PORT is used as is (restart it between
scenarios yourself; --only helps).

Output: per scenario 'PASS|FAIL <name> (n passed, m failed, u unchecked)',
the tier line, and last 'N passed, M failed' counted in scenarios. Exit 0 iff
every scenario ran, exited 0 and matched its expected file."""
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import compare  # noqa: E402

ORDER = ['seed_simple', 'seed_virtual', 'simple_types', 'simple_callback', 'virtual_walk', 'virtual_ops',
         'string_client', 'raw_pickle', 'cli', 'virtual_link']
SLOW = {'virtual_link'}


def opt(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def wait_ports(host, port, proc, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            return False
        ok = True
        for p in (port, port + 1, port + 2):
            try:
                socket.create_connection((host, p), timeout=0.2).close()
            except OSError:
                ok = False
                break
        if ok:
            return True
        time.sleep(0.1)
    return False


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    spawn = opt('--spawn')
    only = opt('--only')
    save = opt('--save')
    tmo = float(opt('--timeout', '120'))
    names = [n for n in ORDER if (not only or n in only.split(',')) and not ('--skip-slow' in sys.argv and n in SLOW)]
    if save:
        os.makedirs(save, exist_ok=True)
    ok_count = bad = 0
    for i, name in enumerate(names):
        sport = port + 4 * i if spawn else port
        proc = None
        if spawn:
            cmd = spawn.format(host=host, port=sport)
            proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            if not wait_ports(host, sport, proc):
                print(f'FAIL {name}: server did not come up ({cmd})')
                bad += 1
                os.killpg(proc.pid, signal.SIGTERM)
                continue
            time.sleep(0.3)
        try:
            r = subprocess.run([sys.executable, os.path.join(HERE, name + '.py'), host, str(sport)],
                               capture_output=True, text=True, timeout=tmo)
            out, rc, err = r.stdout, r.returncode, r.stderr
        except subprocess.TimeoutExpired as e:
            out, rc, err = (e.stdout or b'').decode() if isinstance(e.stdout, bytes) else (e.stdout or ''), 'timeout', ''
        finally:
            if proc is not None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=5)
                except Exception:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except Exception:
                        pass
        if save:
            open(os.path.join(save, name + '.out'), 'w').write(out)
            open(os.path.join(save, name + '.err'), 'w').write(err)
        lines = out.splitlines()
        tier_line = next((ln for ln in lines if ln.startswith('{"tier"')), None)
        exp_path = os.path.join(HERE, 'expected', name + '.jsonl')
        exp = open(exp_path, encoding='utf-8').read().splitlines() if os.path.exists(exp_path) else []
        p, f, u = compare(exp, lines, show=10)
        good = rc == 0 and f == 0 and tier_line is not None
        if good:
            ok_count += 1
        else:
            bad += 1
        print(f'{"PASS" if good else "FAIL"} {name} (rc={rc}; {p} passed, {f} failed, {len(u)} unchecked) {tier_line or ""}',
              flush=True)
        if rc != 0 and err:
            print('   stderr: ' + ' | '.join(err.strip().splitlines()[-3:])[:600])
    print(f'{ok_count} passed, {bad} failed')
    sys.exit(0 if bad == 0 else 1)


if __name__ == '__main__':
    main()
