const fns = [];
let i = 0;
while (i < 3) { const j = i; fns.push(() => j); i++; if (i === 2) continue; }
console.log(fns.map(f => f()).join());
let k = 0;
do { let captured = k * 3; fns.push(() => captured); k++; if (k > 1) break; } while (true);
console.log(fns.map(f => f()).join());
