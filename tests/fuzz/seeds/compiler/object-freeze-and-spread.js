const frozen = Object.freeze({ a: 1 });
const copy = { ...frozen, b: 2 };
copy.a = 5;
console.log(frozen.a, copy.a, Object.isFrozen(copy));
