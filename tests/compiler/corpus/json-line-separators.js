// JSON.stringify writes U+2028 and U+2029 as characters (JSON is a subset of ECMAScript
// since ES2019), escapes lone surrogates, and leaves an escaped backslash before "u2028" alone.
var cases = ['\u2028', 'a\u2029b', '\\u2028', '\\\u2028', '\ud800\u2028', '\ud83d\ude00\u2029',
             { k: ['\u2028', { '\u2029': 1 }] }];
cases.forEach(function (c, i) {
  var j = JSON.stringify(c);
  console.log(i, j.length, escape(j), JSON.stringify(JSON.parse(j)) === j);
});
console.log(escape(JSON.stringify({ a: '\u2028' }, null, 2)));
console.log(escape(JSON.stringify(['\u2029'], function (k, v) { return v; })));
new Response(JSON.stringify('\u2028')).text().then(function (t) { console.log('body', escape(t)); });
