"""Writes fixed pickled requests (protocol 4, what pyrogue's clients send on py>=3.8).

    /usr/bin/python3 tools/wire/requests.py spec.json OUTDIR

spec.json: {"name": [[path, attr, [args...], {kwargs}], ...], ...}
Writes OUTDIR/name.bin: records [uint32 LE length][pickle.dumps(dict, 4)].
"""
import json
import pickle
import struct
import sys

spec = json.load(open(sys.argv[1]))
out = sys.argv[2]
for name, reqs in spec.items():
    with open(f"{out}/{name}.bin", "wb") as f:
        for path, attr, args, kwargs in reqs:
            b = pickle.dumps({"path": path, "attr": attr, "args": tuple(args), "kwargs": dict(kwargs)}, protocol=4)
            f.write(struct.pack("<I", len(b)) + b)
