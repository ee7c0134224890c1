const m = new Map([['a', 1], ['b', 2]]);
const seen = [];
for (const [k, v] of m) {
  seen.push(k + v);
  if (k === 'a') m.set('c', 3);
}
console.log(seen.join(','));
const s = new Set([1, 2, 3]);
for (const v of s) { if (v === 1) s.delete(2); seen.push(v); }
console.log(seen.slice(3).join(','));
