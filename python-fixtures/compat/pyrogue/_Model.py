"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.3; not pyrogue's code.

The `base` property of a RemoteVariable is a pickled pyrogue._Model instance
(NEWOBJ of the class + BUILD with its attribute dict: name, bitSize, binPoint,
ndType, ...). These plain classes let such replies load; they carry no
conversion logic."""

__all__ = ['Model', 'UInt', 'UIntBE', 'UIntReversed', 'Int', 'IntBE', 'Bool', 'String',
           'Float', 'FloatBE', 'Double', 'DoubleBE', 'Fixed', 'UFixed',
           'Float16', 'Float16BE', 'Float8', 'Float8BE', 'BFloat16', 'BFloat16BE',
           'TensorFloat32', 'TensorFloat32BE', 'Float6', 'Float6BE', 'Float4', 'Float4BE']


class Model(object):
    def __repr__(self):
        return f"{self.__class__.__name__}({self.__dict__.get('name', '')})"


class UInt(Model):
    pass


class UIntBE(UInt):
    pass


class UIntReversed(UInt):
    pass


class Int(UInt):
    pass


class IntBE(Int):
    pass


class Bool(Model):
    pass


class String(Model):
    pass


class Float(Model):
    pass


class FloatBE(Float):
    pass


class Double(Float):
    pass


class DoubleBE(Double):
    pass


class Fixed(Model):
    pass


class UFixed(Model):
    pass


class Float16(Model):
    pass


class Float16BE(Float16):
    pass


class Float8(Model):
    pass


class Float8BE(Float8):
    pass


class BFloat16(Model):
    pass


class BFloat16BE(BFloat16):
    pass


class TensorFloat32(Model):
    pass


class TensorFloat32BE(TensorFloat32):
    pass


class Float6(Model):
    pass


class Float6BE(Float6):
    pass


class Float4(Model):
    pass


class Float4BE(Float4):
    pass
