#!/usr/bin/env python3
"""Drives the ExampleRoot's DAQ devices through pyrogue's VirtualClient and prints one JSON
observation per step (real tier: needs pyrogue). Run against the real ExampleRoot and
against `pyrogue-ts serve --tree pyrogue-example`: the observations must be the same.

  example_scenario.py HOST PORT DATAFILE
"""
import json
import os
import sys
import time

import pyrogue.interfaces

host, port, datafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = pyrogue.interfaces.VirtualClient(addr=host, port=port)
r = c.root


def obs(step, **kw):
    print(json.dumps({'step': step, **kw}, sort_keys=True), flush=True)


def wait_until(cond, limit=10.0):
    t0 = time.time()
    while not cond():
        if time.time() - t0 > limit:
            return False
        time.sleep(0.02)
    return True


# --- RunControl
rc = r.RunControl
obs('rc:initial', state=rc.runState.getDisp(), rate=rc.runRate.getDisp(), count=rc.runCount.get())
rc.runRate.setDisp('10 Hz')
rc.runState.setDisp('Running')
time.sleep(0.55)
rc.runState.setDisp('Stopped')
# pyrogue's stop waits for the loop's last iteration; pyrogue-ts ends it after its current period
wait_until(lambda: rc.runCount.get() >= 6 and rc.runCount.get() == (time.sleep(0.25) or rc.runCount.get()))
n = rc.runCount.get()
obs('rc:after 0.55 s at 10 Hz', state=rc.runState.getDisp(), count_in_5_7=(5 <= n <= 7))
rc.runRate.setDisp('1 Hz')
rc.runState.setDisp('Running')
wait_until(lambda: rc.runCount.get() >= 1, 5)
rc.runState.setDisp('Stopped')
time.sleep(1.2)
obs('rc:1 Hz run', count=rc.runCount.get() in (1, 2), state=rc.runState.getDisp())

# --- StreamWriter + PrbsTx + DataReceiver
sw, tx, drx = r.StreamWriter, r.PrbsTx, r.DataReceiver
obs('sw:initial', isOpen=sw.IsOpen.get(), frames=sw.FrameCount.get(), buf=sw.BufferSize.get(), max=sw.MaxFileSize.get())
sw.DataFile.set(datafile)
sw.Open()
obs('sw:open', isOpen=sw.IsOpen.get(), dataFile=sw.DataFile.get() == datafile)
c0 = drx.FrameCount.get()
tx.txSize.set(256)
tx.genFrame(5)
wait_until(lambda: drx.FrameCount.get() >= c0 + 5)
obs('prbs:genFrame 5', rx=drx.FrameCount.get() - c0, bytes=drx.ByteCount.get() >= 5 * 256, updated=drx.Updated.get(),
    txCount=tx.txCount.get() >= 5)
tx.txEnable.set(True)
wait_until(lambda: tx.txCount.get() > 1000, 20)
tx.txEnable.set(False)
time.sleep(0.3)
sent = tx.txCount.get()
wait_until(lambda: sw.FrameCount.get() >= 3)
obs('prbs:enabled', many=sent > 1000, drxCounting=drx.FrameCount.get() > c0 + 5)
sw.Close()
time.sleep(0.2)
obs('sw:close', isOpen=sw.IsOpen.get(), frames=sw.FrameCount.get() > 5, size=sw.CurrentSize.get() > 0,
    total=sw.TotalSize.get() == sw.CurrentSize.get(), file=os.path.getsize(datafile) == sw.TotalSize.get())
with open(datafile, 'rb') as f:
    data = f.read()
# raw mode: the full YAML dump (channel 1) is in the file, near its start (an update batch may come first)
i = data.find(b'ExampleRoot:\n  enable: True\n  RogueVersion: v6.15.0\n')
obs('sw:file holds the YAML dump', near_start=0 <= i < 4096, twice=data.count(b'ExampleRoot:\n  enable: True\n') == 2)
sw.AutoName()
name = sw.DataFile.get()
obs('sw:AutoName', dir=os.path.dirname(name) == os.path.dirname(datafile), base=os.path.basename(name)[:5], ext=name[-4:],
    len=len(os.path.basename(name)))

# --- DataReceiver
drx.RxEnable.set(False)
c1 = drx.FrameCount.get()
tx.genFrame(3)
time.sleep(0.3)
obs('drx:disabled', counted=drx.FrameCount.get() - c1)
drx.RxEnable.set(True)
r.CountReset()
time.sleep(0.2)
obs('drx:CountReset', frames=drx.FrameCount.get(), errors=drx.ErrorCount.get(), bytes=drx.ByteCount.get(), tx=tx.txCount.get())

# --- Process
p = r.Process
obs('proc:initial', running=p.Running.get(), progress=p.Progress.getDisp(), message=p.Message.get())
p.Start()
wait_until(lambda: p.Step.get() >= 2, 10)
obs('proc:running', running=p.Running.get(), total=p.TotalSteps.get(), message=p.Message.get()[:12],
    progress=p.Progress.getDisp() in ('0.02', '0.03'))
p.Stop()
wait_until(lambda: not p.Running.get(), 5)
obs('proc:after Stop', running=p.Running.get(), message=p.Message.get())
p.Test1.set('abc')
obs('proc:Test1', value=p.Test1.get())

# --- polled plot variables
x0 = r.TestXAxis.get()
# TestPlot's poll (once a second) adds a sample; a busy pyrogue server may poll late
advanced = wait_until(lambda: r.TestXAxis.get() > x0, 15)
obs('plot:polled', advanced=advanced, inRange=-1.0 <= r.TestPlot.value() <= 1.0,
    arrayType=r.TestArray.value().dtype.name)
os._exit(0)
