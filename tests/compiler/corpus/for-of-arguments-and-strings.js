function f() { const out = []; for (const a of arguments) out.push(typeof a); return out.join(','); }
console.log(f(1, 'a', null, {}, undefined));
let count = 0;
for (const ch of 'héllo wörld') if (ch > 'z') count++;
console.log(count);
