const data = [5, 3, 8, 1];
const res = data.filter(x => x > 2).map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x).map(({ x }) => x);
console.log(res, data.some(x => x > 7), data.every(x => x > 0), data.flatMap(x => [x, -x]).length);
