function make(Base) { return class extends Base { hi() { return 'mixin ' + super.hi(); } }; }
class Root { hi() { return 'root'; } }
const M = make(Root);
console.log(new M().hi(), new (make(M))().hi());
const instances = [class { v() { return 1; } }, class { v() { return 2; } }].map(C => new C().v());
console.log(instances);
