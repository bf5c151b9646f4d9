import pyrogue.interfaces
c = pyrogue.interfaces.SimpleClient(addr='127.0.0.1', port=9099)
c.set('root.Supply.Voltage', 12.0)           # a float: 12.0, not 12
c.setDisp('root.Supply.Voltage', '12.5')     # setDisp parses the text: '12' would be an int
try:
    c.set('root.Supply.Voltage', 12)         # an int: refused, as pyrogue refuses it
except Exception as e:
    print(e)                                 # ... Type mismatch for Lab.Supply.Voltage: expected <class 'float'>, got <class 'int'> ...

client = pyrogue.interfaces.VirtualClient(addr='127.0.0.1', port=9099)
client.root.Supply.Voltage.set(12.0)
client.stop()
