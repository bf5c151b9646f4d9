/**
 * pyrogue-ts: serve a tree of variables and commands defined in TypeScript to
 * SLAC pyrogue's Python clients, and talk to any pyrogue server from Node.js.
 *
 *   import { Root, Device, LocalVariable, serve, SimpleClient, VirtualClient } from 'pyrogue-ts';
 */
export * from './py';
export * from './pickle';
export * from './tree';
export * from './server';
export * from './client';
