"""PyYAML's emitter as pyrogue's dataToYaml uses it (block style), for the YAML tests.

    /usr/bin/python3 python-fixtures/pyyaml_dump.py < values.json

stdin: a JSON list of strings. stdout: a JSON list with, for each string s,
yaml.dump({'Root': {'Dev': {'V': s}}}, default_flow_style=False, sort_keys=False).
"""
import json
import sys

import yaml

values = json.load(sys.stdin)
out = [yaml.dump({"Root": {"Dev": {"V": s}}}, default_flow_style=False, sort_keys=False) for s in values]
json.dump(out, sys.stdout)
