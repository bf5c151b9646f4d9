#!/usr/bin/env python3
"""A surf-like lab tree (test input, written here in the style of slaclab/surf devices):
two FPGA boards on memory spaces of their own, a version device, an ADC with many
registers, bit fields, enums, a multi-offset register, list registers, a temperature
LinkVariable, commands that touch registers, a device class hierarchy, and local
configuration variables. Served by real pyrogue's ZmqServer."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import add_server, filled_memory, serve  # noqa: E402
import numpy as np  # noqa: E402
import pyrogue as pr  # noqa: E402


class AxiVersionLike(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(description='AXI-Lite version module', **kwargs)
        self.add(pr.RemoteVariable(name='FpgaVersion', offset=0x00, bitSize=32, mode='RO', disp='{:#08x}', description='FPGA firmware version'))
        self.add(pr.RemoteVariable(name='ScratchPad', offset=0x04, bitSize=32, mode='RW', disp='{:#08x}'))
        self.add(pr.RemoteVariable(name='UpTimeCnt', offset=0x08, bitSize=32, mode='RO', disp='{:d}', units='seconds', pollInterval=1))
        self.add(pr.RemoteVariable(name='FdSerial', offset=0x300, bitSize=64, mode='RO', base=pr.UInt))
        self.add(pr.RemoteVariable(name='BuildStamp', offset=0x800, bitSize=8 * 64, mode='RO', base=pr.String))
        self.add(pr.RemoteVariable(name='GitHash', offset=0x600, bitSize=160, mode='RO', hidden=True))
        self.add(pr.LinkVariable(name='GitHashShort', mode='RO', dependencies=[self.GitHash], disp='{:07x}',
                                 linkedGet=lambda: self.GitHash.value() >> 132))
        self.add(pr.RemoteCommand(name='FpgaReload', offset=0x104, bitSize=1, function=pr.RemoteCommand.touchOne))
        self.add(pr.RemoteCommand(name='UserRst', offset=0x10C, bitSize=1, function=pr.RemoteCommand.toggle))


class AdcConfigBase(pr.Device):
    """A base class of the ADC devices (the tree has a class hierarchy)."""
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add(pr.RemoteVariable(name='ChipId', offset=0x0, bitSize=8, mode='RO'))
        self.add(pr.RemoteVariable(name='ChipGrade', offset=0x0, bitOffset=8, bitSize=4, mode='RO'))


class Ad9249Config(AdcConfigBase):
    def __init__(self, channels=8, **kwargs):
        super().__init__(description='Quad ADC configuration', **kwargs)
        self.add(pr.RemoteVariable(name='PowerMode', offset=0x20, bitSize=2, mode='RW',
                                   enum={0: 'Normal', 1: 'FullPowerDown', 2: 'Standby', 3: 'Reserved'}))
        self.add(pr.RemoteVariable(name='OutputFormat', offset=0x24, bitSize=1, bitOffset=0, mode='RW',
                                   enum={0: 'OffsetBinary', 1: 'TwosComplement'}))
        self.add(pr.RemoteVariable(name='OutputInvert', offset=0x24, bitSize=1, bitOffset=2, mode='RW', base=pr.Bool))
        self.add(pr.RemoteVariable(name='DutyCycleStab', offset=0x24, bitSize=1, bitOffset=3, mode='RW', base=pr.Bool))
        self.add(pr.RemoteVariable(name='SplitField', offset=[0x28, 0x2C], bitOffset=[0, 0], bitSize=[8, 8], mode='RW'))
        self.add(pr.RemoteVariable(name='TestPattern', offset=0x30, bitSize=4, mode='RW',
                                   enum={0: 'Off', 1: 'MidScale', 2: 'PosFS', 3: 'NegFS', 4: 'Checker', 5: 'PN23', 6: 'PN9', 7: 'OneZero'}))
        for i in range(channels):
            self.add(pr.RemoteVariable(name=f'DelayAdc[{i}]', offset=0x100 + 4 * i, bitSize=5, mode='RW', disp='{:d}',
                                       description=f'IDELAY of channel {i}'))
            self.add(pr.RemoteVariable(name=f'Offset[{i}]', offset=0x140 + 4 * i, bitSize=16, mode='RW', base=pr.Int,
                                       minimum=-1000, maximum=1000))
            self.add(pr.RemoteVariable(name=f'Gain[{i}]', offset=0x180 + 4 * i, bitSize=16, mode='RW', base=pr.UFixed(16, 12)))
        self.add(pr.RemoteVariable(name='Samples', offset=0x400, bitSize=32, numValues=16, valueBits=16, valueStride=16,
                                   mode='RO', base=pr.UInt))
        self.add(pr.RemoteVariable(name='Coeffs', offset=0x440, bitSize=32, numValues=8, valueBits=32, valueStride=32,
                                   mode='RW', base=pr.Float))
        self.add(pr.RemoteVariable(name='TempRaw', offset=0x500, bitSize=12, mode='RO', hidden=True))
        self.add(pr.LinkVariable(name='Temperature', mode='RO', units='degC', disp='{:1.2f}', dependencies=[self.TempRaw],
                                 linkedGet=lambda read=True: self.TempRaw.get(read=read) * 503.975 / 4096.0 - 273.15,
                                 highWarning=70.0, highAlarm=85.0))
        self.add(pr.RemoteVariable(name='Vref', offset=0x504, bitSize=32, mode='RW', base=pr.Float, units='V', disp='{:1.4f}'))
        self.add(pr.RemoteCommand(name='SoftReset', offset=0x600, bitSize=1, function=pr.RemoteCommand.toggle,
                                  description='Soft reset of the chip'))
        self.add(pr.LocalCommand(name='LoadDefaults', description='Write the default settings',
                                 function=lambda: self.PowerMode.set(0)))


class Board(pr.Device):
    def __init__(self, **kwargs):
        super().__init__(expand=True, **kwargs)
        self.add(AxiVersionLike(name='AxiVersion', offset=0x0000))
        for i in range(2):
            self.add(Ad9249Config(name=f'Adc[{i}]', offset=0x1000 * (i + 1), channels=4 + 4 * i))
        self.add(pr.LocalVariable(name='RunMode', value=1, mode='RW', enum={0: 'Idle', 1: 'Run', 2: 'Calibrate'}))
        self.add(pr.LocalVariable(name='Threshold', value=12.5, mode='RW', units='mV', minimum=0.0, maximum=100.0))
        self.add(pr.LocalVariable(name='Label', value='board', mode='RW'))
        self.add(pr.LocalVariable(name='Mask', value=np.array([1, 0, 1, 1], dtype=np.uint8), mode='RW'))
        self.add(pr.LocalVariable(name='Pedestals', value=np.zeros((2, 3), dtype=np.float32), mode='RW'))
        self.add(pr.LocalVariable(name='Tags', value={'a': 1, 2: 'two'}, mode='RW', hidden=True))
        self.add(pr.LocalVariable(name='Window', value=(0, 100), mode='RW', typeCheck=False))
        self.add(pr.LocalCommand(name='Arm', value=0, retValue=0, function=lambda arg: arg + 1, description='Arm with a count'))


class SurfLikeRoot(pr.Root):
    def __init__(self, port=0):
        super().__init__(name='Lab', description='A surf-like lab tree', pollEn=False, timeout=2.0, initRead=True)
        for i in range(2):
            mem = filled_memory(seed=10 + i, patches=[(0x800, f'surf-like build {i} 2026-01-01'.encode().ljust(64, b'\0'))])
            self.addInterface(mem)
            self.add(Board(name=f'Fpga[{i}]', memBase=mem, offset=0x0))
        add_server(self, port)


if __name__ == '__main__':
    from surf_like import SurfLikeRoot as Served  # classes report module 'surf_like'
    serve(Served)
