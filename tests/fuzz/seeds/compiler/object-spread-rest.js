const a = { x: 1, y: 2 }, b = { y: 3, z: 4 };
console.log({ ...a, ...b }, { ...a, y: 'override' }, { y: 'first', ...a });
console.log({ ...null, ...undefined, ...'hi', ...[9] });
const { x, ...others } = { x: 1, y: 2, z: 3 };
console.log(x, others);
const sym = Symbol('k');
const withSym = { ...{ [sym]: 1, n: 2 } };
console.log(withSym[sym], withSym.n);
const getterSrc = { get g() { return 'got'; } };
const copy = { ...getterSrc };
console.log(Object.getOwnPropertyDescriptor(copy, 'g').value);
function f({ a, ...rest }) { return Object.keys(rest).join(); }
console.log(f({ a: 1, b: 2, c: 3 }));
