#!/usr/bin/env python3
"""Real pyrogue's ExampleRoot (pyrogue.examples.ExampleRoot, v6.15) served on a given port
(real tier only). The example builds its ZmqServer with port=0 (the first free port
from 9099); here that server binds PORT instead. Prints 'READY PORT', then serves until
stdin closes or SIGTERM.

  real_example_root.py PORT
"""
import os
import sys

import pyrogue
import pyrogue.examples
import pyrogue.interfaces

PORT = int(sys.argv[1])
_init = pyrogue.interfaces.ZmqServer.__init__


def _init_on_port(self, *, root, addr, port, **kw):
    _init(self, root=root, addr=addr, port=PORT, **kw)


pyrogue.interfaces.ZmqServer.__init__ = _init_on_port

with pyrogue.examples.ExampleRoot() as root:
    print(f'READY {PORT}', flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
os._exit(0)
