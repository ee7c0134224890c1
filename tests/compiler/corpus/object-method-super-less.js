const base = { greet() { return 'base'; } };
const child = Object.setPrototypeOf({ greet() { return 'child>' + Object.getPrototypeOf(child).greet.call(this); } }, base);
console.log(child.greet());
