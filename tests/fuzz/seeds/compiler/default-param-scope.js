const x = 'outer';
function f(a = x, b = () => a) { const x2 = 'inner'; return [a, b(), x2]; }
console.log(f(), f('given'));
function g(a, b = a * 2, c = a + b) { return [a, b, c]; }
console.log(g(1), g(1, 1));
const h = ({ x = 1 } = {}, [y] = [x]) => [x, y];
console.log(h(), h({ x: 5 }));
