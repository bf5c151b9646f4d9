#!/usr/bin/env python3
"""A tree of rogue v6.15's newest float models (test input): Float16, Float8 (E4M3),
BFloat16, TensorFloat32, Float6 (E3M2), Float4 (E2M1) and their big-endian forms,
as registers and as a list register, next to the older Float/Double. Served by real
pyrogue's ZmqServer; its snapshot is served through src/tree/model.ts's models."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import add_server, filled_memory, serve  # noqa: E402
import pyrogue as pr  # noqa: E402

MODELS = [('Float16', 16), ('Float16BE', 16), ('Float8', 8), ('Float8BE', 8), ('BFloat16', 16), ('BFloat16BE', 16),
          ('TensorFloat32', 32), ('TensorFloat32BE', 32), ('Float6', 8), ('Float6BE', 8), ('Float4', 8), ('Float4BE', 8)]


class Accelerator(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(description='Registers of every reduced-precision float model', **kwargs)
        for i, (name, bits) in enumerate(MODELS):
            self.add(pr.RemoteVariable(name=name, offset=4 * i, bitSize=bits, mode='RW', base=getattr(pr, name)))
        self.add(pr.RemoteVariable(name='Weights', offset=0x100, bitSize=16 * 8, numValues=8, valueBits=16, valueStride=16,
                                   mode='RW', base=pr.Float16))
        self.add(pr.RemoteVariable(name='Scale', offset=0x200, bitSize=32, mode='RW', base=pr.Float, disp='{:.4f}'))
        self.add(pr.RemoteVariable(name='Bias', offset=0x208, bitSize=64, mode='RW', base=pr.Double))


class FloatZooRoot(pr.Root):
    def __init__(self, port=0):
        super().__init__(name='Zoo', description='Float models', pollEn=False, timeout=2.0, initRead=True)
        mem = filled_memory(size=0x1000, seed=7)
        self.addInterface(mem)
        self.add(Accelerator(name='Accel', memBase=mem, offset=0x0))
        add_server(self, port)


if __name__ == '__main__':
    from float_zoo import FloatZooRoot as Served
    serve(Served)
