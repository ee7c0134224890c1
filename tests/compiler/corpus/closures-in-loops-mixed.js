const out = [];
for (let i = 0; i < 2; i++) {
  for (let j = 0; j < 2; j++) {
    out.push(() => `${i}${j}`);
  }
}
console.log(out.map(f => f()).join(' '));
const o2 = [];
for (const [k, v] of Object.entries({a: 1, b: 2})) o2.push(() => k + v);
console.log(o2.map(f => f()).join());
const o3 = [];
let k = 0;
for (; k < 3; k++) { let kk = k; o3.push(() => kk); }
console.log(o3.map(f => f()).join(), k);
var fnsVar = [];
for (var vi = 0; vi < 3; vi++) fnsVar.push(() => vi);
console.log(fnsVar.map(f => f()).join());
