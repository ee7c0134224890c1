for (const x of [1, 2]) console.log('arr', x);
for (const ch of 'héllo') console.log(ch);
for (const [k, v] of new Map([['a', 1], ['b', 2]])) console.log(k, v);
for (const v of new Set(['s1', 's2'])) console.log(v);
for (const [i, v] of ['x', 'y'].entries()) console.log(i, v);
let last;
for (last of [7, 8, 9]);
console.log(last);
const o = {};
for (o.p of [1, 2]);
console.log(o.p);
for (var vv of [3]) {}
console.log(vv);
