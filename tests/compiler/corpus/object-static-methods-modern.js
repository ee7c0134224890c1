const o = { b: 2, a: 1 };
console.log(Object.entries(o), Object.values(o), Object.assign({}, o, { c: 3 }));
const frozen = Object.freeze({ x: { y: 1 } });
frozen.x.y = 2;
console.log(frozen.x.y, Object.isFrozen(frozen), Object.getOwnPropertyNames({ [Symbol('s')]: 1, k: 2 }));
console.log(Object.hasOwn ? 'hasOwn' : 'no hasOwn');
