const o = { v: 1, f() { return () => () => () => this.v; } };
console.log(o.f()()()());
function Outer() { this.x = 'X'; this.get = function () { return (() => this.x)(); }; }
console.log(new Outer().get());
