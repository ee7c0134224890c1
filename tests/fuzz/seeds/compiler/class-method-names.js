class A { m() {} static s() {} get g() { return 1; } [Symbol.iterator]() {} }
console.log(A.prototype.m.name, A.s.name, Object.getOwnPropertyDescriptor(A.prototype, 'g').get.name, A.name);
console.log(new A().m);
