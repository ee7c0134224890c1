// node >= 25
// Uint8Array.fromBase64 / fromHex / toBase64 / toHex / setFromBase64 / setFromHex (ES2026).
// Three cases where V8 departs from the specification (the `read` count after whitespace,
// and a character past a full array) are asserted in tests/js/test-es.c instead.
function show(label, f) {
  try {
    var r = f();
    if (r instanceof Uint8Array) r = 'Uint8Array[' + Array.prototype.join.call(r, ',') + '] buffer ' + r.buffer.byteLength;
    else if (r && typeof r === 'object') r = JSON.stringify(r);
    console.log(label, '->', r);
  } catch (e) {
    console.log(label, 'throws', e.name);
  }
}
var bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255, 104, 105]);
for (var n = 0; n <= 6; n++) {
  var u = bytes.subarray(0, n);
  show('toBase64 ' + n, function () { return u.toBase64(); });
  show('toBase64 url nopad ' + n, function () { return u.toBase64({ alphabet: 'base64url', omitPadding: true }); });
  show('toHex ' + n, function () { return u.toHex(); });
}
show('toBase64 all', function () { return bytes.toBase64({ alphabet: 'base64url' }); });
show('toBase64 bad alphabet', function () { return bytes.toBase64({ alphabet: 'base32' }); });
show('toBase64 String object alphabet', function () { return bytes.toBase64({ alphabet: new String('base64') }); });
show('toBase64 options null', function () { return bytes.toBase64(null); });
show('toBase64 options 1', function () { return bytes.toBase64(1); });
show('toBase64 omitPadding truthy', function () { return bytes.subarray(0, 1).toBase64({ omitPadding: 'yes' }); });
show('toBase64 on Array', function () { return Uint8Array.prototype.toBase64.call([1, 2]); });
show('toBase64 on Uint8ClampedArray', function () { return Uint8Array.prototype.toBase64.call(new Uint8ClampedArray(2)); });
show('toHex on Int8Array', function () { return Uint8Array.prototype.toHex.call(new Int8Array(2)); });
class Sub extends Uint8Array {}
show('toHex on subclass', function () { return new Sub([1, 171]).toHex(); });
show('fromBase64 on subclass is Uint8Array', function () { var r = Sub.fromBase64('AQI='); return r.constructor === Uint8Array; });

var inputs = ['', 'AA==', 'AAA=', 'AAAA', 'AQ', 'AQI', 'AQID', 'A', 'AQ=', 'AQ==', 'AQ==AA', 'AQ= =', ' A Q I D ',
  'aGk=', 'aGl=', 'aGk', 'aGj', '-_8', '+/8', '+/8=', '-_8=', 'AQID\n', '\tAQ\rI\fD', 'AQ===', '=', '==', 'AQIDBA',
  'AQIDBAU', 'AQIDBAUG', 'é', 'AQé', 'AQID é', 'AQID\u0000', 'AA==\n', 'AAA=\n \t', 'Zm9vYmFy', 'Zm9vYg', 'Zm9vYh'];
var modes = [undefined, 'loose', 'strict', 'stop-before-partial'];
inputs.forEach(function (s) {
  modes.forEach(function (m) {
    ['base64', 'base64url'].forEach(function (a) {
      show('fromBase64 ' + JSON.stringify(s) + ' ' + m + ' ' + a, function () {
        return Uint8Array.fromBase64(s, { alphabet: a, lastChunkHandling: m });
      });
    });
  });
});
show('fromBase64 number', function () { return Uint8Array.fromBase64(123); });
show('fromBase64 String object', function () { return Uint8Array.fromBase64(new String('AA==')); });
show('fromBase64 bad lastChunkHandling', function () { return Uint8Array.fromBase64('AA', { lastChunkHandling: 'lax' }); });
show('fromBase64 no options', function () { return Uint8Array.fromBase64('aGVsbG8'); });
var order = [];
show('fromBase64 option order', function () {
  return Uint8Array.fromBase64('AA', { get alphabet() { order.push('alphabet'); return 'base64'; },
    get lastChunkHandling() { order.push('last'); return 'loose'; } });
});
console.log(order.join(','));

