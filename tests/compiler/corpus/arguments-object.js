function f() { return arguments.length + ':' + Array.prototype.join.call(arguments, ','); }
console.log(f(1, 2, 3));
function g() { const h = () => arguments[0]; return h('x'); }
console.log(g('y'));
function k(a = 1) { return arguments.length; }
console.log(k(), k(5));
