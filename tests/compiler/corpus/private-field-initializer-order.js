const log = [];
class Base { constructor() { log.push('base ctor'); this.describe?.(); } }
class Derived extends Base {
  #name = (log.push('field init'), 'derived');
  describe() { try { log.push('describe ' + this.#name); } catch (e) { log.push('describe failed: ' + e.constructor.name); } }
  constructor() { super(); log.push('derived ctor ' + this.#name); }
}
new Derived();
console.log(log.join(' | '));
