class A { static who() { return 'A'; } static call() { return this.who(); } }
class B extends A { static who() { return 'B'; } }
console.log(A.call(), B.call(), Object.getPrototypeOf(B) === A);
class C { static #p = 1; static get p() { return C.#p; } static inc() { C.#p++; } }
C.inc();
console.log(C.p);
