async function countdown(n) { if (n === 0) return 'liftoff'; await null; return countdown(n - 1); }
countdown(5).then(console.log);
async function fib(n) { return n < 2 ? n : (await fib(n - 1)) + (await fib(n - 2)); }
fib(10).then(v => console.log('fib', v));
