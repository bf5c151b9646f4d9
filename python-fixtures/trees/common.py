"""Shared by the test trees: a served root on a port, emulated memory with known contents.

Run a tree:   /usr/bin/python3 python-fixtures/trees/<tree>.py PORT    (prints 'READY <port>')
Needs real pyrogue (python-fixtures/tier.py: PYROGUE_PYTHONPATH, docs/interop.md); these trees are the
stand-ins for "a lab's tree nobody here wrote" in the snapshot/port/compare real tier.
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tier  # noqa: E402,F401  (python-fixtures/tier.py: the real pyrogue of PYROGUE_PYTHONPATH; these trees need it)

if tier.TIER != 'real':
    sys.exit('this tree needs real pyrogue (python-fixtures/tier.py found only the compat stand-in)')

import pyrogue.interfaces  # noqa: E402
import rogue.interfaces.memory  # noqa: E402


def filled_memory(size=0x10000, seed=1, patches=()):
    """rogue's Emulate(4, 0x1000) whose first `size` bytes hold a fixed pseudo-random pattern
    (the emulator leaves fresh pages uninitialised: every byte a register can see is written),
    then `patches`, (address, bytes) pairs (e.g. a text register's bytes)."""
    sim = rogue.interfaces.memory.Emulate(4, 0x1000)
    m = rogue.interfaces.memory.Master()
    m._setSlave(sim)
    rnd = random.Random(seed)
    for base in range(0, size, 0x1000):
        page = bytearray(rnd.getrandbits(8) for _ in range(0x1000))
        for addr, data in patches:
            lo = max(addr, base)
            hi = min(addr + len(data), base + 0x1000)
            if lo < hi:
                page[lo - base:hi - base] = data[lo - addr:hi - addr]
        m._reqTransaction(base, page, 0x1000, 0, rogue.interfaces.memory.Write)
        m._waitTransaction(0)
    return sim


def serve(root_class):
    """Serves `root_class(port=…)` until killed; prints READY <port> once up."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with root_class(port=port) as root:
        print(f'READY {root.zmqServer.port()}', flush=True)
        while True:
            time.sleep(1)


def add_server(root, port):
    root.zmqServer = pyrogue.interfaces.ZmqServer(root=root, addr='127.0.0.1', port=port)
    root.addInterface(root.zmqServer)
