let n = 0;
const id = () => ++n;
function make({ a: { b = id(), c: [d = id(), e = id()] = [] } = {}, f = id() } = {}) { return [b, d, e, f]; }
console.log(make().join(','), make({ a: { b: 'B', c: ['D'] } }).join(','), n);
