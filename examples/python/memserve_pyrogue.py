import pyrogue
import rogue.interfaces.memory

class MyDevice(pyrogue.Device):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add(pyrogue.RemoteVariable(name='ScratchPad', offset=0x4, bitSize=32, base=pyrogue.UInt, mode='RW'))

root = pyrogue.Root(name='Lab', pollEn=False)
mem = rogue.interfaces.memory.TcpClient('127.0.0.1', 9000, True)   # `pyrogue-ts memserve --port 9000`
root.add(MyDevice(name='Dev', memBase=mem))
root.addInterface(mem)
root.start()
root.Dev.ScratchPad.set(0x1234)
print(hex(root.Dev.ScratchPad.get()))       # 0x1234, read back from pyrogue-ts's memory
root.stop()
