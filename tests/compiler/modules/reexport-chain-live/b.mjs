export { n, bump } from './c.mjs';
