// node >= 24 (URLPattern: Node 20 has none)
// Components compiled once are reused by later patterns (lib/js/urlpattern.js keeps them by
// encoder, options and input): a pattern built again, or sharing a component text with
// another under other options, must behave as if compiled afresh.

// The same pathname text under ignoreCase and without, in both orders.
var exact = new URLPattern({ pathname: '/Users/:id' });
var folded = new URLPattern({ pathname: '/Users/:id' }, { ignoreCase: true });
var exact2 = new URLPattern({ pathname: '/Users/:id' });
console.log(exact.test({ pathname: '/users/1' }), folded.test({ pathname: '/users/1' }),
            exact2.test({ pathname: '/users/1' }), exact2.test({ pathname: '/Users/1' }));

// The same pathname text under a special scheme ("/" delimits segments) and an opaque one.
var special = new URLPattern({ protocol: 'https', pathname: '/:a' });
var opaque = new URLPattern({ protocol: 'foo', pathname: '/:a' });
var special2 = new URLPattern({ protocol: 'https', pathname: '/:a' });
console.log(special.test('https://h/b/c'), opaque.test('foo://h/b/c'), special2.test('https://h/b/c'));
console.log(special.pathname, opaque.pathname, special2.exec('https://h/b').pathname.groups.a);

// The same text in components with different delimiters and encodings.
var same = new URLPattern({ hostname: ':x.com', pathname: ':x.com', search: ':x.com', hash: ':x.com' });
var m = same.exec({ hostname: 'a.b.com', pathname: 'a.b.com', search: 'a.b.com', hash: 'a.b.com' });
console.log(m === null, same.test({ hostname: 'ab.com', pathname: 'ab.com', search: 'ab.com', hash: 'ab.com' }));
console.log(same.hostname, same.pathname, same.search, same.hash);
var enc = new URLPattern({ pathname: "a'b`c", search: "a'b`c", hash: "a'b`c" });
console.log(enc.pathname, enc.search, enc.hash);
var enc2 = new URLPattern({ hash: "a'b`c", search: "a'b`c" });
console.log(enc2.search, enc2.hash);

// Results of patterns sharing a component are their own.
var r1 = exact.exec({ pathname: '/Users/1' }), r2 = exact2.exec({ pathname: '/Users/2' });
r1.pathname.groups.id = 'changed';
console.log(r1.pathname.groups.id, r2.pathname.groups.id, exact.exec({ pathname: '/Users/3' }).pathname.groups.id);

// Invalid patterns fail every time, and a valid one after them still works.
for (var i = 0; i < 2; i++) {
  try {
    new URLPattern({ pathname: '/(' });
    console.log('no error');
  } catch (e) {
    console.log(e.name);
  }
}
console.log(new URLPattern({ pathname: '/(\\d+)' }).test({ pathname: '/12' }));

// Object.prototype cannot answer a lookup of a compiled component.
var keys = ['f0/\u0000/\u0000/z', 'a0\u0000\u0000*', 'd0.\u0000\u0000*', 'g0\u0000\u0000/z'];
keys.forEach(function (k) {
  Object.defineProperty(Object.prototype, k, {
    get: function () { return { pattern: 'bogus', regexp: /x/, names: [], hasRegExpGroups: true }; },
    configurable: true,
  });
});
var z = new URLPattern({ protocol: 'https', pathname: '/z' });
console.log(z.pathname, z.protocol, z.hostname, z.hasRegExpGroups, z.test('https://h/z'));
keys.forEach(function (k) { delete Object.prototype[k]; });

// Many distinct patterns (more than are kept), then the first ones again.
var ok = 0;
for (i = 0; i < 600; i++) {
  var p = new URLPattern({ pathname: '/p' + i + '/:rest' });
  if (p.exec({ pathname: '/p' + i + '/r' + i }).pathname.groups.rest === 'r' + i &&
      !p.test({ pathname: '/p' + (i + 1) + '/r' })) ok++;
}
console.log(ok, new URLPattern({ pathname: '/p0/:rest' }).test({ pathname: '/p0/x' }),
            new URLPattern({ pathname: '/p599/:rest' }).test({ pathname: '/p0/x' }));

// A long pattern (not kept) behaves the same built twice.
var long = '/' + new Array(300).join('a') + '/:id';
var l1 = new URLPattern({ pathname: long }), l2 = new URLPattern({ pathname: long });
console.log(l1.pathname === l2.pathname, l2.exec({ pathname: long.replace(':id', '9') }).pathname.groups.id);

// Whole patterns built again: strings with and without a base URL, and dictionaries.
var b1 = new URLPattern('/a/:x', 'https://one.example');
var b2 = new URLPattern('/a/:x', 'https://two.example');
var b3 = new URLPattern('/a/:x', 'https://one.example');
console.log(b1.hostname, b2.hostname, b3.hostname, b3.test('https://one.example/a/1'),
            b3.test('https://two.example/a/1'));
try {
  new URLPattern('/a/:x');
  console.log('no error');
} catch (e) {
  console.log(e.name);
}
var d1 = new URLPattern({ pathname: '/d' });
try {
  new URLPattern({ pathname: '/d' }, 'https://one.example');
  console.log('no error');
} catch (e) {
  console.log(e.name);
}
var d2 = new URLPattern({ pathname: '/d', baseURL: 'https://one.example' });
var d3 = new URLPattern({ pathname: '/d', baseURL: 'https://two.example' });
console.log(d1.hostname, d2.hostname, d3.hostname, d1.protocol, d2.protocol);
var s1 = new URLPattern('https://h/P', { ignoreCase: true });
var s2 = new URLPattern('https://h/P');
console.log(s1.test('https://h/p'), s2.test('https://h/p'));
// Members whose texts joined would read the same.
var j1 = new URLPattern({ search: 'b', hash: 'a' });
var j2 = new URLPattern({ search: 'ab' });
var j3 = new URLPattern({ search: 'b', hash: 'a' });
console.log(j1.search, j1.hash, j2.search, j2.hash, j3.search, j3.hash);
var k1 = new URLPattern({ hostname: 'x', port: '' });
var k2 = new URLPattern({ hostname: 'x' });
console.log(JSON.stringify(k1.port), JSON.stringify(k2.port));
var m1 = new URLPattern({ hash: '-' });
var m2 = new URLPattern({ hostname: '-' });
console.log(m1.hash, m1.hostname, m2.hash, m2.hostname);
