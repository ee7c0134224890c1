// Hand-written ES5 equivalent of loops-modern.js (the reference for the lowering's cost).
var t0 = Date.now();
function Vec(x, y) { this.x = x; this.y = y; }
Vec.prototype.add = function (o) { return new Vec(this.x + o.x, this.y + o.y); };
Object.defineProperty(Vec.prototype, 'len', { get: function () { return this.x * this.x + this.y * this.y; } });
var acc = new Vec(0, 0);
var step = function (i) { return new Vec(i % 7, i % 3); };
for (var i = 0; i < 100000; i++) { acc = acc.add(step(i)); }
var arr = [];
for (var i2 = 0; i2 < 100000; i2++) arr.push(i2);
var sum = 0;
for (var j = 0; j < arr.length; j++) sum += arr[j];
var obj = { a: 1, b: 2 };
var s2 = 0;
for (var k = 0; k < 100000; k++) { var a = obj.a, b = obj.b; s2 += a + b; }
console.log(acc.len, sum, s2, 'ms=' + (Date.now() - t0));
