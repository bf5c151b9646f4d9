/**
 * Node.js clients of any pyrogue server (this package's ZmqServer or a real
 * Python one; pickle protocol 4 on base+1, updates on base).
 *
 *   import { SimpleClient, VirtualClient, RemoteError, kw, pyFloat } from 'pyrogue-ts';
 *
 *   // Path-based (pyrogue.interfaces.SimpleClient):
 *   const c = new SimpleClient({ addr: '127.0.0.1', port: 9099, cb: (path, v) => console.log(path, v.valueDisp) });
 *   await c.getDisp('root.RogueVersion');                  // 'v6.15.0'
 *   await c.setDisp('root.AxiVersion.ScratchPad', '0x100');
 *   await c.valueDisp('root.AxiVersion.ScratchPad');       // '0x000100'
 *   await c.exec('root.Demo.Multiply', 4);                 // 12n (Python ints are bigints)
 *   c.close();
 *
 *   // A lazily loaded mirror of the remote tree (pyrogue.interfaces.VirtualClient):
 *   const vc = await VirtualClient.connect({ addr: '127.0.0.1', port: 9099 });
 *   const sp = await vc.getNode('root.AxiVersion.ScratchPad');   // VirtualNode | null
 *   await sp!.set(0x100);                                        // funcs: async, typed helpers...
 *   await sp!.call('set', 0x100, kw({ write: true }));           // ...or any exposed func, with kwargs
 *   await sp!.prop('disp');                                      // props: async getters ('{:#08x}')
 *   await vc.tree.AxiVersion.ScratchPad.set(0x100);              // Python-style paths
 *   await vc.tree.Demo.Multiply(4);                              // commands are callable
 *   sp!.addListener((path, v) => console.log(v.valueDisp));
 *   vc.addLinkMonitor((linked) => console.log('link', linked));
 *   vc.close();
 *
 * Errors: RemoteError (server-side exception: pyType, message), ClientTimeoutError
 * (no reply within the timeout; names the address), ClientConnectionError
 * (handshake failed), ClientClosedError.
 */
export { SimpleClient, DEFAULT_TIMEOUT_MS } from './simple';
export type { SimpleClientOptions, UpdateCallback } from './simple';
export { VirtualClient, VirtualNode, VirtualAttributeError, PYROGUE_CLASSES } from './virtual';
export type { VirtualClientOptions, RemotePath, LinkMonitor, CallArg, GetOptions as VirtualGetOptions, SetOptions as VirtualSetOptions } from './virtual';
export type { VarListener as ClientVarListener } from './virtual';
export { RemoteError, ClientError, ClientTimeoutError, ClientConnectionError, ClientClosedError, ClientProtocolError, isRemoteException } from './errors';
export type { RequestContext } from './errors';
export { RemoteVariableValue, NodeInfo, Kwargs, PyFloatArg, kw, pyFloat, toPy, toJs, fromWire, VARIABLE_VALUE_CLASS, VIRTUAL_FACTORY_CLASS } from './values';
export type { FuncInfo } from './values';
export { RequestChannel, UpdateChannel, parseServer, encodeRequest, decodeReply, decodePublish } from './channel';
export type { ServerAddress, RequestChannelOptions, RequestOptions } from './channel';
