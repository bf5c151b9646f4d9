export * from './decode';
export * from './encode';
