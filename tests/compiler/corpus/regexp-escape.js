// node >= 24
// RegExp.escape (ES2025): what it escapes, and that the result matches the input literally.
var cases = ['', 'abc', '1a', 'a1', '_x', ' x', 'foo.bar', '^$\\.*+?()[]{}|/', 'a-b,c=d<e>f#g&h!i%j:k;l@m~n\'o`p"q', '\t\n\v\f\r', '\u00a0\u2028\u2029\ufeff\u3000\u1680\u2001',
  '\ud800', 'x\udc00y', '\ud83d\ude00', 'é€', 'Zebra', '9', '\u00ff\u0100', 'a\u0000b', '_$', 'hello world', 'c:\\path\\to'];
cases.forEach(function (c, i) { var e = RegExp.escape(c); console.log(i, c.length, JSON.stringify(e), new RegExp('^' + e + '$').test(c), new RegExp('^(?:' + e + ')$', 'u').test(c.replace(/[\ud800-\udfff]/g, function (x) { return x; }))); });
try { RegExp.escape(1); } catch (e) { console.log(e.name); }
try { RegExp.escape(); } catch (e) { console.log(e.name); }
try { RegExp.escape(new String('a')); } catch (e) { console.log(e.name); }
console.log(RegExp.escape.length, RegExp.escape.name, Object.getOwnPropertyDescriptor(RegExp, 'escape').enumerable);
console.log(new RegExp('\\0' + RegExp.escape('1')).test('\0' + '1'), new RegExp('\\c' + RegExp.escape('J')).source);
