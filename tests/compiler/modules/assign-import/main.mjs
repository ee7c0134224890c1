import { x } from './lib.mjs';
try { x = 2; } catch (e) { console.log(e.constructor.name, e.message); }
try { x++; } catch (e) { console.log(e.constructor.name); }
console.log(x);
