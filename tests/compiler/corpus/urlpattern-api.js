// node >= 24 (URLPattern: Node 20 has none)
// The class's shape, and that replacing globals before first use changes nothing.
var realURL = URL;
var realExec = RegExp.prototype.exec;
var saved = [[String.prototype, ['replace', 'slice', 'substring', 'indexOf', 'charCodeAt', 'toLowerCase']],
             [Array.prototype, ['join', 'push', 'slice']]].map(function (e) {
  return [e[0], e[1], e[1].map(function (k) { return e[0][k]; })];
});
URL = function () { throw new Error('replaced URL'); };
RegExp = function () { throw new Error('replaced RegExp'); };
RegExp.prototype.exec = function () { throw new Error('replaced exec'); };
String.prototype.replace = String.prototype.slice = String.prototype.substring =
  String.prototype.indexOf = String.prototype.charCodeAt = String.prototype.toLowerCase =
  Array.prototype.join = Array.prototype.push = Array.prototype.slice =
  function () { throw new Error('replaced method'); };
Object.defineProperty(Object.prototype, 'pathname', {
  set: function () { throw new Error('setter'); }, get: function () { return undefined; },
  configurable: true,
});
Object.defineProperty(Object.prototype, 'id', {
  set: function () { throw new Error('setter'); }, configurable: true,
});

var p = new URLPattern('https://example.com/books/:id(\\d+)/*/end?q=:q#:h');
var m = p.exec('https://example.com/books/12/a/b/end?q=x#top');
console.log(m.pathname.input, m.pathname.groups.id, m.pathname.groups[0], m.search.groups.q, m.hash.groups.h);
console.log(p.test('https://example.com/books/x/a/end?q=x#top'), p.hasRegExpGroups);
console.log(new URLPattern({ pathname: '/:id' }).exec({ pathname: '/7' }).pathname.groups.id);
delete Object.prototype.pathname;
delete Object.prototype.id;
RegExp.prototype.exec = realExec;
saved.forEach(function (e) { for (var i = 0; i < e[1].length; i++) e[0][e[1][i]] = e[2][i]; });
URL = realURL;

console.log(typeof URLPattern, URLPattern.name, URLPattern.length);
var g = Object.getOwnPropertyDescriptor(globalThis, 'URLPattern');
console.log(g.writable, g.enumerable, g.configurable);
console.log(Object.getOwnPropertyNames(URLPattern.prototype).join());
console.log(Object.keys(URLPattern.prototype).join());
['exec', 'test'].forEach(function (name) {
  var d = Object.getOwnPropertyDescriptor(URLPattern.prototype, name);
  console.log(name, typeof d.value, d.writable, d.enumerable, d.configurable, d.value.length, d.value.name);
});
['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash',
 'hasRegExpGroups'].forEach(function (name) {
  var d = Object.getOwnPropertyDescriptor(URLPattern.prototype, name);
  console.log(name, typeof d.get, d.set, d.enumerable);
});
var c = Object.getOwnPropertyDescriptor(URLPattern.prototype, 'constructor');
console.log(c.value === URLPattern, c.enumerable);
var pd = Object.getOwnPropertyDescriptor(URLPattern, 'prototype');
console.log(pd.enumerable, pd.configurable);
var q = new URLPattern();
console.log(Object.getOwnPropertyNames(q).length, Object.keys(q).length, q instanceof URLPattern);
console.log(Object.prototype.toString.call(q), URLPattern.prototype[Symbol.toStringTag]);
console.log(Object.getPrototypeOf(q) === URLPattern.prototype, q.constructor === URLPattern);
console.log(JSON.stringify(q), typeof q.test, typeof q.exec('https://x/'));
q.pathname = 'changed';
console.log(q.pathname);
class Sub extends URLPattern {
  constructor(s) { super(s); this.extra = 1; }
}
var s = new Sub({ pathname: '/s/:x' });
console.log(s instanceof URLPattern, s instanceof Sub, s.pathname, s.test({ pathname: '/s/1' }), s.extra);
var r = q.exec({ pathname: '/x' });
console.log(Array.isArray(r.inputs), typeof r.pathname.groups, Object.keys(r).length);
console.log(Object.keys(r.pathname).sort().join(), r.pathname.groups[0]);
