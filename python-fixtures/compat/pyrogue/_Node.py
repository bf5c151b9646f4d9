"""Clean-room stand-in (compat tier) for pyrogue's Node base class, as far as a
client-side VirtualNode relies on it. Written from ../shared/spec/PROTOCOL.md
§5.2/§6.3 and pyrogue's documented node semantics; not pyrogue's code.

Behaviour kept: name/description/groups/path/expand/guiGroup/hidden,
children by attribute (`node.Child`), array children (`Chan[0]`, `Chan[1]` ...
also reachable as `node.Chan[1]`), `nodes`, `node(name)`, `getNodes`,
`variables`/`commands`/`devices`, group filtering, and
AttributeError('<node> has no attribute <name>') for unknown names."""
import logging
import re
import sys
from collections import OrderedDict


def logInit(cls=None, name=None, path=None):
    """Logger named like pyrogue's: pyrogue[.Kind].<Class>[.<path or name>]."""
    logging.basicConfig(format='%(levelname)s:%(name)s:%(message)s', stream=sys.stdout)
    ln = 'pyrogue'
    if cls is not None:
        import pyrogue as pr
        for typ, tag in ((pr.BaseCommand, 'Command'), (pr.BaseVariable, 'Variable'),
                         (pr.Root, 'Root'), (pr.Device, 'Device')):
            if isinstance(cls, typ):
                ln += '.' + tag
                break
        ln += '.' + cls.__class__.__name__
    if path is not None:
        ln += '.' + path
    elif name is not None:
        ln += '.' + name
    return logging.getLogger(ln)


def expose(item):
    """Kept for API completeness; marks a method/property as exposed."""
    target = getattr(item, 'fget', item)
    target._rogueExposed = True
    return item


class NodeError(Exception):
    pass


class Node(object):

    def __init__(self, *, name, description='', expand=True, hidden=False, groups=None, guiGroup=None):
        self._name = name
        self._description = description
        self._path = name
        self._expand = expand
        self._guiGroup = guiGroup
        self._parent = None
        self._root = None
        self._nodes = OrderedDict()
        self._anodes = OrderedDict()
        self._log = logInit(cls=self, name=name)
        if groups is None:
            self._groups = []
        elif isinstance(groups, list):
            self._groups = groups
        else:
            self._groups = [groups]
        if hidden is True:
            self.addToGroup('Hidden')

    def __repr__(self):
        return f'{self.__class__} - {self.path}'

    # ------------------------------------------------------------ attributes
    @property
    def name(self):
        return self._name

    @property
    def description(self):
        return self._description

    @property
    def groups(self):
        return self._groups

    @property
    def path(self):
        return self._path

    @property
    def expand(self):
        return self._expand

    @property
    def guiGroup(self):
        return self._guiGroup

    @property
    def hidden(self):
        return self.inGroup('Hidden')

    @property
    def parent(self):
        return self._parent

    @property
    def root(self):
        return self._root

    def inGroup(self, group):
        if isinstance(group, list):
            return len(set(group) & set(self._groups)) > 0
        return group in self._groups

    def filterByGroup(self, incGroups, excGroups):
        return ((incGroups is None) or (len(incGroups) == 0) or self.inGroup(incGroups)) and \
               ((excGroups is None) or (len(excGroups) == 0) or (not self.inGroup(excGroups)))

    def addToGroup(self, group):
        if group not in self._groups:
            self._groups.append(group)
        for v in self._nodes.values():
            v.addToGroup(group)

    def removeFromGroup(self, group):
        if group in self._groups:
            self._groups.remove(group)

    # ------------------------------------------------------------- children
    def __getattr__(self, name):
        d = self.__dict__
        if '_nodes' not in d or '_anodes' not in d:
            raise AttributeError(name)
        if name in d['_nodes']:
            return d['_nodes'][name]
        if name in d['_anodes']:
            return d['_anodes'][name]
        raise AttributeError('{} has no attribute {}'.format(self, name))

    def __dir__(self):
        return super().__dir__() + list(self.__dict__.get('_nodes', {}).keys())

    def _addArrayNode(self, node):
        fields = re.split(r'\]\[|\[|\]', node.name)
        if len(fields) < 3:
            return
        aname = fields[0]
        keys = fields[1:-1]
        if not all(k.isdigit() for k in keys):
            self._log.warning('Array node {} with non numeric key will cause lookup errors.'.format(node.name))
            return
        sub = self._anodes.setdefault(aname, {})
        for i, key in enumerate(keys):
            k = int(key)
            if i == len(keys) - 1:
                if k in sub:
                    raise NodeError('Error adding node with name %s to %s. Name collision.' % (node.name, self.name))
                sub[k] = node
                return
            if k not in sub:
                sub[k] = {}
            elif isinstance(sub[k], Node):
                raise NodeError('Error adding node with name %s to %s. Name collision.' % (node.name, self.name))
            sub = sub[k]

    @property
    def nodes(self):
        return self._nodes

    def node(self, name):
        return self._nodes.get(name)

    @property
    def nodeList(self):
        lst = []
        for v in self.nodes.values():
            lst.append(v)
            lst.extend(v.nodeList)
        return lst

    def isinstance(self, typ):
        return isinstance(self, typ)

    def getNodes(self, typ, excTyp=None, incGroups=None, excGroups=None):
        return OrderedDict([(k, n) for k, n in self.nodes.items()
                            if n.isinstance(typ) and ((excTyp is None) or (not n.isinstance(excTyp)))
                            and n.filterByGroup(incGroups, excGroups)])

    @property
    def variables(self):
        import pyrogue as pr
        return self.getNodes(typ=pr.BaseVariable, excTyp=pr.BaseCommand)

    def variablesByGroup(self, incGroups=None, excGroups=None):
        import pyrogue as pr
        return self.getNodes(typ=pr.BaseVariable, excTyp=pr.BaseCommand, incGroups=incGroups, excGroups=excGroups)

    @property
    def commands(self):
        import pyrogue as pr
        return self.getNodes(typ=pr.BaseCommand)

    def commandsByGroup(self, incGroups=None, excGroups=None):
        import pyrogue as pr
        return self.getNodes(typ=pr.BaseCommand, incGroups=incGroups, excGroups=excGroups)

    @property
    def devices(self):
        import pyrogue as pr
        return self.getNodes(typ=pr.Device)

    def devicesByGroup(self, incGroups=None, excGroups=None):
        import pyrogue as pr
        return self.getNodes(typ=pr.Device, incGroups=incGroups, excGroups=excGroups)

    @property
    def isDevice(self):
        import pyrogue as pr
        return self.isinstance(pr.Device)

    @property
    def isVariable(self):
        import pyrogue as pr
        return self.isinstance(pr.BaseVariable) and not self.isinstance(pr.BaseCommand)

    @property
    def isCommand(self):
        import pyrogue as pr
        return self.isinstance(pr.BaseCommand)
