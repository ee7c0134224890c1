const [a = 'd1', b = 'd2', c = 'd3'] = [null, undefined, 0];
console.log(a, b, c);
const { x = 'dx', y = 'dy' } = { x: false, y: undefined };
console.log(x, y);
