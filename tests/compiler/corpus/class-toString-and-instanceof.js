class Animal {}
class Cat extends Animal {}
const c = new Cat();
console.log(c instanceof Cat, c instanceof Animal, c instanceof Object, Cat.prototype instanceof Animal);
console.log(Object.getPrototypeOf(Cat.prototype) === Animal.prototype, c.constructor === Cat);
