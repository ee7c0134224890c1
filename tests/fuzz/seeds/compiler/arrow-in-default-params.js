function f(a, g = () => a * 2) { a = 10; return g(); }
console.log(f(1));
const h = (x = 1, y = () => x) => { return y(); };
console.log(h(), h(5));
