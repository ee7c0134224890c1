const obj = {
  n: 5,
  add(...xs) { return xs.reduce((a, b) => a + b, this.n); },
};
const args = [1, 2];
console.log(obj.add?.(...args), obj.missing?.(...args), obj?.add(...args, 3));
const maybe = Math.random() > 2 ? obj : undefined;
console.log(maybe?.add(...args));
