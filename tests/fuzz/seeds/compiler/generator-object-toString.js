function* g() {}
const it = g();
console.log(typeof it.next, typeof it.return, typeof it.throw, it[Symbol.iterator]() === it);
