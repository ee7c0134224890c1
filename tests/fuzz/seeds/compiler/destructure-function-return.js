function minmax(xs) { return [Math.min(...xs), Math.max(...xs)]; }
const [lo, hi] = minmax([3, 1, 4]);
console.log(lo, hi);
function info() { return { name: 'n', tags: ['t1', 't2'] }; }
const { name, tags: [, second] } = info();
console.log(name, second);
