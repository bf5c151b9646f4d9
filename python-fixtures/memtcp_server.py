#!/usr/bin/python3
"""Clean-room stand-in for a rogue memory TcpServer (docs/memory-bridge.md), pyzmq only.

    memtcp_server.py PORT [--fault MODE] [--delay SECONDS]

Binds PULL on tcp://127.0.0.1:PORT (requests) and PUSH on PORT+1 (responses) over a
zeroed byte store, prints 'READY PORT' and serves until SIGTERM/SIGINT. MODE makes
every non-probe response faulty, to test a client's error paths:
  none      correct answers
  mismatch  the response's address is off by 4
  short     a Read/Verify response carries one byte less than size
  error     result text 'Emulated bus error' (data as requested)
  late      answered after --delay seconds (default 2)
  silent    never answered
  noprobe   probes are not answered (everything else is)
  longerror result text of 1200 bytes (over the 999 a client reads)
  unknown   the response's id is one the client never sent
Requests not shaped as the spec says are dropped with a line on stderr.
"""
import signal
import struct
import sys
import time

import zmq

PROBE = 0xFFFFFFFE
READ, WRITE, POST, VERIFY = 1, 2, 3, 4


def main():
    port = int(sys.argv[1])
    fault = 'none'
    delay = 2.0
    args = sys.argv[2:]
    while args:
        a = args.pop(0)
        if a == '--fault':
            fault = args.pop(0)
        elif a == '--delay':
            delay = float(args.pop(0))
    store = bytearray(0x100000)
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    for s in (pull, push):
        s.setsockopt(zmq.LINGER, 0)
    push.bind('tcp://127.0.0.1:%d' % (port + 1))
    pull.bind('tcp://127.0.0.1:%d' % port)
    running = [True]

    def stop(*_):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print('READY %d' % port, flush=True)
    later = []  # (due, frames)
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    while running[0]:
        now = time.monotonic()
        while later and later[0][0] <= now:
            push.send_multipart(later.pop(0)[1])
        if not poller.poll(20):
            continue
        frames = pull.recv_multipart()
        if len(frames) not in (4, 5) or [len(f) for f in frames[:4]] != [4, 8, 4, 4]:
            print('dropped request: %d frames' % len(frames), file=sys.stderr, flush=True)
            continue
        tid, = struct.unpack('<I', frames[0])
        addr, = struct.unpack('<Q', frames[1])
        size, = struct.unpack('<I', frames[2])
        typ, = struct.unpack('<I', frames[3])
        head = frames[:4]
        if typ == PROBE:
            if len(frames) != 4 or size != 0:
                print('dropped malformed probe', file=sys.stderr, flush=True)
                continue
            if fault != 'noprobe':
                push.send_multipart(head + [b'', b'OK'])
            continue
        if typ in (WRITE, POST):
            if len(frames) != 5 or len(frames[4]) != size:
                print('dropped write without data', file=sys.stderr, flush=True)
                continue
            data = frames[4]
        elif len(frames) != 4:
            print('dropped read with data', file=sys.stderr, flush=True)
            continue
        result = b'OK'
        if addr + size > len(store):
            data, result = (data if typ in (WRITE, POST) else bytes(size)), b'Address out of range'
        elif typ in (WRITE, POST):
            store[addr:addr + size] = data
        else:
            data = bytes(store[addr:addr + size])
        if fault == 'silent':
            continue
        if fault == 'mismatch':
            head = [frames[0], struct.pack('<Q', addr + 4), frames[2], frames[3]]
        elif fault == 'short' and typ in (READ, VERIFY):
            data = data[:-1]
        elif fault == 'error':
            result = b'Emulated bus error'
        elif fault == 'longerror':
            result = b'E' * 1200
        elif fault == 'unknown':
            head = [struct.pack('<I', (tid + 0x10000000) & 0xFFFFFFFF)] + frames[1:4]
        out = head + [data, result]
        if fault == 'late':
            later.append((time.monotonic() + delay, out))
        else:
            push.send_multipart(out)
    pull.close()
    push.close()
    ctx.term()


if __name__ == '__main__':
    main()
