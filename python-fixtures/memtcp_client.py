#!/usr/bin/python3
"""Clean-room stand-in for a rogue memory TcpClient (docs/memory-bridge.md), pyzmq only.

    memtcp_client.py PORT SCRIPT

PUSH (immediate) connected to tcp://127.0.0.1:PORT, PULL connected to PORT+1. Probes
until the server answers (10 s at most), then runs SCRIPT (a JSON list of
[type, address (int or '0x…' text), hexdata_or_size] steps, all sent at once, then every response awaited,
2 s at most) and prints one JSON object: {"ready": bool, "results": [[result, hexdata]
or null per step, null for Post], "unknown": n}. A step may also be ["raw", [hex frames]]:
sent as is, nothing awaited (hostile frames).
"""
import json
import struct
import sys
import time

import zmq

PROBE = 0xFFFFFFFE
WRITE, POST = 2, 3


def main():
    port = int(sys.argv[1])
    script = json.loads(sys.argv[2])
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.setsockopt(zmq.IMMEDIATE, 1)
    pull = ctx.socket(zmq.PULL)
    for s in (push, pull):
        s.setsockopt(zmq.LINGER, 0)
    push.connect('tcp://127.0.0.1:%d' % port)
    pull.connect('tcp://127.0.0.1:%d' % (port + 1))
    next_id = [1000]

    def send(typ, addr, size, data=None):
        tid = next_id[0]
        next_id[0] += 1
        frames = [struct.pack('<I', tid), struct.pack('<Q', addr), struct.pack('<I', size), struct.pack('<I', typ)]
        if data is not None:
            frames.append(data)
        try:
            push.send_multipart(frames, zmq.DONTWAIT)
        except zmq.Again:
            pass
        return tid

    def recv(deadline):
        while time.monotonic() < deadline:
            if pull.poll(20):
                return pull.recv_multipart()
        return None

    ready = False
    end = time.monotonic() + 10
    while not ready and time.monotonic() < end:
        tid = send(PROBE, 0, 0)
        deadline = time.monotonic() + 0.1
        while True:
            r = recv(deadline)
            if r is None:
                break
            if struct.unpack('<I', r[0])[0] == tid and r[5] == b'OK':
                ready = True
                break
    results = [None] * len(script)
    waiting = {}
    for i, step in enumerate(script):
        if step[0] == 'raw':
            try:
                push.send_multipart([bytes.fromhex(f) for f in step[1]], zmq.DONTWAIT)
            except zmq.Again:
                pass
            continue
        typ, addr, arg = step
        if isinstance(addr, str):
            addr = int(addr, 0)
        if typ in (WRITE, POST):
            data = bytes.fromhex(arg)
            tid = send(typ, addr, len(data), data)
        else:
            tid = send(typ, addr, arg)
        if typ != POST:
            waiting[tid] = (i, addr, typ)
    unknown = 0
    deadline = time.monotonic() + 2
    while waiting:
        r = recv(deadline)
        if r is None:
            break
        tid = struct.unpack('<I', r[0])[0]
        if tid not in waiting or len(r) != 6:
            unknown += 1
            continue
        i, addr, typ = waiting.pop(tid)
        results[i] = [r[5].decode('latin1'), r[4].hex()]
    print(json.dumps({'ready': ready, 'results': results, 'unknown': unknown}), flush=True)
    push.close()
    pull.close()
    ctx.term()


if __name__ == '__main__':
    main()
