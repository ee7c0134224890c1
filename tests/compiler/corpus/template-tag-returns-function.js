const t = (s, ...v) => (suffix) => s.reduce((acc, part, i) => acc + part + (i < v.length ? `[${v[i]}]` : ''), '') + suffix;
console.log(t`hello ${'world'} and ${42}`('!'));
const obj = { prefix: '>>', fmt(s, ...v) { return this.prefix + s.join('_') + v.length; } };
console.log(obj.fmt`a${1}b${2}c`);
