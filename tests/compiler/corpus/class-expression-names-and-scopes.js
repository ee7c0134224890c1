const Anon = class {};
const Named = class Inner { static n() { return Inner.name; } };
console.log(Anon.name, Named.name, Named.n(), typeof Inner);
const factory = base => class extends base { hello() { return 'ext ' + super.hello(); } };
class Root { hello() { return 'root'; } }
console.log(new (factory(factory(Root)))().hello());
