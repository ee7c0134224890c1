class A { constructor() { this.t = new.target === A ? 'A' : 'other'; } }
class B extends A {}
console.log(new A().t, new B().t);
class Shape { constructor() { this.kind = new.target.name; } }
class Sq extends Shape {}
console.log(new Sq().kind, new Shape().kind);
