function sum(...xs) { return xs.reduce((a, b) => a + b, 0); }
const parts = [1, 2, 3];
console.log(sum(...parts), sum(0, ...parts, 10, ...new Set([5, 5, 6])), Math.max(...'4192'));
const d = new Date(...[2020, 0, 15]);
console.log(d.getFullYear(), d.getMonth(), d.getDate());
const copy = [...parts, ...'ab', ...new Map([[1, 2]])];
console.log(JSON.stringify(copy));
