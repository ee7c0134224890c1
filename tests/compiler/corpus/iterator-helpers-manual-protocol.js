const it = [1, 2, 3][Symbol.iterator]();
console.log(JSON.stringify(it.next()), typeof it[Symbol.iterator], it[Symbol.iterator]() === it);
const spreadRest = [...it];
console.log(spreadRest, JSON.stringify(it.next()));
const m = new Map([['a', 1]]).entries();
console.log(Object.prototype.toString.call(m), JSON.stringify(m.next().value));
