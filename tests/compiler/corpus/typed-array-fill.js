// %TypedArray%.prototype.fill: the first element is written the ordinary way and its bytes
// copied over the rest; every element type, value conversion and range against Node.
var types = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
var vals = [0, 1, -1, 255, 256, 300.7, -0, NaN, Infinity, -Infinity, 1e10, 0.1, '7', true, null, undefined, {valueOf: function () { return 42; }}];
types.forEach(function (T) {
  vals.forEach(function (v) {
    [[], [1], [2, 7], [-3], [-5, -1], [3, 2], [0, 100]].forEach(function (args) {
      var a = new T(9);
      a.fill.apply(a, [v].concat(args));
      console.log(T.name, String(v), JSON.stringify(args), Array.prototype.join.call(a, ','));
    });
  });
  var b = new T(new ArrayBuffer(64), 8, 5); b.fill(3, 1);
  console.log(T.name, 'offset view', Array.prototype.join.call(new T(b.buffer), ','));
});
var big = new Uint8Array(1 << 20).fill(9, 3);
console.log('big', big[0], big[2], big[3], big[(1 << 20) - 1], big.length);
var f = new Float64Array(1001).fill(-0);
console.log('-0', Object.is(f[1000], -0), Object.is(f[0], -0));
var u = new Uint8Array(10);
console.log('returns this', u.fill(1) === u);
