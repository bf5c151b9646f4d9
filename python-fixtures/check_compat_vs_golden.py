#!/usr/bin/env python3
"""Check the COMPAT client package against the golden transcript of the REAL
pyrogue v6.15.0 server (no server needed).

For every binary exchange of golden/transcript.jsonl that kept its
reply bytes, the recorded `reply_pickle` is fed through the compat client's
own reply path:
  * VirtualClient._remoteAttr (pickle.loads of the reply, Exception replies
    raised) with the transport stubbed to return the recorded bytes;
  * SimpleClient._remoteAttr (recv_pyobj) likewise.
Whatever the compat client accepts (a returned value, or the Exception instance
it raises) is canonicalised - VirtualNode proxies back into the node-reduce
form they were built from - and must equal canon.canonical(reply_pickle).
A "ZMQ Interface Exception" on a real server reply is a failure (the real
client accepts all of them). Each VirtualNode's capabilities must follow its
`bases` (callable iff BaseCommand/Process, addListener iff BaseVariable,
getNode iff Root).

A few strictness checks follow (the compat client must NOT be more forgiving
than pyrogue): node reduce without guiGroup, empty reply, wrong bases string,
a funcs entry without 'kwargs'.

  /usr/bin/python3 python-fixtures/check_compat_vs_golden.py [--show N]
Last line: 'N passed, M failed'; exit 0 iff M == 0. Replies whose bytes were
redacted from the transcript are counted as skipped.
"""
import base64
import collections
import json
import os
import pickle
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.normpath(os.path.join(HERE, '..', 'golden'))  # the repository's recordings
sys.path.insert(0, HERE)
import pycanon as canon  # noqa: E402
from canon_of import canon_of  # noqa: E402

sys.path.insert(0, os.path.join(HERE, 'compat'))
import pyrogue as pr  # noqa: E402
import pyrogue.interfaces  # noqa: E402
from pyrogue.interfaces._Virtual import VirtualNode, VirtualProperty, VirtualMethod  # noqa: E402

assert getattr(pr, '__compat__', False), 'this check is for the compat package'


# ------------------------------------------------------- canonical of objects
def node_attrs(n):
    """The node-reduce dict a VirtualNode was built from, recovered from the proxy."""
    cls = type(n)
    props, funcs = [], collections.OrderedDict()
    for k, v in cls.__dict__.items():
        if isinstance(v, VirtualProperty):
            props.append(k)
        elif isinstance(v, VirtualMethod):
            funcs[k] = {'args': v._args, 'kwargs': v._kwargs}
    d = n.__dict__
    nodes = collections.OrderedDict((k, None if v is None else v) for k, v in d['_nodes'].items())
    return collections.OrderedDict([
        ('name', d['_name']), ('class', d['_class']), ('bases', d['_bases']),
        ('description', d['_description']), ('groups', d['_groups']), ('path', d['_path']),
        ('expand', d['_expand']), ('guiGroup', d['_guiGroup']), ('nodes', nodes),
        ('props', props), ('funcs', dict(funcs))])


def to_canon(o):
    """Canonical form of what a compat client returned; nodes as the reduce they came from."""
    return canon_of(o, lambda n: {'obj': 'pyrogue.interfaces._Virtual.VirtualFactory', 'args': [to_canon(dict(node_attrs(n)))]})


# ------------------------------------------------------------ stub clients
def stub_virtual(reply):
    c = object.__new__(pyrogue.interfaces.VirtualClient)
    c._reqLock = threading.Lock()
    c._reqCount = 0
    c._reqSince = None
    c._ltime = time.time()
    c._link = True
    c._root = None
    c._monitors = []
    c._send = lambda data: reply
    return c


class _StubReq:
    def __init__(self, reply):
        self.reply = reply

    def send_pyobj(self, obj):
        self.sent = pickle.dumps(obj)

    def recv_pyobj(self):
        return pickle.loads(self.reply)


def stub_simple(reply):
    c = object.__new__(pyrogue.interfaces.SimpleClient)
    c._req = _StubReq(reply)
    return c


def through(client, path, attr, args, kwargs):
    """('ok', value) | ('raised', exception)"""
    try:
        return 'ok', client._remoteAttr(path, attr, *args, **kwargs)
    except Exception as e:
        return 'raised', e


def capability_problems(n):
    bases = n.__dict__['_bases']
    out = []
    want_call = str(pr.BaseCommand) in bases or str(pr.Process) in bases
    if callable(n) != want_call:
        out.append(f'callable={callable(n)} but bases say {want_call}')
    want_var = str(pr.BaseVariable) in bases
    if hasattr(type(n), 'addListener') != want_var:
        out.append(f'addListener present={not want_var} but bases say {want_var}')
    want_root = str(pr.Root) in bases
    if hasattr(type(n), 'getNode') != want_root:
        out.append(f'getNode present={not want_root} but bases say {want_root}')
    return out


