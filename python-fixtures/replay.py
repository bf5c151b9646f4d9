#!/usr/bin/env python3
"""Replays a recorded pyrogue exchange file against a running server and scores it.

  /usr/bin/python3 python-fixtures/replay.py HOST PORT [--transcript FILE]
                   [--only PREFIX] [--show N] [--strict-frames]

The server must be a fresh instance of the reference tree (`make serve-reference`):
the recordings write values and read them back later. Needs Python 3 and pyzmq.
`--transcript` defaults to golden/transcript.jsonl (golden/semantics.jsonl is the
other recording); `--only` keeps exchanges whose id starts with PREFIX; `--show`
prints at most N failures (25).

Scoring of one exchange (golden/README.md has the recording format):
  * binary port: the reply's canonical form (pycanon) must equal the recorded one,
    with CPython object addresses (' at 0x7f..') blanked on both sides; a
    `volatile` exchange only needs the same shape (types and structure); an
    exchange carrying `log_entries` (a SystemLog read) compares those entries
    (name, message, levelName, levelNumber, exception) and their JSON types.
    A differing exception reply whose type prefix matched is counted as 'loose'.
  * string port: the reply text must be equal unless `volatile`.
  * the updates published meanwhile, merged path -> value (heartbeat paths left
    out, run-dependent paths by shape), must equal the recorded ones unless the
    exchange is volatile or a YAML one; --strict-frames also wants the same
    number of published frames.
One line per family, then the loose and skipped counts, then 'N passed, M failed'.
The exit status is 0 when nothing failed.
"""
import argparse
import base64
import json
import os
import re
import sys
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycanon import canonical  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TRANSCRIPT = os.path.join(REPO, 'golden', 'transcript.jsonl')
REPLY_TIMEOUT_MS = 5000
HEARTBEAT_PATHS = frozenset(('Root.Time', 'Root.LocalTime'))
RUN_DEPENDENT_PREFIXES = ('Root.Time', 'Root.LocalTime', 'Root.SystemLog', 'Root.RogueDirectory')
LOG_FIELDS = ('name', 'message', 'levelName', 'levelNumber', 'exception')
HEX_ADDRESS = re.compile(r' at 0x[0-9a-fA-F]+')
BIG = 64


def blank_addresses(form):
    if isinstance(form, str):
        return HEX_ADDRESS.sub(' at 0x?', form)
    if isinstance(form, list):
        return [blank_addresses(x) for x in form]
    if isinstance(form, dict):
        return {k: blank_addresses(v) for k, v in form.items()}
    return form


def json_types(value):
    """The JSON types of a decoded JSON value (so 40 and 40.0 differ)."""
    if isinstance(value, list):
        return [json_types(x) for x in value]
    if isinstance(value, dict):
        return {k: json_types(v) for k, v in value.items()}
    return type(value).__name__


def shape_of(form):
    """A canonical form reduced to its types and structure."""
    if isinstance(form, str):
        return 'str'
    if isinstance(form, list):
        return ['list', len(form)] if len(form) > BIG else [shape_of(x) for x in form]
    if not isinstance(form, dict):
        return form
    keys = set(form)
    if keys == {'int'}:
        return 'int'
    if keys == {'float'}:
        return 'float'
    if 'dict' in form:
        pairs = form['dict']
        return 'dict' if len(pairs) >= BIG else {'dict': [[shape_of(k), shape_of(v)] for k, v in pairs]}
    if 'obj' in form:
        return {'obj': form['obj'], 'state': shape_of(form.get('state'))}
    return {k: shape_of(v) for k, v in form.items()}


def merge_updates(frames):
    """path -> value over a run of published frames (heartbeat left out)."""
    merged = {}
    for frame in frames:
        if not (isinstance(frame, dict) and 'dict' in frame):
            continue
        for path, value in frame['dict']:
            if path in HEARTBEAT_PATHS:
                continue
            merged[path] = shape_of(value) if path.startswith(RUN_DEPENDENT_PREFIXES) else value
    return merged


def exception_type(form):
    """'module.Type' of an exception reply (builtins.Exception('module.Type: msg'))."""
    if isinstance(form, dict) and form.get('obj') == 'builtins.Exception' and form.get('args'):
        text = form['args'][0]
        if isinstance(text, str):
            return text.split(':', 1)[0]
    return None


def decode(raw):
    try:
        return canonical(raw)
    except Exception as e:  # noqa: BLE001 - an undecodable reply is a failure, not a crash
        return {'undecodable': raw[:64].hex(), 'error': str(e)}


def log_entries_of(reply_form):
    try:
        value = json.loads(reply_form)
    except Exception as e:  # noqa: BLE001
        return 'not a SystemLog JSON list: %s' % e
    entries = value if isinstance(value, list) else [value]
    return [{k: entry.get(k) for k in LOG_FIELDS} for entry in entries]


