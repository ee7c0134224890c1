export { x as y, z } from './lib.mjs';
