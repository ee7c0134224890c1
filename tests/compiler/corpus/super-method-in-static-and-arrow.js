class A { static who() { return 'A'; } who() { return 'a'; } }
class B extends A {
  static who() { return 'B>' + super.who(); }
  static lazy() { return () => super.who(); }
  who() { const f = () => () => super.who(); return 'b>' + f()(); }
}
console.log(B.who(), B.lazy()(), new B().who());
