export * from './values';
export * from './errors';
export * from './repr';
export * from './format';
export * from './literal';
export * from './signature';
export * from './json';
