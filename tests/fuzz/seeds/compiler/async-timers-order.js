setTimeout(() => console.log('t0'), 0);
(async () => { console.log('a0'); await new Promise(r => setTimeout(r, 0)); console.log('a1'); })();
Promise.resolve().then(() => console.log('m0'));
console.log('s0');
