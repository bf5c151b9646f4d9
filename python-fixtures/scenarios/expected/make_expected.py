#!/usr/bin/env python3
"""Build expected/*.jsonl from a scenario run (OUTDIR/<name>.out), taking the
truth from the REAL server's recordings wherever they exist:

  * a step whose id is a transcript id (read:/write:/prop:/cmd:/err:/root:...,
    '#n' = n-th occurrence) gets the transcript's canonical reply
    ({"ok": ...}, or {"raised": ...} for an Exception reply); volatile
    exchanges are left out (unchecked);
  * node:<path> steps are rebuilt from golden/tree.json (served nodes, class
    bases);
  * every other step is copied from the run and printed as 'REVIEW' so a human
    checks it against tree.json / docs/protocol.md before committing;
  * steps listed in UNPINNED are left out (behaviour not pinned by the spec).
Differences between the run and the transcript are printed as 'DIFF'.

  make_expected.py OUTDIR [name ...]"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'golden'))  # the repository's recordings

UNPINNED = {
    'str:exec:Root.Demo.Multiply:4',          # str arg to an int command: not pinned
    'virtual:same-client',
    'cli:exec Root.Demo.Multiply 4',          # CLI passes the str '4' to an int command: not pinned
}


def main():
    outdir = sys.argv[1]
    names = sys.argv[2:] or [f[:-4] for f in sorted(os.listdir(outdir)) if f.endswith('.out')]
    tx = [json.loads(line) for line in open(os.path.join(GOLDEN, 'transcript.jsonl'))]
    occ = collections.Counter()
    by = {}
    for c in tx:
        occ[c['id']] += 1
        key = c['id'] if occ[c['id']] == 1 else f"{c['id']}#{occ[c['id']]}"
        by[key] = c
    tree = json.load(open(os.path.join(GOLDEN, 'tree.json')))
    nodes = {n['path']: n for n in tree['nodes']}
    classes = tree['classes']

    def node_expect(path):
        n = nodes[path]
        bases = classes[n['class']]['bases']
        served = [ch for ch in n['children'] if nodes[f'{path}.{ch}']['served']]
        return dict(name=n['name'], cls='Virtual' + n['class'], description=n['description'], groups=n['groups'],
                    expand=n['expand'], guiGroup=n['guiGroup'], hidden='Hidden' in n['groups'],
                    isDevice="<class 'pyrogue._Device.Device'>" in bases,
                    isVariable="<class 'pyrogue._Variable.BaseVariable'>" in bases,
                    isCommand="<class 'pyrogue._Command.BaseCommand'>" in bases,
                    isRoot="<class 'pyrogue._Root.Root'>" in bases,
                    callable=("<class 'pyrogue._Command.BaseCommand'>" in bases or
                              "<class 'pyrogue._Process.Process'>" in bases),
                    children=served)

    for name in names:
        out = []
        review = 0
        for line in open(os.path.join(outdir, name + '.out'), encoding='utf-8'):
            line = line.strip()
            if not line.startswith('{"step"'):
                continue
            o = json.loads(line)
            step = o['step']
            if step in UNPINNED:
                continue
            if step.startswith('node:') and step[5:] in nodes:
                want = dict(step=step, **node_expect(step[5:]))
                if want != o:
                    print(f'DIFF {name} {step}\n   run  {json.dumps(o)[:300]}\n   want {json.dumps(want)[:300]}')
                out.append(want)
                continue
            if step.startswith('prop:') and step.count(':') == 2:
                _, p, prop = step.split(':')
                if prop in ('address', 'offset') and p in nodes and prop in nodes[p] and 'mode' not in nodes[p]:
                    want = dict(step=step, result={'ok': nodes[p][prop]})   # device props, from tree.json
                    if want != o:
                        print(f'DIFF {name} {step}\n   run  {json.dumps(o)[:300]}\n   want {json.dumps(want)[:300]}')
                    out.append(want)
                    continue
            c = by.get(step)
            if c is not None and 'result' in o and c['port'] == 'bin':
                if c['volatile']:
                    continue
                r = c['reply']
                res = {'raised': r} if isinstance(r, dict) and r.get('obj') == 'builtins.Exception' else {'ok': r}
                want = dict(step=step, result=res)
                if want != o:
                    print(f'DIFF {name} {step}\n   run  {json.dumps(o, ensure_ascii=False)[:300]}\n'
                          f'   want {json.dumps(want, ensure_ascii=False)[:300]}')
                out.append(want)
                continue
            review += 1
            print(f'REVIEW {name} {json.dumps(o, ensure_ascii=False)[:400]}')
            out.append(o)
        with open(os.path.join(HERE, name + '.jsonl'), 'w', encoding='utf-8') as f:
            for o in out:
                f.write(json.dumps(o, ensure_ascii=False) + '\n')
        print(f'== {name}: {len(out)} expected steps ({review} to review)')


if __name__ == '__main__':
    main()