class Wire:
    """The three sockets of a server at HOST:PORT (publish, pickle requests, strings)."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.ctx = zmq.Context()
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.connect('tcp://%s:%d' % (host, port))
        self.sub.setsockopt(zmq.SUBSCRIBE, b'')
        self._open_requesters()

    def _open_requesters(self):
        def req(offset):
            s = self.ctx.socket(zmq.REQ)
            s.setsockopt(zmq.RCVTIMEO, REPLY_TIMEOUT_MS)
            s.setsockopt(zmq.LINGER, 0)
            s.connect('tcp://%s:%d' % (self.host, self.port + offset))
            return s
        self.binary, self.string = req(1), req(2)

    def reopen(self):
        """After a timeout a REQ socket is stuck: replace both."""
        self.binary.close()
        self.string.close()
        self._open_requesters()

    def published(self, seconds):
        """Canonical forms of the frames published within `seconds` (0: those already queued)."""
        frames = []
        deadline = time.time() + seconds
        while True:
            left = deadline - time.time()
            if left <= 0 or not self.sub.poll(int(left * 1000)):
                return frames
            frames.append(decode(self.sub.recv()))


class Score:
    def __init__(self):
        self.families = {}
        self.passed = self.failed = self.skipped = self.loose = 0

    def family(self, name):
        return self.families.setdefault(name, {'passed': 0, 'failed': 0, 'skipped': 0})

    def count(self, family, outcome):
        self.family(family)[outcome] += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


def check(wire, case, strict, score):
    """Runs one exchange; returns (problems, got, frames)."""
    problems = []
    wait = case.get('wait', 0.0)
    if wait:
        wire.published(0.3)  # updates of earlier requests are not this one's
    if case['port'] == 'bin':
        wire.binary.send(base64.b64decode(case['request_pickle']))
        raw = wire.binary.recv()
        got = None
        want = case['reply']
        if not raw:
            problems.append('empty reply (a pyrogue client reads it as a timeout)')
        else:
            got = decode(raw)
        if 'log_entries' in case:
            entries = log_entries_of(got)
            expected = case['log_entries']
            if blank_addresses(entries) != blank_addresses(expected) or json_types(entries) != json_types(expected):
                problems.append('log entries differ')
                got = entries
        elif case['volatile']:
            if shape_of(got) != shape_of(want):
                problems.append('shape differs')
        elif blank_addresses(got) != blank_addresses(want):
            if exception_type(want) is not None and exception_type(want) == exception_type(got):
                score.loose += 1
            problems.append('reply differs')
    else:
        wire.string.send_string(case['request'])
        got = wire.string.recv().decode('utf-8', 'replace')
        if not case['volatile'] and got != case['reply']:
            problems.append('reply differs')
    frames = wire.published(wait)
    if not case['volatile'] and 'Yaml' not in case['id'] and merge_updates(frames) != merge_updates(case['publish']):
        problems.append('published updates differ')
    if strict and not case['volatile'] and len(frames) != len(case['publish']):
        problems.append('%d frames, want %d' % (len(frames), len(case['publish'])))
    return problems, got, frames


def clip(value):
    return json.dumps(value, ensure_ascii=False)[:300]


def main(argv=None):
    ap = argparse.ArgumentParser(description='Replay a pyrogue recording against a server and score it.')
    ap.add_argument('host')
    ap.add_argument('port', type=int)
    ap.add_argument('--transcript', default=DEFAULT_TRANSCRIPT)
    ap.add_argument('--only', default='', metavar='PREFIX')
    ap.add_argument('--show', type=int, default=25, metavar='N')
    ap.add_argument('--strict-frames', action='store_true')
    opts = ap.parse_args(argv)

    with open(opts.transcript) as f:
        cases = [json.loads(line) for line in f if line.strip()]
    wire = Wire(opts.host, opts.port)
    time.sleep(0.5)
    wire.published(0.5)
    score = Score()
    shown = 0
    for case in cases:
        if not case['id'].startswith(opts.only):
            continue
        family = case['id'].split(':', 1)[0]
        if case['port'] == 'bin' and not case.get('request_pickle'):
            score.count(family, 'skipped')
            continue
        try:
            problems, got, frames = check(wire, case, opts.strict_frames, score)
        except zmq.error.Again:
            problems, got, frames = ['no reply within %d s' % (REPLY_TIMEOUT_MS // 1000)], None, []
            wire.reopen()
        if not problems:
            score.count(family, 'passed')
            continue
        score.count(family, 'failed')
        if shown < opts.show:
            shown += 1
            print('FAIL %s: %s' % (case['id'], ', '.join(problems)))
            print('   want', clip(case['log_entries'] if 'log entries differ' in problems else case['reply']))
            print('   got ', clip(got))
            if 'published updates differ' in problems:
                print('   want updates', clip(merge_updates(case['publish'])))
                print('   got updates ', clip(merge_updates(frames)))
    for family in sorted(score.families):
        n = score.families[family]
        print('  %s: %d passed, %d failed%s' % (family, n['passed'], n['failed'],
                                                 ', %d skipped' % n['skipped'] if n['skipped'] else ''))
    print('  exception replies whose type matched but text did not: %d' % score.loose)
    print('  skipped (request not kept): %d' % score.skipped)
    print('%d passed, %d failed' % (score.passed, score.failed))
    return 0 if score.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
