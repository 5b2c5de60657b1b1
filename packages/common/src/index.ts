export * from './commands';
export * from './request';
