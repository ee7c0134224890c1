import { Animal, Dog, LEGS } from './zoo.mjs';
const d = new Dog('rex');
console.log(d.speak(), d instanceof Animal, LEGS);
