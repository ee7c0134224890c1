class Thing { get [Symbol.toStringTag]() { return 'Thing'; } }
console.log(Object.prototype.toString.call(new Thing()), String(new Thing()));
