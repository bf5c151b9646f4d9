#!/usr/bin/env python3
"""Compare a scenario's output with its expected file.

  compare.py EXPECTED.jsonl OUTPUT.txt        (or OUTPUT on stdin: '-')

Observation lines are JSON objects with a "step" key; other lines are ignored.
Every expected step must be present with an identical JSON object; steps the
output has but the expected file does not are 'unchecked' (reported, not
failures). Last line 'N passed, M failed'; exit 0 iff M == 0."""
import json
import sys


def steps(lines):
    out = {}
    for line in lines:
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and 'step' in o:
            out[o['step']] = o
    return out


def compare(expected_lines, output_lines, show=20, quiet=False):
    exp, got = steps(expected_lines), steps(output_lines)
    passed = failed = 0
    for k, want in exp.items():
        have = got.get(k)
        if have == want:
            passed += 1
            continue
        failed += 1
        if not quiet and failed <= show:
            print(f'FAIL {k}')
            print('   want', json.dumps(want, ensure_ascii=False)[:400])
            print('   got ', json.dumps(have, ensure_ascii=False)[:400] if have is not None else 'missing')
    unchecked = [k for k in got if k not in exp]
    return passed, failed, unchecked


if __name__ == '__main__':
    exp = open(sys.argv[1], encoding='utf-8').read().splitlines()
    out = (sys.stdin if sys.argv[2] == '-' else open(sys.argv[2], encoding='utf-8')).read().splitlines()
    p, f, u = compare(exp, out)
    if u:
        print(f'  unchecked steps: {len(u)}')
    print(f'{p} passed, {f} failed')
    sys.exit(0 if f == 0 else 1)
