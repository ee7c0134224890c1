const fs = [];
for (let i = 0; i < 3; i++) fs.push(() => i);
console.log(fs.map(f => f()).join());
const gs = [];
for (const k of ['a', 'b', 'c']) gs.push(function () { return k; });
console.log(gs.map(g => g()).join());
const hs = [];
for (const key in {p: 1, q: 2}) hs.push(() => key);
console.log(hs.map(h => h()).join());
const ws = [];
let n = 0;
while (n < 3) { const m = n * 2; ws.push(() => m); n++; }
console.log(ws.map(w => w()).join());
