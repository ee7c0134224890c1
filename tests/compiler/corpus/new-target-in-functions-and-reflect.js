class A { constructor() { this.t = new.target.name; } }
class B extends A {}
console.log(new A().t, new B().t);
const o = Reflect.construct(A, []);
console.log(o instanceof A);
