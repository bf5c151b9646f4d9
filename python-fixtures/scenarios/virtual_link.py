#!/usr/bin/env python3
"""SLOW (~13 s). VirtualClient link monitor: with no requests at all for 12 s
(longer than the 10 s link timeout) the link must stay up thanks to the 1 Hz
Root.Time heartbeat on the publish port; no link-monitor callback fires."""
import threading
import time

import _common
from _common import emit
import pyrogue.interfaces

host, port = _common.args()
calls = []
beats = []
lock = threading.Lock()

with pyrogue.interfaces.VirtualClient(host, port) as client:
    client.addLinkMonitor(lambda state: calls.append(state))
    client.root.addVarListener(lambda p, v: p == 'Root.Time' and beats.append(time.time()))
    emit('link:start', linked=client.linked)
    t0 = time.time()
    time.sleep(12.0)
    n = len([t for t in beats if t >= t0])
    emit('link:after-12s-idle', linked=client.linked, monitor_calls=calls, heartbeats_ge_10=n >= 10)
