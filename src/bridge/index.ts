/** rogue's memory TCP bridge, both sides (docs/memory-bridge.md). */
export { MemoryTcpClient, bridgeConsoleLogger } from './client';
export type { MemoryTcpClientOptions, BridgeLogger } from './client';
export { MemoryTcpServer } from './server';
export type { MemoryTcpServerOptions } from './server';
export { BridgeType, parseBridgeUrl } from './wire';
export { rebaseMemory, BoundedMemory, parseSize } from './attach';
