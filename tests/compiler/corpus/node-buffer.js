// Buffer: Duktape's Node.js binding with Buffer.from, alloc, allocUnsafe, isEncoding, byteLength
// and the encodings of toString (utf8, hex, base64, base64url, latin1, ascii, utf16le), as
// Node decodes them (lenient base64 and hex).
var t = [];
function show(v) { if (v && typeof v === 'object' && typeof v.length === 'number' && !Array.isArray(v)) return 'B[' + Array.prototype.join.call(v, ',') + ']'; return typeof v === 'string' ? JSON.stringify(v) : String(v); }
function tr(label, f) { try { t.push(label + '=' + show(f())); } catch (e) { t.push(label + '!' + e.name); } }
tr('from-str', function () { return Buffer.from('héllo').toString('base64'); });
tr('from-b64', function () { return Buffer.from('aGk=', 'base64').toString(); });
['aGk=', 'aGk', 'aG k=', 'aGk=aGk=', 'aG!k', 'a-_w', 'a+/w', 'aGk==', 'a', '', '===='].forEach(function (s) { tr('b64 ' + s, function () { return Buffer.from(s, 'base64').toString('hex'); }); });
['0102', '010', '01zz02', 'zz', '0G', 'FFaa'].forEach(function (s) { tr('hex ' + s, function () { return Buffer.from(s, 'hex'); }); });
tr('lone', function () { return Buffer.from('\ud800x').toString('hex'); });
tr('ascii-in', function () { return Buffer.from('\u00e9\u0101', 'ascii').toString('hex'); });
tr('ascii-out', function () { return Buffer.from([0xe9, 0x80, 0x41]).toString('ascii'); });
tr('latin1-out', function () { return Buffer.from([0xe9, 0x80]).toString('latin1'); });
tr('utf16-in', function () { return Buffer.from('h\u00e9\ud83d\ude00', 'utf16le').toString('hex'); });
tr('utf16-out', function () { return Buffer.from([0x68, 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 0x41]).toString('utf16le'); });
tr('b64url-out', function () { return Buffer.from([0xfb, 0xff, 0x01, 0x02]).toString('base64url'); });
tr('b64-out', function () { return [0, 1, 2, 3, 4].map(function (n) { return Buffer.from([250, 251, 252, 253].slice(0, n)).toString('base64'); }).join('|'); });
tr('range', function () { return Buffer.from('abcdef').toString('hex', 1, 3); });
tr('range2', function () { return Buffer.from('abcdef').toString(undefined, -5, 100); });
tr('utf8-bad', function () { return Buffer.from([0xff, 0x41, 0xe2, 0x82]).toString(); });
tr('bl', function () { return [Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength('0102', 'hex'), Buffer.byteLength('h\u00e9', 'latin1'), Buffer.byteLength('h\u00e9', 'utf16le'), Buffer.byteLength('h\u00e9'), Buffer.byteLength(new Uint8Array(5)), Buffer.byteLength('aGk', 'base64url')].join(); });
tr('enc', function () { return ['hex', 'UTF8', 'utf-8', 'base64url', 'binary', 'ucs2', 'nope', 1].map(function (e) { return Buffer.isEncoding(e); }).join(); });
tr('bad-enc', function () { return Buffer.from('a', 'nope'); });
tr('ab-share', function () { var ab = new ArrayBuffer(6); var b = Buffer.from(ab, 2, 3); b[0] = 7; return [b.length, new Uint8Array(ab)[2]].join(); });
tr('ab-range', function () { return Buffer.from(new ArrayBuffer(4), 5); });
tr('ta-copy', function () { var u = new Uint8Array([1, 2]); var b = Buffer.from(u); b[0] = 9; return u[0] + ',' + b[0]; });
tr('arr', function () { return Buffer.from([1, 256, -1, 'x', 3.7]); });
tr('alloc', function () { return Buffer.alloc(5, 'ab'); });
tr('alloc-n', function () { return Buffer.alloc(3, 257); });
tr('alloc-hex', function () { return Buffer.alloc(4, 'ff00', 'hex'); });
tr('alloc-0', function () { return Buffer.alloc(0).length; });
tr('alloc-bad', function () { return Buffer.alloc(-1); });
tr('alloc-str', function () { return Buffer.alloc('5'); });
tr('unsafe', function () { return Buffer.allocUnsafe(3).length; });
tr('isBuf', function () { return Buffer.isBuffer(Buffer.from('a')) && Buffer.from('a') instanceof Uint8Array; });
tr('concat', function () { return Buffer.concat([Buffer.from('a'), Buffer.from('bc')]).toString(); });
tr('json', function () { return JSON.stringify(Buffer.from('ab')); });
tr('obj', function () { return Buffer.from({ length: 2, 0: 5, 1: 6 }); });
tr('num', function () { return Buffer.from(5); });
console.log(t.join('\n'));
tr('bl-obj', function () { return Buffer.byteLength({}); }); tr('bl-ab', function () { return Buffer.byteLength(new ArrayBuffer(7)); }); console.log(t.slice(-2).join('\n'));
