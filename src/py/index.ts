export * from './values';
export * from './errors';
