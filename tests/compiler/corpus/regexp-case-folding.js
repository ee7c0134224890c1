// node >= 25
// Case-insensitive classes and properties: the case-dependent properties (\p{Lu}, \p{Ll},
// \p{Lt}, Uppercase, Lowercase, Changes_When_*) under iu and iv, set operations on them under
// iv, and classes without u holding the characters JavaScript does not fold (long s, Kelvin
// sign, dotted and dotless i, sharp s) against random classes.
(function () {
var pats = ['\\p{Lu}', '\\p{Ll}', '\\P{Lu}', '\\P{Ll}', '[\\p{Lu}]', '[^\\p{Lu}]', '[^\\P{Lu}]', '\\p{Uppercase}', '\\p{Upper}', '\\P{Lowercase}', '\\p{Lt}', '\\p{gc=Lu}', '\\p{General_Category=Uppercase_Letter}', '\\p{CWL}', '\\p{Changes_When_Casefolded}', '[\\p{Lu}\\d]', '\\p{Lu}+'];
var chars = ['a', 'A', 'b', 'Z', '\u00e9', '\u00c9', '1', '\u01c5', '\u01c4', '\u01c6', '\u0138', '\u03d2', 'k', '\u212a', '\u017f', 'S', '\u00df', '\u1e9e', '_'];
pats.forEach(function (p) {
  ['iu', 'u', 'i'].forEach(function (f) {
    var re; try { re = new RegExp('^(?:' + p + ')$', f); } catch (e) { console.log(p, f, e.name); return; }
    console.log(p, f, chars.map(function (c) { return re.test(c) ? 1 : 0; }).join(''));
  });
});
})();
(function () {
var pats = ['[^\\P{Ll}]', '[\\p{Lu}--[A-Z]]', '[^a]', '[[a-z]--a]', '[\\w--\\d]', '[^\\p{Lu}]', '[\\p{L}&&\\p{Lu}]'];
pats.forEach(function (p) {
  var re = new RegExp('^' + p + '$', 'vi');
  console.log(p, ['a', 'A', 'b', 'B', '\u00e9', '\u00c9', '1'].map(function (c) { return re.test(c) ? 1 : 0; }).join(''));
});
})();
(function () {
var pats = ['\\p{Lu}', '\\P{Lu}', '[^\\P{Lu}]', '[^\\p{Lu}--[ab]]', '\\P{Ll}', '[[^\\p{Lu}]&&\\p{L}]'];
var chars = ['a', 'A', 'b', 'Z', '\u00e9', '\u00c9', '1', '\u01c5', '\u01c4', '\u01c6', '\u0138', '\u03d2', 'k', '\u212a', '\u017f', 'S', '\u00df', '\u1e9e', '_'];
pats.forEach(function (p) { ['vi', 'v'].forEach(function (f) { var re = new RegExp('^' + p + '$', f); console.log(p, f, chars.map(function (c) { return re.test(c) ? 1 : 0; }).join('')); }); });
})();
(function () {
var items = ['a', 'k', 'K', 's', 'S', 'i', 'I', 'z', '\\u017f', '\\u212a', '\\u0130', '\\u0131', '\\u00df', '\\u1e9e', 'a-z', 'A-Z', 'j-l', 'r-t', '\\u0100-\\u0200', '\\u2100-\\u2200', '\\u00c0-\\u0140', '\\w', '\\W', '\\d', '\\s', '\\S', 'h-j'];
var chars = ['a', 'A', 'k', 'K', 's', 'S', 'i', 'I', 'z', 'Z', '\u017f', '\u212a', '\u0130', '\u0131', '\u00df', '\u1e9e', '\u00e0', '\u00c0', '1', ' ', '_', '\u0101', '\u0100'];
var seed = 3; function rnd(n) { seed = (Math.imul(seed, 1103515245) + 12345) | 0; return ((seed >>> 16) & 0x7fff) % n; }
var out = [];
for (var t = 0; t < 400; t++) {
  var n = 1 + rnd(3), parts = [];
  for (var j = 0; j < n; j++) parts.push(items[rnd(items.length)]);
  var src = '^[' + (rnd(2) ? '^' : '') + parts.join('') + ']$';
  ['i', 'iu', ''].forEach(function (f) {
    var re = new RegExp(src, f);
    out.push(src + ' ' + f + ' ' + chars.map(function (c) { return re.test(c) ? 1 : 0; }).join(''));
  });
}
out.forEach(function (l) { console.log(l); });
})();
