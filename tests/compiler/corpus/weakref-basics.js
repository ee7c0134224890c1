// WeakRef and FinalizationRegistry without collection (what Node answers the same without --expose-gc)
console.log(typeof WeakRef, typeof FinalizationRegistry, WeakRef.length, FinalizationRegistry.length, WeakRef.name, FinalizationRegistry.name);
console.log(Object.prototype.toString.call(new WeakRef({})), Object.prototype.toString.call(new FinalizationRegistry(() => {})));
console.log(Object.getOwnPropertyNames(WeakRef.prototype).sort(), Object.getOwnPropertyNames(FinalizationRegistry.prototype).sort());
console.log(WeakRef.prototype.deref.length, FinalizationRegistry.prototype.register.length, FinalizationRegistry.prototype.unregister.length);
const o = { a: 1 }, r = new WeakRef(o);
console.log(r.deref() === o, r.deref().a, new WeakRef(r).deref() === r);
const s = Symbol('local');
console.log(new WeakRef(s).deref() === s);
const f = Object.freeze({ x: 1 });
console.log(new WeakRef(f).deref() === f, Object.isFrozen(f), Object.getOwnPropertyNames(f), Object.getOwnPropertySymbols(f).length);
const fn = function () {}; console.log(new WeakRef(fn).deref() === fn);
const reg = new FinalizationRegistry(() => {});
const tok = {};
console.log(reg.register({}, 1), reg.register({}, 2, tok), reg.register({}, 3, tok), reg.unregister(tok), reg.unregister(tok), reg.unregister({}));
console.log(reg.register(Symbol('t'), 'h', Symbol('k')));
for (const [what, f] of [
  ['WeakRef(1)', () => new WeakRef(1)], ['WeakRef("s")', () => new WeakRef('s')], ['WeakRef(null)', () => new WeakRef(null)],
  ['WeakRef(Symbol.for)', () => new WeakRef(Symbol.for('registered'))], ['WeakRef()', () => WeakRef({})],
  ['FR(1)', () => new FinalizationRegistry(1)], ['FR()', () => FinalizationRegistry(() => {})],
  ['register(1)', () => reg.register(1, 2)], ['register same', () => reg.register(o, o)], ['register token 5', () => reg.register(o, 1, 5)],
  ['unregister(1)', () => reg.unregister(1)], ['deref on {}', () => WeakRef.prototype.deref.call({})],
  ['register on {}', () => FinalizationRegistry.prototype.register.call({}, {})],
]) { try { f(); console.log(what, 'ok'); } catch (e) { console.log(what, e.constructor.name); } }
class MyRef extends WeakRef { get v() { return this.deref(); } }
const mr = new MyRef(o); console.log(mr.v === o, mr instanceof WeakRef);
console.log(Object.keys(o), JSON.stringify(o), Object.getOwnPropertySymbols(o).length, 'a' in o);
