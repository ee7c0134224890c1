// node >= 24 (URLPattern: Node 20 has none)
// Pathname patterns: named groups, wildcards, regexp groups, {} groups and modifiers.
// Objects print with sorted keys: Node 24 lists a result's groups in reverse order and an
// input dictionary's members in its own order, where the Standard says insertion order and
// WebIDL's lexicographic order.
function sorted(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(sorted);
  var o = {};
  Object.keys(v).sort().forEach(function (k) { o[k] = sorted(v[k]); });
  return o;
}
function r(f) {
  try { return JSON.stringify(sorted(f())); } catch (e) { return e.name; }
}
function groups(pattern, input, base) {
  return r(function () {
    var p = new URLPattern({ pathname: pattern });
    var m = p.exec(base === undefined ? { pathname: input } : input, base);
    return m && m.pathname.groups;
  });
}
var cases = [
  ['/books/:id', '/books/123'],
  ['/books/:id', '/books/123/x'],
  ['/books/:id', '/books/'],
  ['/books/:id?', '/books'],
  ['/books/:id?', '/books/7'],
  ['/books/:id?', '/books/'],
  ['/books/:id+', '/books/a/b/c'],
  ['/books/:id+', '/books'],
  ['/books/:id*', '/books'],
  ['/books/:id*', '/books/a/b'],
  ['/books/*', '/books/a/b/c'],
  ['/books/*', '/books'],
  ['/books/*', '/books/'],
  ['/*/:x/*', '/a/b/c/d'],
  ['/:a/:b', '/x/y'],
  ['/:a-:b', '/x-y'],
  ['/:a.:b', '/file.tar.gz'],
  ['/:year(\\d+)/:month(\\d+)', '/2024/05'],
  ['/:year(\\d+)/:month(\\d+)', '/2024/may'],
  ['/(\\d+)', '/42'],
  ['/(\\d+)/(foo|bar)', '/42/bar'],
  ['/(\\d+)?', '/'],
  ['/(\\d+)?', ''],
  ['/(.*)', '/any/thing'],
  ['/:id(\\d+)+', '/1/2/3'],
  ['/:id(\\d+)*', '/'],
  ['/:id(\\d+)*', ''],
  ['/foo{/bar}?', '/foo'],
  ['/foo{/bar}?', '/foo/bar'],
  ['/foo{/bar}+', '/foo/bar/bar'],
  ['/foo{/bar}*', '/foo'],
  ['/foo{-:x-}?', '/foo-abc-'],
  ['/foo{-:x-}?', '/foo'],
  ['/foo{-:x-}+', '/foo-a--b-'],
  ['/foo{-:x-}*', '/foo'],
  ['{/:x}?', ''],
  ['{/:x}?', '/a'],
  ['/product{s}?', '/products'],
  ['/product{s}?', '/product'],
  ['/a\\:b', '/a:b'],
  ['/a\\*', '/a*'],
  ['/a\\*', '/ab'],
  ['/\\(x\\)', '/(x)'],
  ['/a\\+', '/a+'],
  ['/caf\u00e9', '/caf%C3%A9'],
  ['/caf\u00e9', '/caf\u00e9'],
  ['/a b', '/a%20b'],
  ['/:\u00e9t\u00e9', '/summer'],
  ['/:_x$y', '/v'],
  ['/:x/*/:y', '/1/2/3/4'],
  ['*', '/whatever'],
  ['/:a*', '/x/y'],
  ['/foo/:bar/*', '/foo/bar/baz/qux'],
  ['/:a(a|b)/:b(c|d)?', '/a'],
  ['/:a(a|b)/:b(c|d)?', '/b/d'],
  ['/.*', '/.*'],
  ['/.*', '/ab'],
  ['/[a]', '/[a]'],
  ['/(a\\)b)', '/a)b'],
  ['/((?:a|b))', '/b'],
  ['/:x(?:a)', '/a'],
];
for (var i = 0; i < cases.length; i++)
  console.log(cases[i][0], '|', cases[i][1], '=>', groups(cases[i][0], cases[i][1]));

// test() and exec() on whole URLs
var p = new URLPattern({ pathname: '/users/:id' });
console.log(p.test('https://example.com/users/1'), p.test('https://example.com/users/1/x'));
console.log(r(() => p.exec('https://example.com/users/1?q=1#h')));
console.log(r(() => p.exec('/users/2', 'https://example.com/x/y')));
console.log(p.exec('not a url'), p.test('not a url'));
console.log(p.exec('/users/3', 'not a base'));
console.log(r(() => p.exec({ pathname: '/users/4' })));
console.log(r(() => p.exec({ pathname: '/users/5', baseURL: 'https://a.example/q?x#y' })));
console.log(r(() => p.exec({ pathname: 'users/6', baseURL: 'https://a.example/q/r' })));
console.log(p.exec({ pathname: '/users/7', baseURL: 'no base' }));
console.log(r(function () { return p.exec({ pathname: '/users/8' }, 'https://a.example'); }));
console.log(r(function () { return p.test({ pathname: '/users/8' }, 'https://a.example'); }));
console.log(p.test(), p.test({}), p.test(undefined), p.test(null));
console.log(JSON.stringify(new URLPattern().exec()));
console.log(JSON.stringify(new URLPattern({}).exec({})));
var url = new URL('https://example.com/users/9');
console.log(r(function () { return p.exec(url); }));
console.log(r(function () { return p.exec(String(url)); }));
console.log(r(function () { return new URLPattern({ pathname: '/:a/:b?' }).exec({ pathname: '/x' }); }));
console.log(JSON.stringify(new URLPattern({ pathname: '/:a/:b?' }).exec({ pathname: '/x' }).pathname.groups.b));
console.log('b' in new URLPattern({ pathname: '/:a/:b?' }).exec({ pathname: '/x' }).pathname.groups);
