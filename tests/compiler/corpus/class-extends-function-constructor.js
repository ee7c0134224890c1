function Legacy(name) { this.name = name; }
Legacy.prototype.hello = function () { return 'hello ' + this.name; };
class Modern extends Legacy { hello() { return super.hello().toUpperCase(); } }
const m = new Modern('x');
console.log(m.hello(), m instanceof Legacy, m.name);
