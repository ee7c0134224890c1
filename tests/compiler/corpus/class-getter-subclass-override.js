class Animal {
  constructor(name) { this.name = name; }
  get description() { return `${this.name} the ${this.kind}`; }
  get kind() { return 'animal'; }
}
class Dog extends Animal { get kind() { return 'dog'; } }
class Puppy extends Dog { get kind() { return 'young ' + super.kind; } get description() { return super.description + '!'; } }
console.log(new Animal('a').description, new Dog('rex').description, new Puppy('bit').description);
