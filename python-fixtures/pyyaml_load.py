"""PyYAML's yaml.load with pyrogue's yamlToData loader, for interop/py-yaml.test.ts.

    /usr/bin/python3 python-fixtures/pyyaml_load.py < docs.json

stdin: a JSON list of YAML texts. stdout: a JSON list with, for each text, either
{"ok": canonical value} or {"error": "module.Class", "msg": str(exc)}.

The loader is pyrogue's (yaml.Loader, mappings as OrderedDict via flatten_mapping +
construct_pairs, a `!include` scalar constructor) except that the multi-constructors
that import or run code (python/name, python/module, python/object*) are removed, so
those tags fail as unknown tags do. `!include x` gives OrderedDict(include=x).
"""
import collections
import datetime
import json
import sys

import yaml


class PyrogueLoader(yaml.Loader):
    pass


def include_mapping(loader, node):
    rel = loader.construct_scalar(node)
    rel[0]  # pyrogue indexes it first (IndexError on '')
    return collections.OrderedDict([('include', rel)])


def construct_mapping(loader, node):
    loader.flatten_mapping(node)
    return collections.OrderedDict(loader.construct_pairs(node))


PyrogueLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
PyrogueLoader.add_constructor('!include', include_mapping)
PyrogueLoader.yaml_multi_constructors = {}


def canon(x, stack=()):
    if any(x is s for s in stack):
        return {'recursive': True}
    st = stack + (x,)
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return {'int': str(x)}
    if isinstance(x, float):
        return {'float': repr(x)}
    if isinstance(x, complex):
        return {'complex': repr(x)}
    if isinstance(x, bytes):
        return {'bytes': x.hex()}
    if isinstance(x, tuple):
        return {'tuple': [canon(y, st) for y in x]}
    if isinstance(x, list):
        return [canon(y, st) for y in x]
    if isinstance(x, collections.OrderedDict):
        return {'odict': [[canon(k, st), canon(v, st)] for k, v in x.items()]}
    if isinstance(x, dict):
        return {'dict': [[canon(k, st), canon(v, st)] for k, v in x.items()]}
    if isinstance(x, (set, frozenset)):
        return {'set': sorted(json.dumps(canon(k, st), sort_keys=True) for k in x)}
    if isinstance(x, datetime.datetime):
        return {'datetime': x.isoformat()}
    if isinstance(x, datetime.date):
        return {'date': x.isoformat()}
    return {'other': repr(type(x))}


def run(text):
    try:
        v = yaml.load(text, Loader=PyrogueLoader)
    except RecursionError:
        return {'error': 'RecursionError', 'msg': ''}
    except Exception as e:
        return {'error': f'{type(e).__module__}.{type(e).__qualname__}', 'msg': str(e)}
    return {'ok': canon(v)}


docs = json.load(sys.stdin)
json.dump([run(d) for d in docs], sys.stdout)
