const o = {a: 1, b: 2, c: 3};
const keys = [];
for (const k in o) keys.push(k);
console.log(keys.join());
const fns = [];
for (let k in o) { if (k === 'b') continue; fns.push(() => k); }
console.log(fns.map(f => f()).join());
for (var vk in {x: 1}) {}
console.log(vk);
const arr = [];
for (const [i] in ['p', 'q']) arr.push(i);
console.log(arr.join());
