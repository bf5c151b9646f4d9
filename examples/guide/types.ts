import assert from 'node:assert/strict';
import { NdArray, NpDtype, PyDict, PyTuple, pyRepr, pyFormat } from 'pyrogue-ts';

export async function main(): Promise<void> {
  // A Python int is a bigint (any size); a Python float is a number, even when integral.
  assert.equal(pyRepr(5n), '5');
  assert.equal(pyRepr(5), '5.0');
  assert.equal(pyRepr(2n ** 70n), '1180591620717411303424');
  // A tuple is a PyTuple, a dict a PyDict (ordered, any hashable key), a list an array.
  assert.equal(pyRepr(new PyTuple([1n, 'a'])), "(1, 'a')");
  assert.equal(pyRepr(PyDict.from({ gain: 2.5 })), "{'gain': 2.5}");
  assert.equal(pyRepr([true, null]), '[True, None]');
  // numpy arrays: an NdArray of a dtype.
  const a = NdArray.from(NpDtype.float64, [0.5, 1.5]);
  assert.equal(pyRepr(a), 'array([0.5, 1.5])');
  // Python's format mini-language, as `disp` uses it.
  assert.equal(pyFormat('{:#06x}', 0x1234n), '0x1234');
  assert.equal(pyFormat('{:1.3f}', 12.5), '12.500');
}
