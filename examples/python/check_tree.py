# Reads a variable of a served tree with pyzmq only: the request pyrogue's SimpleClient sends.
import pickle
import zmq

port = 9099                                  # the server's base port
ctx = zmq.Context()
req = ctx.socket(zmq.REQ)
req.setsockopt(zmq.RCVTIMEO, 5000)           # ms: fail instead of waiting forever
req.setsockopt(zmq.LINGER, 0)
req.connect('tcp://127.0.0.1:%d' % (port + 1))  # requests go to base + 1
req.send(pickle.dumps({'path': 'root.Supply.Voltage', 'attr': 'getDisp', 'args': (), 'kwargs': {}}))
print(pickle.loads(req.recv()))              # the value as text, e.g. 0.000 (an exception object if the path is wrong)
req.close()
ctx.term()
