var vs = [], ls = [];
for (var i = 0; i < 3; i++) vs.push(() => i);
for (let j = 0; j < 3; j++) ls.push(() => j);
console.log(vs.map(f => f()), ls.map(f => f()));
const cs = [];
for (const k of 'abc') cs.push(() => k + k);
console.log(cs.map(f => f()).join('-'));
