class A { m() { return typeof this; } }
const m = new A().m;
console.log(m.call(undefined) === 'undefined' || m.call(undefined) === 'object');
