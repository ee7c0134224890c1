function f(a, b = a + 1, c = b * 2) { return [a, b, c]; }
console.log(f(1), f(1, 5), f(1, undefined, 0), f(1, null));
let calls = 0;
function g(x = ++calls) { return x; }
console.log(g(), g(10), g(), calls);
const h = (x, {y = 2, z} = {}) => [x, y, z];
console.log(h(1), h(1, {z: 3}), h(1, {y: 0}));
function arr([p, q = 'Q'] = []) { return p + q; }
console.log(arr(), arr(['P']), arr(['A', 'B']));
