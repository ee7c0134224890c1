const o = {
  toString() { return '<' + super.toString() + '>'; },
  valueOf() { return 42; },
  hasOwn(k) { return super.hasOwnProperty(k); },
};
console.log(String(o), o + 1, o.hasOwn('valueOf'), o.hasOwn('nope'));
