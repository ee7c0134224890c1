const key = 'range';
const obj = {
  *[key](a, b) { for (let i = a; i < b; i++) yield i; },
  *[Symbol.iterator]() { yield* this.range(0, 3); },
};
console.log([...obj.range(2, 5)], [...obj], Array.from(obj, x => x * 2));
