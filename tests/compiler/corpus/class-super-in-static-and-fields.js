class A { static base() { return 'A'; } greet() { return 'hi'; } }
class B extends A {
  static base() { return super.base() + 'B'; }
  greeting = super.greet() + '!';
}
console.log(B.base(), new B().greeting);
