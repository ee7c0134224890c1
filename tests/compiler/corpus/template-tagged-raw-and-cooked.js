function tag(strings, ...vals) { return JSON.stringify({ cooked: strings, raw: strings.raw, vals }); }
console.log(tag`a\tb${1}\u0041${'x'}`);
console.log(String.raw`C:\new\table${2 + 2}\x`);
function same(s) { return s; }
const sites = [];
for (let i = 0; i < 2; i++) sites.push(same`x${i}y`);
console.log(sites[0] === sites[1], Object.isFrozen(sites[0]));
