// for await at the top level: async generators, arrays of promises, break closes
import { gen } from './gen.mjs';
for await (const x of gen(3)) console.log('gen', x);
for await (const x of [1, Promise.resolve(2), 3]) console.log('array', x);
for await (const x of gen(10)) {
  if (x === 2) break;
  console.log('early', x);
}
Promise.resolve().then(() => console.log('tick'));
for await (const ch of 'ab') console.log('char', ch);
console.log('done');
