class A { constructor() { return { custom: true }; } }
console.log(new A().custom, new A() instanceof A);
class B extends A { constructor() { super(); this.extra = 1; } }
const b = new B();
console.log(b.custom, b.extra);
