// awaiting timers at the top level, with microtasks and other timers around them
import { ready } from './config.mjs';
setTimeout(() => console.log('main timeout 0'), 0);
console.log('main start', ready);
const t0 = Date.now();
await new Promise(r => setTimeout(r, 20));
console.log('waited', Date.now() - t0 >= 15);
const v = await new Promise(r => setTimeout(() => r('late'), 5));
console.log('value', v);
