export * as lib from './lib.mjs';
