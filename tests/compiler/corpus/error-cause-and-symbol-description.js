const e = new Error('x', { cause: 1 });
console.log(e.cause, Object.getOwnPropertyDescriptor(e, 'cause'), Object.keys(e));
console.log('cause' in new Error('y'), 'cause' in new Error('y', {}), new Error('z', { cause: undefined }).hasOwnProperty('cause'));
console.log(TypeError('a', { cause: 'b' }).cause, new RangeError(undefined, { cause: 2 }).cause, new RangeError().message === '');
class MyErr extends Error { constructor(m, o) { super(m, o); this.name = 'MyErr'; } }
const m = new MyErr('q', { cause: e });
console.log(m.cause === e, m instanceof MyErr, m instanceof Error, m.message, String(m));
function Old(m, o) { const x = Error.call(this, m, o); return x; }
console.log(new Old('w', { cause: 3 }).cause);
const order = [];
const p = new Proxy({ cause: 9 }, { has(t, k) { order.push('has ' + String(k)); return k in t; }, get(t, k) { order.push('get ' + String(k)); return t[k]; } });
console.log(new Error({ toString() { order.push('msg'); return 'm'; } }, p).cause, order.join());
console.log(new Error('n', 5).hasOwnProperty('cause'), Error.length, TypeError.length, Error.name);
try { null.x } catch (err) { console.log(err instanceof TypeError, 'cause' in err); }
console.log(Symbol('abc').description, Symbol().description, Symbol('').description, Symbol.for('k').description, Symbol.iterator.description, Object(Symbol('o')).description);
console.log(Object.getOwnPropertyDescriptor(Symbol.prototype, 'description').enumerable, typeof Object.getOwnPropertyDescriptor(Symbol.prototype, 'description').get);
try { Object.getOwnPropertyDescriptor(Symbol.prototype, 'description').get.call(1) } catch (err) { console.log(err instanceof TypeError); }
console.log(Symbol('é😀').description, Symbol('é😀').description.length);
const ag = new AggregateError([1], 'm', { cause: 'c' }); console.log(ag.cause);