['', '00', 'ff', 'FF', '0a1B', 'abc', 'zz', '0g', '0011223344', 'é0', 'aé', 'aabbé0', ' 00', '00 '].forEach(function (s) {
  show('fromHex ' + JSON.stringify(s), function () { return Uint8Array.fromHex(s); });
});
show('fromHex number', function () { return Uint8Array.fromHex(12); });

function setB64(size, s, opts) {
  var t = new Uint8Array(size).fill(0xee);
  try {
    var r = t.setFromBase64(s, opts);
    return JSON.stringify(r) + ' ' + t.join(',');
  } catch (e) {
    return e.name + ' ' + t.join(',');
  }
}
[[0, 'AQID'], [1, 'AQID'], [2, 'AQID'], [3, 'AQID'], [4, 'AQID'], [4, 'AQIDBA'], [4, 'AQIDBAUG'], [5, 'AQIDBAUG'],
 [2, 'AQ=='], [1, 'AQ=='], [1, 'AQI='], [2, 'AQI='], [6, 'AQIDé'], [6, 'AQID AQ'], [6, 'AQID AQ', 'strict'],
 [6, ' AQID', 'strict'], [3, 'AQID  AQ'], [6, 'AQIDAQ=x'], [7, 'AQIDBAUG', 'stop-before-partial']].forEach(function (c) {
  console.log('setFromBase64', c[0], JSON.stringify(c[1]), c[2], setB64(c[0], c[1], { lastChunkHandling: c[2] }));
});
function setHex(size, s) {
  var t = new Uint8Array(size).fill(0xee);
  try {
    return JSON.stringify(t.setFromHex(s)) + ' ' + t.join(',');
  } catch (e) {
    return e.name + ' ' + t.join(',');
  }
}
[[0, '0102'], [1, '0102'], [2, '0102'], [3, '0102'], [3, '01020'], [3, '01zz'], [4, '0102é0'], [2, 'aabbé0'], [4, 'aabbé0']].forEach(function (c) {
  console.log('setFromHex', c[0], JSON.stringify(c[1]), setHex(c[0], c[1]));
});
var big = new Uint8Array(8);
show('setFromBase64 subarray', function () { var r = big.subarray(2, 5).setFromBase64('/////w=='); return JSON.stringify(r) + ' ' + big.join(','); });
show('setFromBase64 on Array', function () { return Uint8Array.prototype.setFromBase64.call([], 'AA'); });
show('setFromHex number', function () { return new Uint8Array(2).setFromHex(1); });
var ab = new ArrayBuffer(4), view = new Uint8Array(ab);
ab.transfer();
show('toHex detached', function () { return view.toHex(); });
show('toBase64 detached', function () { return view.toBase64(); });
show('setFromHex detached', function () { return view.setFromHex('00'); });
show('fromBase64 length', function () { return Uint8Array.fromBase64.length + ' ' + Uint8Array.prototype.toBase64.length + ' ' +
  Uint8Array.prototype.setFromBase64.length + ' ' + Uint8Array.fromHex.length + ' ' + Uint8Array.prototype.toHex.length + ' ' +
  Uint8Array.prototype.setFromHex.length; });
show('names', function () { return [Uint8Array.fromBase64.name, Uint8Array.prototype.setFromHex.name].join(' '); });
show('descriptor', function () { var d = Object.getOwnPropertyDescriptor(Uint8Array.prototype, 'toHex'); return d.writable + ' ' + d.enumerable + ' ' + d.configurable; });
var long = new Uint8Array(3000);
for (var i = 0; i < long.length; i++) long[i] = (i * 7919) & 255;
show('round trip 3000', function () { var b = long.toBase64(); var back = Uint8Array.fromBase64(b); return b.length + ' ' + (back.toHex() === long.toHex()); });
show('round trip hex 3000', function () { return Uint8Array.fromHex(long.toHex()).toBase64() === long.toBase64(); });
show('atob agrees', function () { return atob(long.toBase64()).length; });
