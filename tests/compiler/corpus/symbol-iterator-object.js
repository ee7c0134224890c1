const fib = {
  *[Symbol.iterator]() { let [a, b] = [0, 1]; while (true) { yield a; [a, b] = [b, a + b]; } }
};
const first = [];
for (const n of fib) { if (n > 50) break; first.push(n); }
console.log(first.join(' '));
