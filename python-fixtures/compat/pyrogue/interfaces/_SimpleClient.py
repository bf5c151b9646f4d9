"""Clean-room stand-in for pyrogue.interfaces.SimpleClient (compat tier).

Written from ../shared/spec/PROTOCOL.md §6.1 (v6.15 behaviour); not
pyrogue's code. pyzmq only:
  REQ  -> tcp://addr:port+1, no timeout (waits for ever, one reply per request),
          send_pyobj / recv_pyobj (pickle.DEFAULT_PROTOCOL);
  SUB  -> tcp://addr:port when `cb` is given; a listener thread calls
          cb(path, VariableValue) for every entry of every publish dict. Only
          ZMQError ends the thread quietly; an undecodable publish kills it (as
          in v6.15).
Difference: the listener polls (100 ms) so that _stop() can end it before
closing its socket; v6.15 closes the socket under the blocked thread, which
does not wake it with Debian's pyzmq 24 / libzmq 4.3.4 (the process would hang).
Errors: transport/decode failures -> Exception("ZMQ Interface Exception: <e>")
(an empty reply -> "ZMQ Interface Exception: Ran out of input"); a reply that
is an Exception instance is raised."""
import threading

import zmq


class SimpleClient(object):

    def __init__(self, addr='localhost', port=9099, cb=None):
        sport = port
        rport = port + 1
        self._ctx = zmq.Context()
        self._req = self._ctx.socket(zmq.REQ)
        self._req.connect(f'tcp://{addr}:{rport}')
        if cb:
            self._cb = cb
            self._sub = self._ctx.socket(zmq.SUB)
            self._sub.connect(f'tcp://{addr}:{sport}')
            self._runEn = True
            self._subThread = threading.Thread(target=self._listen)
            self._subThread.start()

    def _stop(self):
        # The listener polls with a 100 ms timeout and checks _runEn, so it is
        # stopped and joined BEFORE its socket is closed (closing a socket that
        # another thread is blocked in does not wake it with this pyzmq/libzmq).
        self._runEn = False
        thr = getattr(self, '_subThread', None)
        if thr is not None and thr.is_alive() and threading.current_thread() is not thr:
            thr.join(timeout=1.0)
        sub = getattr(self, '_sub', None)
        if sub is not None:
            try:
                sub.close(linger=0)
            except Exception:
                pass
        try:
            self._req.close(linger=0)
        except Exception:
            pass
        try:
            self._ctx.term()
        except Exception:
            pass

    def _listen(self):
        self._sub.setsockopt(zmq.SUBSCRIBE, b'')
        while self._runEn:
            try:
                if not self._sub.poll(100):
                    continue
                d = self._sub.recv_pyobj()
            except zmq.error.ZMQError:
                return
            for k, val in d.items():
                self._cb(k, val)

    def _remoteAttr(self, path, attr, *args, **kwargs):
        msg = {'path': path, 'attr': attr, 'args': args, 'kwargs': kwargs}
        try:
            self._req.send_pyobj(msg)
            resp = self._req.recv_pyobj()
        except Exception as e:
            raise Exception(f'ZMQ Interface Exception: {e}')
        if isinstance(resp, Exception):
            raise resp
        return resp

    def get(self, path):
        return self._remoteAttr(path, 'get')

    def getDisp(self, path):
        return self._remoteAttr(path, 'getDisp')

    def value(self, path):
        return self._remoteAttr(path, 'value')

    def valueDisp(self, path):
        return self._remoteAttr(path, 'valueDisp')

    def set(self, path, value):
        return self._remoteAttr(path, 'set', value)

    def setDisp(self, path, value):
        return self._remoteAttr(path, 'setDisp', value)

    def exec(self, path, arg=None):
        return self._remoteAttr(path, '__call__', arg)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self._stop()
