"""Clean-room stand-in for pyrogue.interfaces._Virtual (VirtualFactory,
VirtualNode, VirtualClient), compat tier.

Written from ../shared/spec/PROTOCOL.md §5.2 (node reduce) and §6.3
(VirtualClient startup, lazy loading, remote calls, updates, link monitor) for
the v6.15.0 client behaviour; not pyrogue's code.

Strictness (deliberately the same as the real client, never more forgiving):
* VirtualFactory(attrs) indexes attrs['funcs'] (each needing 'args' and
  'kwargs'), attrs['props'], attrs['bases'], attrs['class'], then
  attrs['name'|'description'|'expand'|'groups'|'guiGroup'|'path'|'nodes'] -> a
  missing key raises KeyError inside pickle.loads, which _remoteAttr turns into
  Exception("ZMQ Interface Exception: 'guiGroup'").
* Capabilities come only from exact class strings in attrs['bases']:
  "<class 'pyrogue._Command.BaseCommand'>" / "<class 'pyrogue._Process.Process'>"
  -> callable; "<class 'pyrogue._Root.Root'>" -> getNode/addVarListener;
  "<class 'pyrogue._Variable.BaseVariable'>" -> addListener/delListener.
* A reply that unpickles to an Exception instance is raised as is; any transport
  or unpickling failure becomes Exception("ZMQ Interface Exception: <e>").
"""
import os
import pickle
import threading
import time

import pyrogue as pr
import rogue.interfaces


class VirtualProperty(object):
    """Class-level descriptor: every read is a remote attribute request."""

    def __init__(self, node, attr):
        self._attr = attr
        self._node = node

    def __get__(self, obj=None, objtype=None):
        return self._node._client._remoteAttr(self._node._path, self._attr)

    def __set__(self, obj, value):
        pass


class VirtualMethod(object):
    """Callable stored on the node class: every call is a remote call."""

    def __init__(self, node, attr, info):
        self._attr = attr
        self._node = node
        self._args = info['args']
        self._kwargs = info['kwargs']

    def __call__(self, *args, **kwargs):
        return self._node._client._remoteAttr(self._node._path, self._attr, *args, **kwargs)


def _nodeCall(self, *args, **kwargs):
    return self._client._remoteAttr(self._path, '__call__', *args, **kwargs)


def VirtualFactory(data):
    """Build the client-side proxy for one node reduce dict (PROTOCOL.md §5.2)."""

    def __init__(self, data):
        cls = self.__class__
        for k, v in data['funcs'].items():
            setattr(cls, k, VirtualMethod(self, k, v))
        for k in data['props']:
            setattr(cls, k, VirtualProperty(self, k))
        if str(pr.BaseCommand) in data['bases'] or str(pr.Process) in data['bases']:
            cls.__call__ = _nodeCall
        if str(pr.Root) in data['bases']:
            cls.getNode = VirtualNode._getNode
            cls.addVarListener = VirtualNode._addVarListener
        if str(pr.BaseVariable) in data['bases']:
            cls.addListener = VirtualNode._addListener
            cls.delListener = VirtualNode._delListener
        VirtualNode.__init__(self, data)

    newclass = type('Virtual' + data['class'], (VirtualNode,), {'__init__': __init__})
    return newclass(data)


