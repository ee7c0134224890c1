// node >= 24 (URLPattern: Node 20 has none)
// URLPatternInit objects: canonicalization of each component, the generated pattern
// strings, base URLs, default ports, and ignoreCase.
var GETTERS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search',
               'hash', 'hasRegExpGroups'];
function components(init, options) {
  try {
    var p = options === undefined ? new URLPattern(init) : new URLPattern(init, options);
    return JSON.stringify(GETTERS.map(function (g) { return p[g]; }));
  } catch (e) {
    return e.name;
  }
}
var inits = [
  {},
  { protocol: 'HTTPS' },
  { protocol: 'https:' },
  { protocol: 'https::' },
  { protocol: 'ht tp' },
  { protocol: 'git+ssh' },
  { protocol: '(http|https)' },
  { protocol: 'http{s}?' },
  { protocol: ':p' },
  { username: 'us er' },
  { username: 'ü@:' },
  { password: 'p@ss:w/rd' },
  { password: ':pw' },
  { hostname: 'EXAMPLE.com' },
  { hostname: 'bücher.de' },
  { hostname: 'xn--bcher-kva.de' },
  { hostname: 'a b' },
  { hostname: 'a%20b' },
  { hostname: '127.0.0.1' },
  { hostname: '0x7f.1' },
  { hostname: '*.example.com' },
  { hostname: ':sub.example.com' },
  { hostname: '{:sub.}?example.com' },
  { hostname: '\\[::1\\]' },
  { hostname: '[\\:\\:1]' },
  { hostname: '{[\\:\\:AB]}' },
  { hostname: '[\\:\\:xyz]' },
  { hostname: 'example.com.' },
  { hostname: 'ex_ample.com' },
  { port: '80' },
  { port: '8080' },
  { port: '080' },
  { port: 'abc' },
  { port: '99999' },
  { port: '(80|443)' },
  { port: ':p(\\d+)' },
  { protocol: 'http', port: '80' },
  { protocol: 'https', port: '443' },
  { protocol: 'https', port: '80' },
  { protocol: 'ws', port: '80' },
  { protocol: 'wss', port: '443' },
  { protocol: 'ftp', port: '21' },
  { protocol: 'file', port: '80' },
  { protocol: 'foo', port: '80' },
  { pathname: '/a b' },
  { pathname: '/ä/ö' },
  { pathname: '/%41' },
  { pathname: '/a/./b/../c' },
  { pathname: 'relative' },
  { pathname: './x' },
  { pathname: '../x' },
  { pathname: '/a\\\\b' },
  { pathname: '/a|b' },
  { pathname: '/a"b<c>' },
  { pathname: '/:id' },
  { pathname: '/:id?' },
  { pathname: '/:id+' },
  { pathname: '/:id*' },
  { pathname: '/*' },
  { pathname: '/(.*)' },
  { pathname: '/(foo)' },
  { pathname: '/([^\\/]+?)' },
  { pathname: '/:id([^\\/]+?)' },
  { pathname: '/:id(.*)' },
  { pathname: '/{:id}' },
  { pathname: '/{:id}?' },
  { pathname: '/{a}' },
  { pathname: '/{a}?' },
  { pathname: '/{a:b}' },
  { pathname: '/{:a}b' },
  { pathname: '/:a\\b' },
  { pathname: '/:a{b}' },
  { pathname: '/:a(x)b' },
  { pathname: '/:a:b' },
  { pathname: '/:a(\\d+):b' },
  { pathname: '/(a)(b)' },
  { pathname: '/*/*' },
  { pathname: '/**' },
  { pathname: '/*?' },
  { pathname: '/{*}' },
  { pathname: '/a{*}' },
  { pathname: '/{-*-}+' },
  { pathname: '/{x:y(z)w}*' },
  { pathname: '/a\\:b\\*c\\+d\\?e\\(f\\)g\\{h\\}' },
  { pathname: '/a.b^c$d|e[f]' },
  { pathname: '/ünicode/:név' },
  { pathname: '{/}?' },
  { pathname: '' },
  { pathname: '/:0' },
  { protocol: 'data', pathname: 'text/plain,a b' },
  { protocol: 'data', pathname: 'text/:type' },
  { protocol: 'foo', pathname: 'a/./b/../c' },
  { protocol: 'foo', pathname: '/a b' },
  { search: '?a=1' },
  { search: 'a=1&b=ä c' },
  { search: '??x' },
  { search: "q='x'" },
  { search: '#x' },
  { search: '*' },
  { search: ':q' },
  { hash: '#top' },
  { hash: '##x' },
  { hash: 'a b`c' },
  { hash: 'ä' },
  { hash: ':h(\\d+)' },
  { pathname: '/foo', baseURL: 'https://example.com/base?q#h' },
  { baseURL: 'https://user:pw@example.com:8080/a/b?c#d' },
  { hostname: 'other', baseURL: 'https://example.com:8080/a/b?c#d' },
  { port: '9', baseURL: 'https://example.com:8080/a/b?c#d' },
  { search: 'x', baseURL: 'https://example.com:8080/a/b?c#d' },
  { hash: 'x', baseURL: 'https://example.com:8080/a/b?c#d' },
  { pathname: 'rel', baseURL: 'https://example.com/a/b' },
  { pathname: 'rel', baseURL: 'https://example.com/a/b/' },
  { pathname: 'rel', baseURL: 'https://example.com' },
  { pathname: '{/x}', baseURL: 'https://example.com/a/b' },
  { pathname: '\\/x', baseURL: 'https://example.com/a/b' },
  { pathname: 'rel', baseURL: 'data:text/plain,x' },
  { baseURL: 'https://example.com/a*b(c)?d+' },
  { baseURL: 'https://example.com:443/' },
  { baseURL: 'not a url' },
  { pathname: '/A', search: 'B', hash: 'C' },
];
for (var i = 0; i < inits.length; i++)
  console.log(JSON.stringify(inits[i]), '=>', components(inits[i]));

