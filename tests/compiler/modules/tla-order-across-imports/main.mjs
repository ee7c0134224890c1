// a awaits, b is synchronous, c imports a: Node's order of evaluation and of microtasks
import { a } from './a.mjs';
import { b } from './b.mjs';
import { c } from './c.mjs';
console.log('main', a, b, c);
Promise.resolve().then(() => console.log('main tick'));
