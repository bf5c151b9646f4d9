import pyrogue.interfaces
c = pyrogue.interfaces.SimpleClient(addr='127.0.0.1', port=9099)
c.getDisp('root.RogueVersion')                     # 'v6.15.0'
c.setDisp('root.AxiVersion.ScratchPad', '0x100')
c.valueDisp('root.AxiVersion.ScratchPad')          # '0x000100'

client = pyrogue.interfaces.VirtualClient(addr='127.0.0.1', port=9099)
client.root.AxiVersion.ScratchPad.set(0x100)
client.stop()
