class A { m() { return 'A.m'; } }
class B extends A { m() { return super.m?.() + '|' + super.missing?.(); } }
console.log(new B().m());
