const memo = fn => {
  const cache = new Map();
  return (...args) => {
    const key = args.join('|');
    if (!cache.has(key)) cache.set(key, fn(...args));
    return cache.get(key);
  };
};
let calls = 0;
const slowAdd = memo((a, b) => { calls++; return a + b; });
console.log(slowAdd(1, 2), slowAdd(1, 2), slowAdd(2, 1), calls);
const fib = memo(n => n < 2 ? n : fib(n - 1) + fib(n - 2));
console.log(fib(40));