class VirtualNode(pr.Node):

    def __init__(self, attrs):
        super().__init__(name=attrs['name'],
                         description=attrs['description'],
                         expand=attrs['expand'],
                         groups=attrs['groups'],
                         guiGroup=attrs['guiGroup'])
        self._path = attrs['path']
        self._class = attrs['class']
        self._nodes = attrs['nodes']
        self._bases = attrs['bases']
        self._parent = None
        self._root = None
        self._client = None
        self._functions = []
        self._loadLock = threading.Lock()
        self._loaded = False
        self._log = pr.logInit(cls=self, name=self.name, path=self._path)

    # Unsupported local tree operations
    def addToGroup(self, group):
        raise pr.NodeError('addToGroup not supported in VirtualNode')

    def removeFromGroup(self, group):
        raise pr.NodeError('removeFromGroup not supported in VirtualNode')

    def add(self, node):
        raise pr.NodeError('add not supported in VirtualNode')

    def callRecursive(self, func, nodeTypes=None, **kwargs):
        raise pr.NodeError('callRecursive not supported in VirtualNode')

    def _ensureLoaded(self):
        if not self._loaded:
            with self._loadLock:
                if not self._loaded:
                    self._loadNodes()

    def __getattr__(self, name):
        if '_loaded' not in self.__dict__:
            raise AttributeError(name)
        self._ensureLoaded()
        return pr.Node.__getattr__(self, name)

    @property
    def nodes(self):
        self._ensureLoaded()
        return self._nodes

    def node(self, name, load=True):
        if load:
            self._ensureLoaded()
        if name in self._nodes:
            return self._nodes[name]
        return None

    def _addListener(self, listener):
        if listener not in self._functions:
            self._functions.append(listener)

    def _delListener(self, listener):
        if listener in self._functions:
            self._functions.remove(listener)

    def _addVarListener(self, func):
        self._client._addVarListener(func)

    def _loadNodes(self):
        # One `nodes` request per parent; the reply may contain children the
        # placeholder dict does not name (NoServe): those are ignored.
        for k, node in self._client._remoteAttr(self._path, 'nodes').items():
            if k in self._nodes:
                node._parent = self
                node._root = self._root
                node._client = self._client
                self._nodes[k] = node
                self._addArrayNode(node)
        self._loaded = True

    def _getNode(self, path, load=True):
        obj = self
        if '.' in path:
            lst = path.split('.')
            if lst[0] != self.name and lst[0] != 'root':
                return None
            for a in lst[1:]:
                if not hasattr(obj, 'node'):
                    return None
                obj = obj.node(a, load)
        elif path != self.name and path != 'root':
            return None
        return obj

    def isinstance(self, typ):
        return str(typ) in self._bases

    def _rootAttached(self, parent, root):
        raise pr.NodeError('_rootAttached not supported in VirtualNode')

    def _getDict(self, modes):
        raise pr.NodeError('_getDict not supported in VirtualNode')

    def _setDict(self, *args, **kwargs):
        raise pr.NodeError('_setDict not supported in VirtualNode')

    def printYaml(self, readFirst=False, modes=['RW', 'RO', 'WO'], incGroups=None, excGroups=['Hidden'], recurse=False):
        print(self.getYaml(readFirst=readFirst, modes=modes, incGroups=incGroups, excGroups=excGroups, recurse=recurse))

    def _doUpdate(self, val):
        for func in self._functions:
            func(self.path, val)


