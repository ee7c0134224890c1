// node >= 25
// Error.isError (ES2026): the internal slot, not the prototype chain.
class E extends Error {}
var weird = new Error('x'); Object.setPrototypeOf(weird, null);
var fake = Object.create(Error.prototype);
var vals = [new Error('a'), new TypeError('b'), new E('c'), weird, fake, {}, null, undefined, 'Error', 1, new AggregateError([]), new DOMException('m')];
console.log(vals.map(function (v) { return Error.isError(v); }).join(), Error.isError.length, Error.isError.name, Error.isError());
try { JSON.parse('{'); } catch (e) { console.log(Error.isError(e)); }
var p = new Proxy(new Error('x'), {}); console.log(Error.isError(p));