// ignoreCase
var ci = new URLPattern({ pathname: '/Foo/:bar', search: 'Q=*', hash: 'H' }, { ignoreCase: true });
var cs = new URLPattern({ pathname: '/Foo/:bar', search: 'Q=*', hash: 'H' });
var inputs = ['https://x.example/FOO/Baz?q=1#h', 'https://x.example/Foo/Baz?Q=1#H',
              'https://x.example/foo/baz?q=1#H'];
inputs.forEach(function (u) { console.log(u, ci.test(u), cs.test(u)); });
console.log(new URLPattern({ hostname: 'EXAMPLE.com' }, { ignoreCase: true }).test({ hostname: 'example.com' }));
console.log(new URLPattern({ protocol: 'HTTP' }, { ignoreCase: false }).test('http://x/'));
console.log(new URLPattern('https://example.com/ABC', { ignoreCase: 1 }).test('https://example.com/abc'));
console.log(new URLPattern('https://example.com/ABC', { ignoreCase: 0 }).test('https://example.com/abc'));
console.log(new URLPattern({ pathname: '/ä' }, { ignoreCase: true }).test({ pathname: '/Ä' }));
try { new URLPattern({ pathname: '/(ä)' }); } catch (e) { console.log(e.name); }

// Canonicalization of the input when matching a URLPatternInit
var any = new URLPattern({});
[
  { protocol: 'HTTPS:' },
  { protocol: 'ht tp' },
  { username: 'a b', password: 'c@d' },
  { hostname: 'EXAMPLE.com' },
  { hostname: 'a b' },
  { hostname: 'bücher.de' },
  { port: '0443', protocol: 'https' },
  { port: '443', protocol: 'https' },
  { port: 'x' },
  { pathname: '/a b/./c/../d' },
  { pathname: 'a b', protocol: 'foo' },
  { search: '?a b' },
  { hash: '#a b' },
  { pathname: 'x', baseURL: 'https://u:p@example.com:81/a/b?c#d' },
  { search: 'y', baseURL: 'https://u:p@example.com:81/a/b?c#d' },
  { username: 'v', baseURL: 'https://u:p@example.com:81/a/b?c#d' },
  { hostname: 'h', baseURL: 'https://u:p@example.com:81/a/b?c#d' },
].forEach(function (init) {
  var m = any.exec(init);
  console.log(JSON.stringify(init), '=>', m && JSON.stringify(GETTERS.slice(0, 8).map(function (g) { return m[g].input; })));
});
