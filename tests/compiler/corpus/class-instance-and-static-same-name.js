class Dual {
  static describe() { return 'static ' + this.name; }
  describe() { return 'instance of ' + this.constructor.name; }
  static value = 1;
  value = 2;
}
console.log(Dual.describe(), new Dual().describe(), Dual.value, new Dual().value);
