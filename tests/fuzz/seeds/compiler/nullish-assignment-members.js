const cache = {};
function get(k) { return cache[k] ??= `computed-${k}`; }
console.log(get('a'), get('a'), Object.keys(cache));
const counts = {};
for (const w of 'a b a c a'.split(' ')) counts[w] = (counts[w] ?? 0) + 1;
console.log(counts);
