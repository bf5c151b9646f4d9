#!/usr/bin/env python3
"""A DAQ-like lab tree (test input): the models of rogue v6.15 other than the
newest floats (UInt/UIntBE/UIntReversed/Int/IntBE/Bool/String/Float/FloatBE/
Double/DoubleBE/Fixed/UFixed), a RemoteVariable subclass, a device class with an
exposed property and function of its own, a Process subclass, LinkVariables that
can be set, registers spread over several offsets, overlapping fields, registers
without verify or bulk access, a device with its own memory below another one,
a NoServe device, GUI groups and fractional poll intervals."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import add_server, filled_memory, serve  # noqa: E402
import numpy as np  # noqa: E402
import pyrogue as pr  # noqa: E402


class StatusRegister(pr.RemoteVariable):
    """A lab's own register class (read-only status, shown in hex)."""
    def __init__(self, **kwargs):
        super().__init__(mode='RO', disp='{:#x}', **kwargs)


class Timing(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(description='Timing receiver', **kwargs)
        self.add(StatusRegister(name='LinkStatus', offset=0x0, bitSize=16))
        self.add(StatusRegister(name='RxErrors', offset=0x4, bitSize=32, pollInterval=0.5))
        self.add(pr.RemoteVariable(name='Delay', offset=0x8, bitSize=16, mode='RW', base=pr.UIntBE, units='ticks'))
        self.add(pr.RemoteVariable(name='TriggerMask', offset=0xC, bitSize=32, mode='RW', base=pr.UIntReversed))
        self.add(pr.RemoteVariable(name='Skew', offset=0x10, bitSize=16, mode='RW', base=pr.IntBE, disp='{:d}'))
        self.add(pr.RemoteVariable(name='Period', offset=0x14, bitSize=32, mode='RW', base=pr.Float, units='us', disp='{:.3f}'))
        self.add(pr.RemoteVariable(name='PeriodBE', offset=0x18, bitSize=32, mode='RW', base=pr.FloatBE))
        self.add(pr.RemoteVariable(name='Clock', offset=0x20, bitSize=64, mode='RW', base=pr.Double, units='Hz'))
        self.add(pr.RemoteVariable(name='ClockBE', offset=0x28, bitSize=64, mode='RW', base=pr.DoubleBE))
        self.add(pr.RemoteVariable(name='Phase', offset=0x30, bitSize=18, mode='RW', base=pr.Fixed(18, 16), disp='{:.5f}'))
        self.add(pr.RemoteVariable(name='Enable', offset=0x34, bitSize=1, bitOffset=0, mode='RW', base=pr.Bool, overlapEn=True))
        self.add(pr.RemoteVariable(name='Mode', offset=0x34, bitSize=3, bitOffset=4, mode='RW',
                                   enum={0: 'Off', 1: 'Internal', 2: 'External', 3: 'Fiber', 7: 'Test'}, overlapEn=True))
        self.add(pr.RemoteVariable(name='ModeRaw', offset=0x34, bitSize=8, bitOffset=0, mode='RO', overlapEn=True, hidden=True))
        self.add(pr.RemoteVariable(name='Wide', offset=[0x40, 0x48], bitOffset=[0, 4], bitSize=[32, 20], mode='RW', disp='{:#x}'))
        self.add(pr.RemoteVariable(name='Marker', offset=0x50, bitSize=32, mode='RW', verify=False))
        self.add(pr.RemoteVariable(name='Counter', offset=0x54, bitSize=32, mode='RO', bulkOpEn=False))
        self.add(pr.RemoteVariable(name='FwName', offset=0x60, bitSize=8 * 16, mode='RO', base=pr.String))
        self.add(pr.RemoteVariable(name='ResetCount', offset=0x70, bitSize=32, mode='WO'))
        self.add(pr.RemoteVariable(name='History', offset=0x100, bitSize=32, numValues=8, valueBits=12, valueStride=16,
                                   mode='RO', base=pr.Int))
        self.add(pr.LinkVariable(name='DelayNs', mode='RW', units='ns', disp='{:.1f}', dependencies=[self.Delay],
                                 linkedGet=lambda read=True: self.Delay.get(read=read) * 2.5,
                                 linkedSet=lambda value, write=True: self.Delay.set(int(value / 2.5), write=write)))
        self.add(pr.LinkVariable(name='ModeName', variable=self.Mode))

    @pr.expose
    @property
    def firmwareTag(self):
        return 'timing-v2'

    @pr.expose
    def lockCount(self, window, *, verbose=False):
        return 0


class Calibration(pr.Process):
    def __init__(self, **kwargs):
        super().__init__(description='Runs a calibration sweep', function=self._sweep, **kwargs)
        self.add(pr.LocalVariable(name='Points', value=16, mode='RW', minimum=1, maximum=1024))
        self.add(pr.LocalVariable(name='Result', value=np.zeros(4, dtype=np.float64), mode='RO'))

    def _sweep(self):
        pass


class Daq(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add(Timing(name='Timing', offset=0x0))
        self.add(Timing(name='TimingAux', offset=0x400, guiGroup='Aux', enabled=False))
        self.add(Calibration(name='Calibration'))
        self.add(pr.LocalVariable(name='RunNumber', value=1234, mode='RW', disp='{:06d}'))
        self.add(pr.LocalVariable(name='Operator', value='', mode='RW', description='Who runs it'))
        self.add(pr.LocalVariable(name='Rate', value=0.0, mode='RO', units='Hz', lowWarning=1.0, lowAlarm=0.5, pollInterval=2))
        self.add(pr.LocalVariable(name='Flags', value=[True, False, True], mode='RW'))
        self.add(pr.LocalVariable(name='Debug', value=False, mode='RW', groups=['NoConfig', 'Expert']))
        self.add(pr.LocalVariable(name='Secret', value=3, mode='RW', groups=['NoServe']))
        self.add(pr.LocalCommand(name='StartRun', description='Start a run', function=lambda: None))
        self.add(pr.LocalCommand(name='SetLabel', value='', retValue='', function=lambda arg: arg.upper()))


class Sensor(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add(pr.RemoteVariable(name='Reading', offset=0x0, bitSize=16, mode='RO', base=pr.UFixed(16, 8), units='V'))
        self.add(pr.RemoteVariable(name='Config', offset=0x4, bitSize=8, mode='RW'))


class DaqLikeRoot(pr.Root):
    def __init__(self, port=0):
        super().__init__(name='Daq', description='A DAQ-like lab tree', pollEn=False, timeout=2.0, initRead=True)
        mem = filled_memory(seed=3, patches=[(0x60, b'timing-fw\0'.ljust(16, b'\0')), (0x460, b'aux-fw\0'.ljust(16, b'\0'))])
        self.addInterface(mem)
        daq = Daq(name='Daq', memBase=mem, offset=0x0)
        self.add(daq)
        sensorMem = filled_memory(size=0x1000, seed=4)
        self.addInterface(sensorMem)
        daq.add(Sensor(name='Sensor', memBase=sensorMem, offset=0x0))
        hidden = pr.Device(name='Internal', groups=['NoServe'])
        hidden.add(pr.LocalVariable(name='State', value=0, mode='RW'))
        self.add(hidden)
        add_server(self, port)


if __name__ == '__main__':
    from daq_like import DaqLikeRoot as Served
    serve(Served)