def main():
    show = int(sys.argv[sys.argv.index('--show') + 1]) if '--show' in sys.argv else 20
    cases = [json.loads(line) for line in open(os.path.join(GOLDEN, 'transcript.jsonl'))]
    passed = failed = skipped = shown = 0
    fams = {}

    def record(cid, problems):
        nonlocal passed, failed, shown
        fam = fams.setdefault(cid.split(':')[0], [0, 0])
        if problems:
            failed += 1
            fam[1] += 1
            if shown < show:
                shown += 1
                print(f'FAIL {cid}: ' + '; '.join(problems)[:600])
        else:
            passed += 1
            fam[0] += 1

    for c in cases:
        if c['port'] != 'bin':
            continue
        if not c.get('reply_pickle'):
            skipped += 1
            continue
        raw = base64.b64decode(c['reply_pickle'])
        want = canon.canonical(raw)
        req = c['request']
        if isinstance(req, dict) and 'dict' in req:
            rq = {k: v for k, v in req['dict']}
            path, attr = rq.get('path'), rq.get('attr')
        else:
            path, attr = 'Root', 'raw'
        problems = []
        for label, client in (('VirtualClient', stub_virtual(raw)), ('SimpleClient', stub_simple(raw))):
            how, got = through(client, path, attr, (), {})
            if how == 'raised' and type(got) is Exception and str(got).startswith('ZMQ Interface Exception'):
                problems.append(f'{label} rejected a real-server reply: {got}')
                continue
            if how == 'ok' and isinstance(want, dict) and want.get('obj') == 'builtins.Exception':
                problems.append(f'{label} returned an Exception reply instead of raising it')
                continue
            try:
                gc = to_canon(got)
            except Exception as e:
                problems.append(f'{label}: cannot canonicalise {type(got).__name__}: {e}')
                continue
            if gc != want:
                problems.append(f'{label} canonical differs: got {json.dumps(gc)[:200]} want {json.dumps(want)[:200]}')
            # capabilities of every proxy built from this reply
            nodes = [got] if isinstance(got, VirtualNode) else \
                [v for v in got.values() if isinstance(v, VirtualNode)] if isinstance(got, dict) else []
            for n in nodes:
                for p in capability_problems(n):
                    problems.append(f'{label} {n.__dict__["_path"]}: {p}')
        record(c['id'], problems)

    # ---- strictness: must fail where pyrogue fails -------------------------
    root_raw = base64.b64decode(cases[0]['reply_pickle'])
    attrs = pickle.loads(root_raw).__dict__  # noqa: F841  (loads fine)

    def reduce_bytes(mutate):
        class _R:
            def __reduce__(self):
                d = canon_free_root()
                mutate(d)
                return (pr.interfaces.VirtualFactory, (d,))
        return pickle.dumps(_R(), protocol=4)

    def canon_free_root():
        n = pickle.loads(root_raw)
        d = dict(node_attrs(n))
        d['nodes'] = collections.OrderedDict((k, None) for k in d['nodes'])
        return d

    def expect(cid, raw, check):
        res = []
        for label, client in (('VirtualClient', stub_virtual(raw)), ('SimpleClient', stub_simple(raw))):
            how, got = through(client, 'Root', 'x', (), {})
            msg = check(how, got)
            if msg:
                res.append(f'{label}: {msg}')
        record(cid, res)

    expect('strict:no-guiGroup', reduce_bytes(lambda d: d.pop('guiGroup')),
           lambda how, got: None if how == 'raised' and str(got) == "ZMQ Interface Exception: 'guiGroup'"
           else f'expected "ZMQ Interface Exception: \'guiGroup\'", got {how} {got!r}')
    expect('strict:empty-reply', b'',
           lambda how, got: None if how == 'raised' and str(got) == 'ZMQ Interface Exception: Ran out of input'
           else f'expected "ZMQ Interface Exception: Ran out of input", got {how} {got!r}')

    def funcs_no_kwargs(d):
        d['funcs'] = {k: {'args': v['args']} for k, v in d['funcs'].items()}
    expect('strict:funcs-without-kwargs', reduce_bytes(funcs_no_kwargs),
           lambda how, got: None if how == 'raised' and str(got) == "ZMQ Interface Exception: 'kwargs'"
           else f'expected KeyError kwargs, got {how} {got!r}')

    # wrong class strings in bases: not callable / not a variable / not a root
    nodes_case = next(c for c in cases if c['id'] == 'tree:Root.Demo:nodes')
    demo_nodes = pickle.loads(base64.b64decode(nodes_case['reply_pickle']))
    probs = []
    for name in ('NoArg', 'Int'):
        d = dict(node_attrs(demo_nodes[name]))
        d['bases'] = [b.replace('pyrogue._Command.', 'pyrogue._Cmd.').replace('pyrogue._Variable.', 'pyrogue._Var.')
                      for b in d['bases']]
        n = pr.interfaces.VirtualFactory(d)
        if callable(n):
            probs.append(f'{name}: callable despite wrong bases')
        if hasattr(type(n), 'addListener'):
            probs.append(f'{name}: addListener despite wrong bases')
    d = canon_free_root()
    d['bases'] = [b.replace('pyrogue._Root.Root', 'pyrogue.Root') for b in d['bases']]
    if hasattr(type(pr.interfaces.VirtualFactory(d)), 'getNode'):
        probs.append('root: getNode despite wrong bases')
    record('strict:wrong-bases', probs)

    # an Exception reply is raised, not returned
    exc_raw = pickle.dumps(Exception('builtins.ValueError: command failed on purpose'), protocol=4)
    expect('strict:exception-raised', exc_raw,
           lambda how, got: None if how == 'raised' and type(got) is Exception
           and str(got) == 'builtins.ValueError: command failed on purpose'
           else f'expected the Exception to be raised, got {how} {got!r}')

    for fam, (p, f) in sorted(fams.items()):
        print(f'  {fam}: {p} passed, {f} failed')
    print(f'  skipped (reply bytes redacted in the transcript): {skipped}')
    print(f'{passed} passed, {failed} failed')
    sys.exit(0 if failed == 0 else 1)


if __name__ == '__main__':
    main()
