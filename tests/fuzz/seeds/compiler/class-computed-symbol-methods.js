const kName = 'dyn';
class A {
  [kName]() { return 'dyn method'; }
  get [kName + 'Get']() { return 'dyn getter'; }
  static [kName + 'Static']() { return 'static dyn'; }
  [Symbol.toPrimitive](hint) { return hint === 'number' ? 42 : 'A!'; }
  *[Symbol.iterator]() { yield 1; yield 2; }
}
const a = new A();
console.log(a.dyn(), a.dynGet, A.dynStatic(), +a, `${a}`, [...a]);
