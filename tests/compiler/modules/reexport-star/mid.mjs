export * from './lib.mjs';
export const own = 'own';
