#!/usr/bin/env python3
"""Asks a running pyrogue server (Python or pyrogue-ts) for one attribute of
many nodes over its binary port and prints each reply's canonical form
(pycanon.py), so that two servers' replies can be compared as data.

  /usr/bin/python3 python-fixtures/properties_canon.py HOST:PORT [ATTR] < paths
      stdin: one node path per line; ATTR defaults to 'properties'
      stdout: one JSON line per path: {"path": ..., "canon": <canonical form of the reply>}

The request is what SimpleClient's `_remoteAttr(path, attr)` sends (a pickled dict
of path, attr, args () and kwargs {}); an exception reply is canonicalised like
any other (an Exception object with its message). Needs pyzmq, not pyrogue.
"""
import json
import os
import pickle
import sys

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycanon import canonical  # noqa: E402

REPLY_TIMEOUT_MS = 10000


def main():
    host, port = sys.argv[1].rsplit(':', 1)
    attr = sys.argv[2] if len(sys.argv) > 2 else 'properties'
    ctx = zmq.Context()
    s = ctx.socket(zmq.REQ)
    s.setsockopt(zmq.RCVTIMEO, REPLY_TIMEOUT_MS)
    s.setsockopt(zmq.LINGER, 0)
    s.connect('tcp://%s:%d' % (host, int(port) + 1))
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        s.send(pickle.dumps({'path': path, 'attr': attr, 'args': (), 'kwargs': {}}))
        reply = s.recv()
        sys.stdout.write(json.dumps({'path': path, 'canon': canonical(reply)}) + '\n')
    s.close()
    ctx.term()


if __name__ == '__main__':
    main()
