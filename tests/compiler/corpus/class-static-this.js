class Registry {
  static items = [];
  static add(x) { this.items.push(x); return this; }
  static get size() { return this.items.length; }
}
Registry.add(1).add(2);
console.log(Registry.size);
class Sub extends Registry {}
console.log(Sub.size, Sub.items === Registry.items);
