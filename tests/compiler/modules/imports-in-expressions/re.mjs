import { x } from './lib.mjs';
export { x };
