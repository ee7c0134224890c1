const name = 'n', age = 3;
const o = { name, age, greet() { return `${this.name}/${this.age}`; }, 'quoted key'() { return 'q'; }, 42() { return 'num'; } };
console.log(o.greet(), o['quoted key'](), o[42](), Object.keys(o).join(','));
