const proto = { get who() { return 'proto:' + this.name; } };
const o = Object.create(proto);
o.name = 'o';
console.log(o.who);
const obj = { __proto__: proto, name: 'lit' };
console.log(obj.who, Object.getPrototypeOf(obj) === proto);
