import { value, K } from './a.mjs';
let early = 'none';
try { early = value; } catch (e) { early = e.constructor.name; }
try { console.log(K); } catch (e) { console.log('K', e instanceof ReferenceError); }
export { early };
export function later() { return value; }
