const it = [10, 20][Symbol.iterator]();
console.log(it.next(), it.next(), it.next());
const m = new Map([['k', 'v']]).entries();
console.log(m.next().value);
const s = 'ab'[Symbol.iterator]();
console.log(s.next().value, s.next().value, s.next().done);
