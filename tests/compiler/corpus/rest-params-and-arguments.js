function f(first, ...rest) { return [first, rest.length, arguments.length, Array.isArray(rest)]; }
console.log(JSON.stringify(f()), JSON.stringify(f(1, 2, 3)));
const g = (...all) => all.map((x, i) => x * i);
console.log(g(5, 5, 5), f.length, g.length, ((a, b = 1, ...c) => 0).length);
