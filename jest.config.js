// Unit tests of the frontends' pure modules (models, parsers, sorting):
// packages/*/src/__tests__/*.spec.ts
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/src/__tests__/**/*.spec.ts?(x)'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }]
  },
  moduleNameMapper: {
    '\\.(css|svg)$': '<rootDir>/jest.stub.js',
    // the shared package's sources (its built lib/ is ES modules)
    '^@jupyterlab-hpc/common$': '<rootDir>/packages/common/src/index.ts'
  }
};
