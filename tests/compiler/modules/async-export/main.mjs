import { later, order } from './lib.mjs';
later(2).then(v => console.log('resolved', v));
Promise.resolve().then(() => console.log('tick'));
console.log('sync', order());