class VirtualClient(rogue.interfaces.ZmqClient):
    """Tree-capable client (one cached instance per (addr, port))."""

    ClientCache = {}

    @staticmethod
    def _defaultLinkTimeout():
        return float(os.getenv('ROGUE_VIRTUAL_LINK_TIMEOUT', '10.0'))

    @staticmethod
    def _defaultRequestStallTimeout():
        value = os.getenv('ROGUE_VIRTUAL_REQUEST_STALL_TIMEOUT')
        if value is None or value == '':
            return None
        stall = float(value)
        return None if stall <= 0 else stall

    @staticmethod
    def _defaultConnectTimeout():
        return max(0.1, float(os.getenv('ROGUE_VIRTUAL_CONNECT_TIMEOUT', '5.0')))

    def __new__(cls, addr='localhost', port=9099, linkTimeout=None, requestStallTimeout=None):
        key = hash((addr, port))
        if key in cls.ClientCache:
            return cls.ClientCache[key]
        return super().__new__(cls, addr, port)

    def __init__(self, addr='localhost', port=9099, linkTimeout=None, requestStallTimeout=None):
        if getattr(self, '_vcInitialized', False):
            if linkTimeout is not None or requestStallTimeout is not None:
                self.setTimeoutConfig(linkTimeout=linkTimeout, requestStallTimeout=requestStallTimeout)
            return

        self._cacheKey = hash((addr, port))
        self._monEnable = False
        self._monThread = None
        self._vcInitialized = True
        VirtualClient.ClientCache[self._cacheKey] = self

        try:
            rogue.interfaces.ZmqClient.__init__(self, addr, port, False)
        except Exception:
            self._removeFromCache()
            self._vcInitialized = False
            raise

        self._varListeners = []
        self._monitors = []
        self._root = None
        self._link = False
        self._ltime = time.time()
        self._reqLock = threading.Lock()
        self._reqCount = 0
        self._reqSince = None
        self._linkTimeout = self._defaultLinkTimeout()
        self._requestStallTimeout = self._defaultRequestStallTimeout()
        self.setTimeoutConfig(linkTimeout=linkTimeout, requestStallTimeout=requestStallTimeout)
        self._log = pr.logInit(cls=self, name='VirtualClient', path=None)

        # Handshake: bounded retries of __ROOT__ with a 1 s fail-fast timeout.
        self.setTimeout(1000, 1000)
        try:
            self._root = self._waitForRoot()
        except Exception as e:
            self._cleanupFailedInit()
            raise ConnectionError(
                f'\n\nFailed to connect to {addr}:{port}!\n\n'
                'Possible causes for the issue:\n'
                '- ZeroMQ Server not included in the root class\n'
                '- Root process not running\n'
                '- Mismatch between Client address and Server address\n'
                '- Mismatch between Client port and Server port\n'
                '- Server ports being blocked\n') from e

        print('Connected to {} at {}:{}'.format(self._root.name, addr, port))
        self.setTimeout(1000, 0)

        self._root._parent = self._root
        self._root._root = self._root
        self._root._client = self

        setattr(self, self._root.name, self._root)

        self._link = True
        self._ltime = self._root.Time.value()

        self._monEnable = True
        self._monThread = threading.Thread(target=self._monWorker)
        self._monThread.start()

    def _removeFromCache(self):
        if VirtualClient.ClientCache.get(getattr(self, '_cacheKey', None)) is self:
            del VirtualClient.ClientCache[self._cacheKey]

    def _cleanupFailedInit(self):
        self._monEnable = False
        self._removeFromCache()
        self._vcInitialized = False
        try:
            rogue.interfaces.ZmqClient._stop(self)
        except Exception:
            pass

    def _waitForRoot(self):
        deadline = time.monotonic() + self._defaultConnectTimeout()
        last = None
        while time.monotonic() < deadline:
            try:
                return self._remoteAttr('__ROOT__', None)
            except Exception as exc:
                last = exc
        if last is not None:
            raise last
        raise Exception('Timed out waiting for initial root handshake')

    # ------------------------------------------------------------ link state
    def addLinkMonitor(self, function):
        if function not in self._monitors:
            self._monitors.append(function)

    def remLinkMonitor(self, function):
        if function in self._monitors:
            self._monitors.remove(function)

    @property
    def linked(self):
        return self._link

    @property
    def linkTimeout(self):
        return self._linkTimeout

    @property
    def requestStallTimeout(self):
        return self._requestStallTimeout

    def setTimeoutConfig(self, *, linkTimeout=None, requestStallTimeout=None):
        if linkTimeout is not None:
            self._linkTimeout = float(linkTimeout)
        if requestStallTimeout is not None:
            stall = float(requestStallTimeout)
            self._requestStallTimeout = None if stall <= 0 else stall

    def _monWorker(self):
        while self._monEnable:
            time.sleep(1)
            self._checkLinkState()

    def _setLink(self, state, message):
        self._link = state
        self._log.warning(message)
        for mon in list(self._monitors):
            mon(self._link)

    def _requestStart(self):
        with self._reqLock:
            if self._reqCount == 0:
                self._reqSince = time.time()
            self._reqCount += 1

    def _requestDone(self, success):
        with self._reqLock:
            self._reqCount = max(0, self._reqCount - 1)
            if self._reqCount == 0:
                self._reqSince = None
        if success:
            self._ltime = time.time()
            if not self._link and self._root is not None:
                self._setLink(True, f'I have finally heard from {self._root.name}. All is good!')

    def _requestPending(self):
        with self._reqLock:
            return self._reqCount > 0

    def _requestAge(self):
        with self._reqLock:
            if self._reqCount == 0 or self._reqSince is None:
                return None
            return time.time() - self._reqSince

    def _checkLinkState(self):
        delta = time.time() - self._ltime
        if self._link and delta > self._linkTimeout:
            if self._requestPending():
                age = self._requestAge()
                if self._requestStallTimeout is None or age is None or age <= self._requestStallTimeout:
                    return
                self._setLink(False, f'Request has been pending for {age:0.1f} seconds without updates. '
                                     f'Declaring link to {self._root.name} stalled.')
                return
            self._setLink(False, f'I have not heard from {self._root.name} in {self._linkTimeout:0.1f} seconds. '
                                 'It may be busy, continuing to wait...')
        elif (not self._link) and delta < self._linkTimeout:
            self._setLink(True, f'I have finally heard from {self._root.name}. All is good!')

    # --------------------------------------------------------------- requests
    def _remoteAttr(self, path, attr, *args, **kwargs):
        self._requestStart()
        try:
            ret = pickle.loads(self._send(pickle.dumps({'path': path, 'attr': attr, 'args': args, 'kwargs': kwargs})))
            self._requestDone(True)
        except Exception as e:
            self._requestDone(False)
            raise Exception(f'ZMQ Interface Exception: {e}')
        if isinstance(ret, Exception):
            raise ret
        return ret

    def _addVarListener(self, func):
        if func not in self._varListeners:
            self._varListeners.append(func)

    def _doUpdate(self, data):
        self._ltime = time.time()
        if self._root is None:
            return
        d = pickle.loads(data)
        for k, val in d.items():
            n = self._root.getNode(k, False)
            if n is not None:
                n._doUpdate(val)
            for func in self._varListeners:
                func(k, val)

    def stop(self):
        self._monEnable = False

    @property
    def root(self):
        return self._root

    def __hash__(self):
        return hash((self._zAddr, self._zPort))

    def __eq__(self, other):
        return (self._zAddr, self._zPort) == (other._zAddr, other._zPort)

    def __ne__(self, other):
        return not (self == other)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.stop()
