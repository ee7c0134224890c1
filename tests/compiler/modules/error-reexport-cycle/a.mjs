export { x } from './b.mjs';
