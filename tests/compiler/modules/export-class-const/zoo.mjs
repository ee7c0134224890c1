export const LEGS = 4;
export class Animal {
  constructor(n) { this.n = n; }
  speak() { return this.n + ' makes a sound'; }
}
export class Dog extends Animal {
  speak() { return super.speak() + ': woof'; }
}
