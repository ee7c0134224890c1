const log = [];
class A {
  static x = (log.push('field x'), 1);
  static { log.push('block 1, x=' + this.x); this.y = this.x + 1; }
  static z = (log.push('field z'), this.y * 10);
  static { log.push('block 2, z=' + A.z); }
}
console.log(log.join(' | '), A.y, A.z);
