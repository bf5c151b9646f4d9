#!/usr/bin/env python3
"""Clean-room models of rogue v6.15's data file and PRBS frame, written from
../shared/spec/RUDP-SRP-STREAMS.md §6 and §7 (no rogue code), for the tests that
check pyrogue-ts's writer, reader and generator against an independent reading.

  datafile_model.py read FILE... [--config-chan N]
      one JSON line per data record {"size","flags","error","channel","payload": hex},
      then {"config": merged configuration} (PyYAML safe_load, pyrogue's merge rules)
  datafile_model.py prbs            stdin: JSON lines {"size","seq","width","taps","count"}
      stdout: one hex frame per line
"""
import json
import struct
import sys


def records(path):
    """Yields (size, flags, error, channel, payload) per record; stops at a truncated record."""
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        if len(data) - pos < 8:
            print(f'underrun in {path}', file=sys.stderr)
            return
        size_word, meta = struct.unpack_from('<II', data, pos)
        size = size_word - 4
        if size < 0 or pos + 8 + size > len(data):
            print(f'underrun in {path}', file=sys.stderr)
            return
        flags = meta & 0xFFFF
        error = (meta >> 16) & 0xFF
        channel = (meta >> 24) & 0xFF
        yield size, flags, error, channel, data[pos + 8:pos + 8 + size]
        pos += 8 + size


def merge(config, new):
    for k, v in new.items():
        if '.' in k:
            d = config
            parts = k.split('.')
            for p in parts[:-1]:
                d = d.setdefault(p, {})
            d[parts[-1]] = v
        elif k in config and isinstance(config[k], dict) and isinstance(v, dict):
            config[k].update(v)
        else:
            config[k] = v


def cmd_read(args):
    cfg_chan = None
    if '--config-chan' in args:
        i = args.index('--config-chan')
        cfg_chan = int(args[i + 1])
        args = args[:i] + args[i + 2:]
    config = {}
    for path in args:
        for size, flags, error, channel, payload in records(path):
            if cfg_chan is not None and channel == cfg_chan:
                import yaml
                merge(config, yaml.safe_load(payload.decode('utf-8')))
                continue
            print(json.dumps({'size': size, 'flags': flags, 'error': error, 'channel': channel, 'payload': payload.hex()}))
    print(json.dumps({'config': config}, default=str))


def lfsr_step(state, taps):
    """One step on a little-endian byte state: feedback = XOR of tap bits; shift left; feedback into bit 0."""
    fb = 0
    for t in taps:
        fb ^= (state[t // 8] >> (t % 8)) & 1
    for i in range(len(state)):
        msb = state[i] >> 7
        state[i] = ((state[i] << 1) | fb) & 0xFF
        fb = msb


def prbs_frame(size, seq, width=32, taps=(1, 2, 6, 31), count=False):
    b = width // 8
    words = size // b
    out = bytearray()
    word = lambda v: (v & 0xFFFFFFFF).to_bytes(4, 'little') + bytes(b - 4)
    out += word(seq)
    out += word(words - 1)
    state = bytearray(word(seq))
    for k in range(2, words):
        if count:
            out += word(k)
        else:
            lfsr_step(state, taps)
            out += state
    return bytes(out)


def cmd_prbs():
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        print(prbs_frame(q['size'], q['seq'], q.get('width', 32), q.get('taps', [1, 2, 6, 31]), q.get('count', False)).hex())


if __name__ == '__main__':
    if sys.argv[1] == 'read':
        cmd_read(sys.argv[2:])
    elif sys.argv[1] == 'prbs':
        cmd_prbs()
    else:
        sys.exit(f'unknown mode {sys.argv[1]}')
