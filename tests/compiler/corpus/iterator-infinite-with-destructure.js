let pulled = 0;
const naturals = { [Symbol.iterator]() { let n = 0; return { next() { pulled++; return { value: n++, done: false }; } }; } };
const [a, b, , d] = naturals;
console.log(a, b, d, pulled);
