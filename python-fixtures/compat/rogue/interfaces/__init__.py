"""Clean-room stand-in for rogue's C++ `rogue.interfaces.ZmqClient`.

Written from ../shared/spec/PROTOCOL.md §6.2 (sockets, options, timeout
semantics of v6.14+/v6.15) and §3.2 (string mode, v5.9+ request text); it is
not rogue's code. pyzmq only.

Binary mode  ZmqClient(addr, port) / ZmqClient(addr, port, False):
    SUB  -> tcp://addr:port   (SUBSCRIBE "", LINGER 0, RCVTIMEO 100 ms), a
            receive thread hands every non-empty frame to self._doUpdate(bytes);
            exceptions raised there are printed and the update dropped.
    REQ  -> tcp://addr:port+1 (RCVTIMEO = warnTime, REQ_CORRELATE, REQ_RELAXED,
            LINGER 0); self._send(bytes) -> bytes.
String mode  ZmqClient(addr, port, True):
    REQ  -> tcp://addr:port+2 only; getDisp/setDisp/exec/valueDisp build the
    request text exactly as the C++ client does:
        {"attr": "<attr>","path": "<path>"[,"args": ["<arg>"]]}
    (no JSON escaping; args only when arg != "").

Timeouts (v6.14+): setTimeout(warnTime, failTime=0). The receive loop wakes
every warnTime ms; it gives up with rogue.GeneralError once the accumulated
wait reaches failTime (failTime 0 = wait forever). A 0-byte reply counts as a
timeout (as in the C++ client). Default after construction: 1000 / 1000.
Difference: after a 0-byte reply the real client's REQ is in EFSM and, when
waiting forever, it spins for ever; this stand-in raises GeneralError instead.
"""
import sys
import threading
import time

import zmq

from rogue import GeneralError


class ZmqClient(object):

    def __new__(cls, *args, **kwargs):
        # Like a Boost.Python class: construction arguments go to __init__ only.
        return object.__new__(cls)

    def __init__(self, addr, port, doString=False):
        port = int(port)
        self._zAddr = addr
        self._zPort = port
        self._doString = bool(doString)
        self._warnTime = 1000
        self._failTime = 1000
        self._stopping = False
        self._running = True
        self._reqLockZ = threading.Lock()
        self._ctx = zmq.Context()
        self._zsub = None
        self._zthread = None

        if not self._doString:
            self._zsub = self._ctx.socket(zmq.SUB)
            self._zsub.setsockopt(zmq.SUBSCRIBE, b'')
            self._zsub.setsockopt(zmq.LINGER, 0)
            self._zsub.setsockopt(zmq.RCVTIMEO, 100)
            self._zsub.connect(f'tcp://{addr}:{port}')

        self._zreq = self._ctx.socket(zmq.REQ)
        self._zreq.setsockopt(zmq.RCVTIMEO, self._warnTime)
        self._zreq.setsockopt(zmq.REQ_CORRELATE, 1)
        self._zreq.setsockopt(zmq.REQ_RELAXED, 1)
        self._zreq.setsockopt(zmq.LINGER, 0)
        self._zreq.connect(f'tcp://{addr}:{port + (2 if self._doString else 1)}')

        if not self._doString:
            self._threadEn = True
            self._zthread = threading.Thread(target=self._runThread, daemon=True,
                                             name=f'ZmqClient-{addr}:{port}')
            self._zthread.start()

    # ---------------------------------------------------------------- options
    def setTimeout(self, warnTime, failTime=0):
        if isinstance(warnTime, bool) or isinstance(failTime, bool):
            raise TypeError('ZmqClient.setTimeout(warnTime, failTime): bool arguments are not accepted')
        warnTime = int(warnTime)
        failTime = int(failTime)
        if warnTime <= 0:
            raise GeneralError('ZmqClient::setTimeout', 'warnTime must be greater than zero')
        self._warnTime = warnTime
        self._failTime = failTime
        self._zreq.setsockopt(zmq.RCVTIMEO, warnTime)

    # -------------------------------------------------------------- transport
    def _recvLoop(self, where):
        seconds = 0.0
        efsm = False
        while True:
            data = None
            if not efsm:
                try:
                    data = self._zreq.recv()
                except zmq.Again:
                    data = None
                except zmq.ZMQError as e:
                    if e.errno == zmq.EFSM:
                        efsm = True
                    else:
                        raise GeneralError(where, f'zmq receive failed: {e}')
            if data is not None and len(data) > 0:
                if seconds != 0:
                    print(f'ZmqClient: Finally got response from server after {seconds:f} seconds!',
                          file=sys.stderr)
                return data
            if data is not None and len(data) == 0:
                efsm = True   # 0-byte reply == timeout; the REQ is now back in send state
            seconds += self._warnTime / 1000.0
            deadline = self._failTime != 0 and seconds * 1000.0 >= self._failTime
            if deadline or self._stopping:
                raise GeneralError(where, 'Timeout waiting for response after %f Seconds, server may be busy!' % seconds)
            if efsm:
                # The real client would spin here for ever (EFSM); fail instead of hanging.
                raise GeneralError(where, 'Timeout waiting for response after %f Seconds, server may be busy! '
                                          '(empty reply: the real client would wait for ever)' % seconds)
            print(f'ZmqClient: Timeout waiting for response after {seconds:f} Seconds, server may be busy! Waiting...',
                  file=sys.stderr)

    def _send(self, value):
        if self._doString:
            raise GeneralError('ZmqClient::send', 'Invalid send call in string mode')
        if isinstance(value, str):
            value = value.encode('utf-8')
        with self._reqLockZ:
            self._zreq.send(bytes(value))
            return self._recvLoop('ZmqClient::send')

    def _sendString(self, path, attr, arg):
        if not self._doString:
            raise GeneralError('ZmqClient::sendString', 'Invalid send call in standard mode')
        snd = '{"attr": "' + attr + '",'
        snd += '"path": "' + path + '"'
        if arg != '':
            snd += ',"args": ["' + arg + '"]'
        snd += '}'
        with self._reqLockZ:
            self._zreq.send(snd.encode('utf-8'))
            data = self._recvLoop('ZmqClient::sendString')
        return data.decode('utf-8')   # std::string -> Python str (strict UTF-8)

    # ------------------------------------------------------------ string API
    def getDisp(self, path):
        return self._sendString(path, 'getDisp', '')

    def setDisp(self, path, value):
        self._sendString(path, 'setDisp', value)

    def exec(self, path, arg=''):
        return self._sendString(path, '__call__', arg)

    def valueDisp(self, path):
        return self._sendString(path, 'valueDisp', '')

    # ---------------------------------------------------------------- updates
    def _doUpdate(self, data):
        pass

    def _runThread(self):
        while self._threadEn:
            try:
                data = self._zsub.recv()
            except zmq.Again:
                continue
            except zmq.ZMQError:
                return
            if len(data) > 0:
                try:
                    self._doUpdate(data)
                except Exception:
                    import traceback
                    traceback.print_exc()

    def _stop(self):
        if not self._running:
            return
        self._running = False
        self._stopping = True
        if self._zthread is not None:
            self._threadEn = False
            if threading.current_thread() is not self._zthread:
                self._zthread.join(timeout=1.0)
        try:
            if self._zsub is not None:
                self._zsub.close(linger=0)
            self._zreq.close(linger=0)
            self._ctx.term()
        except Exception:
            pass

    def stop(self):
        self._stop()
