let calls = 0;
const def = v => (calls++, v);
const { a = def(1), b = def(2), c = def(3) } = { a: 0, b: undefined, c: null };
console.log(a, b, c, calls);
const [x = def('x'), y = def('y')] = [undefined, false];
console.log(x, y, calls);
