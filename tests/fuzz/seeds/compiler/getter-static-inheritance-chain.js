class A { static get n() { return 'A'; } }
class B extends A {}
class C extends B { static get n() { return super.n + 'C'; } }
console.log(B.n, C.n);
