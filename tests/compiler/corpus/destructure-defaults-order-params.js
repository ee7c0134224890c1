const seen = [];
const src = {
  get a() { seen.push('get a'); return undefined; },
  get b() { seen.push('get b'); return [undefined, 'b1']; },
};
function tag(name, v) { seen.push('default ' + name); return v; }
const { a = tag('a', 'A'), b: [b0 = tag('b0', 'B0'), b1 = tag('b1', 'never')] = tag('b', []) } = src;
console.log(a, b0, b1);
console.log(seen.join(', '));
seen.length = 0;
const arrow = ([x = tag('x', 1), y = tag('y', x + 1)] = (seen.push('param default'), [])) => x + y;
console.log(arrow(), arrow([5]), arrow([undefined, 10]));
console.log(seen.join(', '));
seen.length = 0;
let p, q;
const values = new Map([['k', undefined]]);
for ([p, q = tag('q', p.toUpperCase())] of values) seen.push(p + q);
console.log(seen.join(', '));
