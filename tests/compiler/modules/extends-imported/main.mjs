import Base from './base.mjs';
class Child extends Base { who() { return 'child of ' + super.who(); } }
console.log(new Child().who());
