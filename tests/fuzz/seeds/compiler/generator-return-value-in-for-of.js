function* g() { yield 1; return 'ignored'; }
const vals = [];
for (const v of g()) vals.push(v);
console.log(vals);
