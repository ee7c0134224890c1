class MyError extends Error {
  constructor(msg, code) { super(msg); this.name = 'MyError'; this.code = code; }
  describe() { return `${this.name}[${this.code}]: ${this.message}`; }
}
const e = new MyError('bad', 7);
console.log(e instanceof MyError, e instanceof Error, e.message, e.describe(), String(e));
try { throw e; } catch (x) { console.log(x.code); }
class Stack extends Array { top() { return this[this.length - 1]; } }
const s = new Stack();
s.push(1, 2, 3);
console.log(s.top(), s.length, s instanceof Stack, Array.isArray(s));
class MyMap extends Map { getOr(k, d) { return this.has(k) ? this.get(k) : d; } }
const m = new MyMap([['a', 1]]);
console.log(m.getOr('a', 0), m.getOr('b', 0), m.size);
class ValidationError extends MyError { constructor(f) { super('invalid ' + f, 400); this.name = 'ValidationError'; } }
const v = new ValidationError('email');
console.log(v.describe(), v instanceof MyError);
