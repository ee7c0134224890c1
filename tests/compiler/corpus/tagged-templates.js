function tag(strings, ...vals) { return strings.raw.join('|') + ' :: ' + strings.join('|') + ' :: ' + vals.join(','); }
console.log(tag`a${1}b${2}c`);
console.log(tag`\n${'x'}\t`);
function same(s) { return s; }
const r = [];
for (let i = 0; i < 2; i++) r.push(same`x${i}`);
console.log(r[0] === r[1], Object.isFrozen(r[0]), r[0].raw);
console.log(String.raw`a\nb${1}`);
const o = { t(s, v) { return this.p + s[0] + v; }, p: 'P' };
console.log(o.t`q${5}`);
function bad(s) { return s[0] === undefined && s.raw[0]; }
console.log(bad`\unicode`);
