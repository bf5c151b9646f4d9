#!/usr/bin/env python3
"""A clean-room RUDP peer written from ../shared/spec/RUDP-SRP-STREAMS.md (§2-§5): UDP +
RSSI (client or server) + packetizer v1/v2 + SRPv3 (client, or register emulation). It is
the CI stand-in for rogue's C++ stack; it shares no code with pyrogue-ts.

  rudp_peer.py server PORT [--pack 1|2] [--jumbo] [--ib-crc]
      RSSI server + packetizer + SRPv3 registers (zeroed) on tdest 0. Prints
      'READY <port>' when bound (PORT 0 = any free port), serves until stdin closes.
  rudp_peer.py client PORT [--pack 1|2] [--jumbo] [--ib-crc] [--inflight N] SCRIPT_JSON
      RSSI client to 127.0.0.1:PORT + packetizer + SRPv3 client. SCRIPT_JSON is a list of
      ["write"|"post", addr, "hex"] / ["read"|"verify", addr, size]; up to N run
      at once. Prints one JSON object: {"open": bool, "results": [...], "counters": {...}}
      where each result is ["ok", "hex"] or ["error", text].

  rudp_peer.py codec
      one JSON request per stdin line, one JSON answer per stdout line: the bytes this peer
      would send for {"rssi": {flags, seq, ack, params|null}} (hex), {"pack": {v, maxPayload,
      dest, data, fuser, luser}} (a fresh packetizer's segments, hex list) and {"srp": {op,
      id, addr, arg}} (hex) — for comparing each layer's encoding with pyrogue-ts's.

Single-threaded: one select loop with timers. Python standard library only.
"""
import json
import os
import select
import socket
import struct
import sys
import time
import zlib

# ---------------------------------------------------------------- RSSI (spec §3)

SYN, ACK, RST, NUL, BUSY = 0x80, 0x40, 0x10, 0x08, 0x01


