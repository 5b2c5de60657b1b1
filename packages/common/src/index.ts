export * from './commands';
export * from './request';
export * from './paths';
export * from './focus';
