let n = 0;
const next = () => ++n;
const rows = [{ id: 5 }, {}, { id: 7 }, {}];
const ids = [];
for (const { id = next() } of rows) ids.push(id);
console.log(ids, n);
const pairs = [[1], [2, 3], []];
for (const [a = next(), b = next()] of pairs) ids.push(a + '/' + b);
console.log(ids.slice(4), n);
