// node >= 24 (URLPattern: Node 20 has none)
// Constructor strings (shorthands), base URLs and the component getters they produce.
var GETTERS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search',
               'hash', 'hasRegExpGroups'];
function components(args) {
  try {
    var p = new (Function.prototype.bind.apply(URLPattern, [null].concat(args)))();
    return JSON.stringify(GETTERS.map(function (g) { return p[g]; }));
  } catch (e) {
    return e.name;
  }
}
var cases = [
  ['https://example.com/:category/*'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews'],
  ['../admin/*', 'https://discussion.example/forum/?page=2'],
  ['https://example.com'],
  ['https://example.com/'],
  ['https://example.com/foo'],
  ['https://example.com/foo?bar'],
  ['https://example.com/foo#bar'],
  ['https://example.com?q'],
  ['https://example.com#h'],
  ['https://example.com:8080/x'],
  ['https://example.com:443/x'],
  ['http://example.com:80/x'],
  ['https://example.com:*/x'],
  ['https://*:*'],
  ['https://*'],
  ['https://user:pass@example.com/'],
  ['https://user@example.com/'],
  ['https://:pass@example.com/'],
  ['https://a.c:hmm.example.com:8080'],
  ['https://[::1]/'],
  ['https://[::1]:8080/'],
  ['https://[2001:DB8::1]/x'],
  ['http://[:address]/'],
  ['https://EXAMPLE.com/A'],
  ['https://bücher.example/'],
  ['https://xn--bcher-kva.example/'],
  ['https://example.com/a b/%41'],
  ['https://example.com/ä'],
  ['https://example.com/?q=ä b'],
  ['https://example.com/#ä b'],
  ['https://example.com/./a/../b'],
  ['https://example.com/:id.json'],
  ['https://example.com/*.png'],
  ['data:text/plain,hello'],
  ['data\\:foo'],
  ['mailto:user@example.com'],
  ['foo://bar/baz'],
  ['foo:bar/baz'],
  ['javascript:alert(1)'],
  ['file:///etc/passwd'],
  ['file://host/share'],
  ['*://example.com/*'],
  ['http{s}?://example.com/'],
  ['(https|http)://example.com/'],
  [':proto://example.com/'],
  ['https://example.com/?*'],
  ['https://example.com/*?*#*'],
  ['https://example.com/foo/:bar?'],
  ['https://example.com/foo/:bar?baz'],
  ['https://example.com/foo/*?baz'],
  ['https://example.com/foo/(x)?baz'],
  ['https://example.com/{foo}?baz'],
  ['https://example.com/foo\\?baz'],
  ['/foo/bar', 'https://example.com'],
  ['/foo/bar', 'https://example.com/base?q#h'],
  ['?q=1', 'https://example.com/base?x'],
  ['#frag', 'https://example.com/base?x#y'],
  ['foo', 'https://example.com/a/b'],
  ['', 'https://example.com/a/b?c#d'],
  ['/:id', 'https://user:pw@example.com:8443/'],
  ['https://example.com/', 'https://other.example/'],
  ['/path', 'data:text/plain,x'],
  ['/path', 'not a url'],
  ['/path'],
  ['relative'],
  [''],
  ['https://example.com/', undefined],
  ['https://example.com/', { ignoreCase: true }],
  ['https://example.com/', 'https://x.example/', { ignoreCase: true }],
  ['https://example.com/:x(\\d+)'],
  ['https://{sub.}?example.com/'],
  ['https://*.example.com/'],
  ['https://:sub.example.com/'],
  ['https://example.com:8{0}80/'],
  ['http://example.com/:a/:b?/:c*/:d+'],
  ['http://example.com/a\\/b'],
  ['http://example.com/{a/b}'],
  ['http://example.com/{a:b}'],
  ['https://example.com/\\:x'],
  ['https://example.com/a(b'],
  ['https://example.com/a:'],
  ['https://example.com/a{'],
  [{ pathname: '/a', baseURL: 'https://example.com/' }],
];
for (var i = 0; i < cases.length; i++)
  console.log(JSON.stringify(cases[i]), '=>', components(cases[i]));

// Matching with shorthands
function t(pattern, input, base) {
  try {
    return new URLPattern(pattern).test(input, base);
  } catch (e) {
    return e.name;
  }
}
var matches = [
  ['https://example.com/:category/*', 'https://example.com/products/'],
  ['https://example.com/:category/*', 'https://example.com/blog/our-greatest-product-ever'],
  ['https://example.com/:category/*', 'https://example.com/'],
  ['https://example.com/:category/*', 'http://example.com/products/'],
  ['https://example.com/:category/*', 'https://example.com:8443/blog/x'],
  ['https://example.com/:category/*', 'https://example.com:443/blog/x'],
  ['https://example.com/:category/*', 'https://u:p@example.com/blog/x?q#h'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'https://shop.example/products/74205#reviews'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'https://kathryn@voyager.shop.example/products/74656#reviews'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'http://insecure.shop.example/products/1701#reviews'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'https://shop.example/products/2000'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'http://shop.example:8080/products/0#reviews'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'https://nx.shop.example/products/01?speed=5#reviews'],
  ['http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews', 'https://shop.example/products/chair#reviews'],
  ['https://example.com', 'https://example.com/any/path?q#h'],
  ['https://example.com/foo', 'https://example.com/foo?x=1'],
  ['https://example.com/foo', 'https://example.com/foo/'],
  ['https://*.example.com/', 'https://a.example.com/'],
  ['https://*.example.com/', 'https://a.b.example.com/'],
  ['https://*.example.com/', 'https://example.com/'],
  ['https://:sub.example.com/', 'https://a.b.example.com/'],
  ['https://EXAMPLE.com/', 'https://example.COM/'],
  ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
  ['https://example.com/ä', 'https://example.com/%C3%A4'],
  ['https://[::1]/', 'https://[0:0::1]/'],
  ['data:text/plain,:x', 'data:text/plain,hello'],
  ['file:///*', 'file:///etc/passwd'],
  ['*://*/*', 'ftp://ftp.example/pub/file'],
  ['/a/:b', '/a/c', 'https://example.com'],
  ['/a/:b', 'https://example.com/a/c'],
];
for (i = 0; i < matches.length; i++)
  console.log(matches[i].join(' | '), '=>', t(matches[i][0], matches[i][1], matches[i][2]));
