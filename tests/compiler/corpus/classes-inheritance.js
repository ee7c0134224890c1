class Animal {
  constructor(name) { this.name = name; this.init(); }
  init() { this.kind = 'animal'; }
  speak() { return `${this.name} makes a sound`; }
  get desc() { return 'A:' + this.name; }
  static create(n) { return new this(n); }
}
class Dog extends Animal {
  init() { this.kind = 'dog'; }
  speak() { return super.speak() + ' (woof)'; }
  get desc() { return 'D>' + super.desc; }
  static create(n) { return super.create(n + '!'); }
}
const d = new Dog('Rex');
console.log(d.speak(), d.kind, d.desc);
console.log(Dog.create('Fido').name, Dog.create('x') instanceof Dog);
console.log(d instanceof Animal, Object.getPrototypeOf(Dog) === Animal);
class Puppy extends Dog { constructor() { super('pup'); this.age = 0; } speak() { return super.speak().toUpperCase(); } }
const pp = new Puppy();
console.log(pp.speak(), pp.age, pp.kind, pp.desc);
class NoCtor extends Animal {}
console.log(new NoCtor('nc').speak());
