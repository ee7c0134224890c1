const log = [];
class Base { constructor() { log.push('base ctor'); } }
class D extends Base {
  a = log.push('field a');
  constructor() { log.push('before super'); super(); log.push('after super'); }
  b = log.push('field b');
}
new D();
console.log(log.join(' | '));