def rssi_checksum(h):
    n = len(h)
    s = 0
    for i in range(0, n - 2, 2):
        s += (h[i] << 8) | h[i + 1]
    s = (s % 0x10000) + (s // 0x10000)
    return (s ^ 0xFFFF) & 0xFFFF


def rssi_header(flags, seq, ack, params=None):
    if flags & SYN:
        h = bytearray(24)
        h[0], h[1], h[2], h[3] = flags, 24, seq & 0xFF, ack & 0xFF
        h[4] = 0x1C
        p = params
        h[5] = p['maxBuffers']
        struct.pack_into('>HHHH', h, 6, p['maxSegment'], p['retranTout'], p['cumAckTout'], p['nullTout'])
        h[14], h[15], h[17], h[18] = p['maxRetran'], p['maxCumAck'], 3, 0x78
    else:
        h = bytearray(8)
        h[0], h[1], h[2], h[3] = flags, 8, seq & 0xFF, ack & 0xFF
    struct.pack_into('>H', h, len(h) - 2, rssi_checksum(h))
    return h


def rssi_parse(d):
    if len(d) < 8:
        return None
    syn = bool(d[0] & SYN)
    n = 24 if syn else 8
    if d[1] != n or len(d) < n or struct.unpack_from('>H', d, n - 2)[0] != rssi_checksum(d[:n]):
        return None
    h = {'flags': d[0], 'seq': d[2], 'ack': d[3], 'len': n}
    if syn:
        mb = d[5]
        ms, rt, ct, nt = struct.unpack_from('>HHHH', d, 6)
        h['params'] = {'maxBuffers': mb, 'maxSegment': ms, 'retranTout': rt, 'cumAckTout': ct,
                       'nullTout': nt, 'maxRetran': d[14], 'maxCumAck': d[15]}
    return h


class Rssi:
    """One RSSI endpoint. Times in seconds (time.monotonic)."""

    def __init__(self, server, seg_size, tx, deliver):
        self.server = server
        self.tx = tx
        self.deliver = deliver
        self.loc = {'maxBuffers': 32, 'maxSegment': seg_size, 'retranTout': 20, 'cumAckTout': 5,
                    'nullTout': 1000, 'maxRetran': 15, 'maxCumAck': 2}
        self.cur = dict(self.loc)
        self.open = False
        self.seq = 100            # next sequence number to send
        self.last_ack_rx = 0      # last ack number received
        self.next_rx = 0          # next sequence expected
        self.ack_rx = 0           # last sequence delivered (what we acknowledge)
        self.last_ack_tx = 0
        self.unacked = {}         # seq -> [segment bytearray, sent time, count]
        self.ooo = {}
        self.txq = []
        self.last_tx = 0.0
        self.last_syn = -1.0
        self.counters = {'drop': 0, 'retran': 0, 'down': 0}

    def max_payload(self):
        return min(self.cur['maxSegment'], self.loc['maxSegment']) - 8

    def _send(self, flags, payload=b'', consume=False, params=None):
        seq = self.seq
        seg = rssi_header(flags, seq, self.ack_rx, params) + payload
        self.last_ack_tx = self.ack_rx
        if consume:
            self.unacked[seq] = [seg, time.monotonic(), 1]
            self.seq = (self.seq + 1) & 0xFF
        self.last_tx = time.monotonic()
        self.tx(bytes(seg))

    def _reset(self):
        self._send(RST, consume=False)
        self.seq = (self.seq + 1) & 0xFF
        self.open = False
        self.unacked.clear()
        self.ooo.clear()
        self.txq.clear()
        self.counters['down'] += 1
        self.last_syn = time.monotonic()

    def receive(self, d):
        h = rssi_parse(d)
        if h is None:
            self.counters['drop'] += 1
            return
        f = h['flags']
        if f & ACK:
            # free everything up to the ack number, if it is ahead of the last one
            ahead = (h['ack'] - self.last_ack_rx) & 0xFF
            outstanding = (self.seq - 1 - self.last_ack_rx) & 0xFF
            if 0 < ahead <= outstanding:
                while self.last_ack_rx != h['ack']:
                    self.last_ack_rx = (self.last_ack_rx + 1) & 0xFF
                    self.unacked.pop(self.last_ack_rx, None)
        if f & RST:
            if self.open:
                self._reset()
            return
        if f & SYN:
            self.next_rx = (h['seq'] + 1) & 0xFF
            if self.server:
                if self.open:
                    self._reset()
                    return
                self.cur = dict(h['params'])
                self.last_ack_rx = h['ack']
                self.unacked.clear()
                self._send(SYN | ACK, consume=True, params=self.cur)
                self.unacked.clear()
                self.open = True
            elif f & ACK and not self.open:
                self.cur = dict(h['params'])
                self.last_ack_rx = h['ack']
                self.ack_rx = h['seq']
                self.unacked.clear()
                self._send(ACK)
                self.open = True
            return
        if not self.open or not (f & NUL or len(d) > 8):
            return
        seq = h['seq']
        if seq == self.next_rx:
            self._accept(seq, f, d[8:])
            while self.next_rx in self.ooo:
                s = self.next_rx
                ff, pl = self.ooo.pop(s)
                self._accept(s, ff, pl)
        elif 0 < ((seq - self.next_rx) & 0xFF) <= self.cur['maxBuffers'] and seq not in self.ooo:
            self.ooo[seq] = (f, bytes(d[8:]))
        else:
            self.counters['drop'] += 1
            self._send(ACK)  # probably a retransmission of something whose ACK was lost

    def _accept(self, seq, flags, payload):
        self.next_rx = (seq + 1) & 0xFF
        self.ack_rx = seq
        if not flags & NUL:
            self.deliver(bytes(payload))

    def send(self, payload):
        if not self.open:
            return False
        self.txq.append(payload)
        self._flush()
        return True

    def _flush(self):
        while self.txq and len(self.unacked) < self.cur['maxBuffers']:
            self._send(ACK, self.txq.pop(0), consume=True)

    def poll(self):
        now = time.monotonic()
        if not self.open:
            if not self.server and now - self.last_syn >= 0.1:
                self.last_syn = now
                self._send(SYN, consume=True, params=self.loc)
            return
        c = self.cur
        pend = (self.ack_rx - self.last_ack_tx) & 0xFF
        if now - self.last_tx >= (c['nullTout'] // 3) / 1000:
            self._send(ACK | NUL, consume=True)
        elif pend >= c['maxCumAck'] or (pend > 0 and now - self.last_tx >= c['cumAckTout'] / 1000):
            self._send(ACK)
        for s in sorted(self.unacked, key=lambda x: (x - self.last_ack_rx) & 0xFF):
            e = self.unacked[s]
            if now - e[1] >= c['retranTout'] / 1000:
                if e[2] >= c['maxRetran']:
                    self._reset()
                    return
                seg = e[0]
                seg[3] = self.ack_rx
                struct.pack_into('>H', seg, seg[1] - 2, rssi_checksum(seg[:seg[1]]))
                self.last_ack_tx = self.ack_rx
                e[1] = now
                e[2] += 1
                self.counters['retran'] += 1
                self.last_tx = now
                self.tx(bytes(seg))
        self._flush()


# ---------------------------------------------------------------- packetizer (spec §4)

class Packetizer:
    def __init__(self, version, max_payload, tx, deliver, ib_crc=False, ssi=True):
        self.v = version
        self.max_payload = max_payload
        self.tx = tx
        self.deliver = deliver
        self.ib_crc = ib_crc
        self.ssi = ssi
        self.index = 0
        self.rx = {}
        self.drops = 0

    def capacity(self):
        tail = 1 if self.v == 1 else 8
        return ((self.max_payload() - tail) // 8) * 8 - 8

    def send(self, dest, data, fuser=0, luser=0):
        cap = self.capacity()
        n = max(1, -(-len(data) // cap))
        fu = fuser | (0x02 if self.ssi else 0)
        crc = 0
        for s in range(n):
            part = data[s * cap:(s + 1) * cap]
            eof = s == n - 1
            if self.v == 1:
                hdr = bytes([(self.index & 0xF) << 4, (self.index >> 4) & 0xFF, s & 0xFF, (s >> 8) & 0xFF,
                             (s >> 16) & 0xFF, dest, 0, fu])
                self.tx(hdr + part + bytes([(luser & 0x7F) | (0x80 if eof else 0)]))
            else:
                pad = (-len(part)) % 8
                hdr = bytes([0x22, fu, dest, 0, s & 0xFF, (s >> 8) & 0xFF, 0, 0x80 if s == 0 else 0])
                last = len(part) % 8 or 8
                body = hdr + part + bytes(pad) + bytes([luser, 1 if eof else 0, last, 0])
                crc = zlib.crc32(body, crc if s else 0)
                self.tx(body + struct.pack('>I', crc))
        self.index = (self.index + 1) & 0xFFF

    def receive(self, d):
        if self.v == 1:
            if len(d) < 10 or d[0] & 0xF != 0:
                self.drops += 1
                return
            idx = (d[0] >> 4) | (d[1] << 4)
            cnt = d[2] | (d[3] << 8) | (d[4] << 16)
            ctx = self.rx.setdefault('v1', {'busy': False})
            if cnt > 0 and (not ctx['busy'] or idx != ctx['idx'] or cnt != ctx['cnt']):
                self.drops += 1
                ctx['busy'] = False
                return
            if cnt == 0:
                ctx.update(busy=True, idx=idx, dest=d[5], fuser=d[7], parts=[])
            ctx['parts'].append(bytes(d[8:-1]))
            if d[-1] & 0x80:
                ctx['busy'] = False
                self.deliver(ctx['dest'], b''.join(ctx['parts']), ctx['fuser'] | ((d[-1] & 0x7F) << 8))
            else:
                ctx['cnt'] = cnt + 1
        else:
            if len(d) < 24 or len(d) % 8 or d[0] & 0xF != 2:
                self.drops += 1
                return
            dest = d[2]
            cnt = d[4] | (d[5] << 8)
            sof = bool(d[7] & 0x80)
            ctx = self.rx.setdefault(dest, {'busy': False, 'cnt': 0, 'crc': 0})
            bad = False
            if self.ib_crc:
                ctx['crc'] = zlib.crc32(bytes(d[:-4]), 0 if sof else ctx['crc'])
                bad = struct.unpack_from('>I', d, len(d) - 4)[0] != ctx['crc']
            last = d[-6]
            if bad or not 1 <= last <= 8 or sof == ctx['busy'] or cnt != ctx['cnt']:
                self.drops += 1
                ctx.update(busy=False, cnt=0)
                return
            if sof:
                ctx.update(busy=True, fuser=d[1], parts=[])
            ctx['parts'].append(bytes(d[8:len(d) - 16 + last]))
            if d[-7] & 1:
                ctx.update(busy=False, cnt=0)
                self.deliver(dest, b''.join(ctx['parts']), ctx['fuser'] | (d[-8] << 8))
            else:
                ctx['cnt'] = (cnt + 1) & 0xFFFF


# ---------------------------------------------------------------- SRPv3 (spec §5.3, §5.4)

class SrpEmulator:
    def __init__(self):
        self.pages = {}

    def _rw(self, addr, data=None, size=0):
        out = bytearray()
        n = len(data) if data is not None else size
        for i in range(n):
            a = addr + i
            page = self.pages.get(a >> 12)
            if data is not None:
                if page is None:
                    page = self.pages[a >> 12] = bytearray(4096)
                page[a & 0xFFF] = data[i]
            else:
                out.append(page[a & 0xFFF] if page else 0)
        return bytes(out)

    def request(self, r):
        if len(r) < 20 or r[0] != 3:
            return None
        op = r[1] & 3
        w0, tid, lo, hi, sz = struct.unpack_from('<IIIII', r, 0)
        size = sz + 1
        if op == 3 or size < 4 or size > 4096 or size % 4 or (op in (1, 2) and len(r) < 20 + size):
            return None
        addr = lo | (hi << 32)
        if op in (1, 2):
            self._rw(addr, data=r[20:20 + size])
            if op == 2:
                return None
        return bytes(r[:20]) + self._rw(addr, size=size) + bytes(4)


class SrpClient:
    def __init__(self, send):
        self.send = send
        self.next_id = 1
        self.pending = {}

    def start(self, op, addr, arg):
        tid = self.next_id
        self.next_id += 1
        opcode = {'read': 0, 'verify': 0, 'write': 1, 'post': 2}[op]
        size = arg if op in ('read', 'verify') else len(arg)
        req = struct.pack('<IIIII', 0x0A000003 | (opcode << 8), tid, addr & 0xFFFFFFFF, addr >> 32, size - 1)
        if opcode:
            req += arg
        self.send(req)
        if op == 'post':
            return tid, ['ok', bytes(arg).hex()]
        self.pending[tid] = (req, size, op, time.monotonic())
        return tid, None

    def response(self, f):
        if len(f) < 24:
            return None
        tid = struct.unpack_from('<I', f, 4)[0]
        p = self.pending.pop(tid, None)
        if p is None:
            return None
        req, size, op, _ = p
        w0 = struct.unpack_from('<I', f, 0)[0]
        if (w0 & 0xFFFFC3FF) != struct.unpack_from('<I', req, 0)[0] or f[4:20] != req[4:20]:
            return tid, ['error', 'header mismatch']
        status = struct.unpack_from('<I', f, len(f) - 4)[0]
        if status:
            return tid, ['error', 'status 0x%x' % status]
        if len(f) != 24 + size:
            return tid, ['error', 'size mismatch']
        return tid, ['ok', bytes(f[20:20 + size]).hex() if op in ('read', 'verify') else bytes(req[20:]).hex()]


# ---------------------------------------------------------------- the loop

def make_stack(server, port, pack, jumbo, ib_crc, on_frame):
    maxp = 8972 if jumbo else 1472
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer = [None]
    if server:
        sock.bind(('127.0.0.1', port))
    else:
        sock.bind(('127.0.0.1', 0))
        peer[0] = ('127.0.0.1', port)

    def tx(b):
        if peer[0] is not None:
            sock.sendto(b, peer[0])

    holder = {}
    rssi = Rssi(server, maxp - 8, tx, lambda p: holder['pack'].receive(p))
    pack = Packetizer(pack, rssi.max_payload, lambda seg: rssi.send(seg), on_frame, ib_crc=ib_crc)
    holder['pack'] = pack

    def rx_ready():
        try:
            d, src = sock.recvfrom(65536)
        except OSError:
            return
        if not d or len(d) > maxp:
            return
        if server:
            peer[0] = src
        elif src != peer[0]:
            return
        rssi.receive(d)
    return sock, rssi, pack, rx_ready


def codec():
    for line in sys.stdin:
        q = json.loads(line)
        if 'rssi' in q:
            r = q['rssi']
            out = rssi_header(r['flags'], r['seq'], r['ack'], r.get('params')).hex()
        elif 'pack' in q:
            r = q['pack']
            segs = []
            p = Packetizer(r['v'], lambda: r['maxPayload'], lambda seg: segs.append(bytes(seg).hex()), None)
            p.send(r['dest'], bytes.fromhex(r['data']), r['fuser'], r['luser'])
            out = segs
        else:
            r = q['srp']
            sent = []
            c = SrpClient(lambda req: sent.append(req))
            c.next_id = r['id']
            arg = r['arg'] if r['op'] in ('read', 'verify') else bytes.fromhex(r['arg'])
            c.start(r['op'], r['addr'], arg)
            out = sent[0].hex()
        print(json.dumps(out), flush=True)


def main():
    args = sys.argv[1:]
    if args[0] == 'codec':
        codec()
        return
    mode, port = args[0], int(args[1])
    opt = lambda name, d=None: args[args.index(name) + 1] if name in args else d
    pack_v = int(opt('--pack', '2'))
    jumbo = '--jumbo' in args
    ib_crc = '--ib-crc' in args
    if mode == 'server':
        emu = SrpEmulator()
        box = {}

        def on_frame(dest, data, flags):
            if dest == 0:
                rsp = emu.request(data)
                if rsp is not None:
                    box['pack'].send(0, rsp)
        sock, rssi, pack, rx_ready = make_stack(True, port, pack_v, jumbo, ib_crc, on_frame)
        box['pack'] = pack
        print('READY %d' % sock.getsockname()[1], flush=True)
        while True:
            r, _, _ = select.select([sock, sys.stdin], [], [], 0.002)
            if sys.stdin in r and not os.read(sys.stdin.fileno(), 4096):
                break
            if sock in r:
                rx_ready()
            rssi.poll()
        return
    script = json.loads(args[-1])
    inflight = int(opt('--inflight', '1'))
    results = [None] * len(script)
    order = {}
    box = {}

    def on_frame(dest, data, flags):
        r = box['srp'].response(data)
        if r is not None:
            results[order.pop(r[0])] = r[1]
    sock, rssi, pack, rx_ready = make_stack(False, port, pack_v, jumbo, ib_crc, on_frame)
    srp = SrpClient(lambda req: pack.send(0, req))
    box['srp'] = srp
    deadline = time.monotonic() + 10
    while not rssi.open and time.monotonic() < deadline:
        r, _, _ = select.select([sock], [], [], 0.002)
        if r:
            rx_ready()
        rssi.poll()
    nxt = 0
    while rssi.open and (nxt < len(script) or srp.pending) and time.monotonic() < deadline + 20:
        while nxt < len(script) and len(srp.pending) < inflight:
            op, addr, arg = script[nxt]
            tid, res = srp.start(op, addr, arg if op in ('read', 'verify') else bytes.fromhex(arg))
            if res is not None:
                results[nxt] = res
            else:
                order[tid] = nxt
            nxt += 1
        r, _, _ = select.select([sock], [], [], 0.002)
        if r:
            rx_ready()
        rssi.poll()
        now = time.monotonic()
        for tid, p in list(srp.pending.items()):
            if now - p[3] > 2:
                srp.pending.pop(tid)
                results[order.pop(tid)] = ['error', 'timeout']
    print(json.dumps({'open': rssi.open, 'results': results,
                      'counters': dict(rssi.counters, packDrops=pack.drops, maxPayload=rssi.max_payload(),
                                       curMaxSegment=rssi.cur['maxSegment'])}), flush=True)
    rssi._reset()


if __name__ == '__main__':
    main()
