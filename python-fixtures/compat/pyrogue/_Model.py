"""Clean-room stand-in (compat tier), written from PROTOCOL.md §5.3; not pyrogue's code.

The `base` property of a RemoteVariable is a pickled pyrogue._Model instance
(NEWOBJ of the class + BUILD with its attribute dict: name, bitSize, binPoint,
ndType, ...). These plain classes let such replies load; they carry no
conversion logic."""

__all__ = ['Model', 'UInt', 'UIntBE', 'UIntReversed', 'Int', 'IntBE', 'Bool', 'String',
           'Float', 'FloatBE', 'Double', 'DoubleBE', 'Fixed', 'UFixed']


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
