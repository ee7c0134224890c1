const base = { greet(n) { return 'hello ' + n; } };
const o = {
  __proto__: base,
  greetAll(names) {
    return names.map(n => (() => super.greet(n))()).join('; ');
  },
  later() { return () => super.greet('later'); },
};
console.log(o.greetAll(['a', 'b']));
const f = o.later();
Object.setPrototypeOf(o, { greet: () => 'swapped' });
console.log(f());
