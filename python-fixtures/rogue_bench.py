#!/usr/bin/env python3
"""The anchor of bench/daq.js (real tier): rogue's C++ PRBS generator (Prbs.enable, its own
thread) into rogue's C++ StreamWriter, COUNT frames of SIZE bytes to FILE. Prints
{"frames", "bytes", "seconds"} (the time from enable until COUNT frames were counted).

  rogue_bench.py FILE SIZE COUNT
"""
import json
import os
import sys
import time

import rogue.utilities
import rogue.utilities.fileio

path, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = rogue.utilities.Prbs()
w = rogue.utilities.fileio.StreamWriter()
p >> w.getChannel(0)
w.open(path)
t0 = time.perf_counter()
p.enable(size)
while p.getTxCount() < count:
    time.sleep(0.0005)
p.disable()
t1 = time.perf_counter()
w.close()
n = p.getTxCount()
print(json.dumps({'frames': n, 'bytes': n * (size + 8), 'seconds': t1 - t0}), flush=True)
os._exit(0)
