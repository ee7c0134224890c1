class A { static m() { return 'm'; } }
const B = class extends (true ? A : Object) {};
console.log(B.m(), new B() instanceof A);
try { class X extends 5 {} } catch (e) { console.log(e instanceof TypeError); }
