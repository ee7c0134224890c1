// node >= 24 (URLPattern: Node 20 has none)
// Invalid patterns and arguments: TypeError (e.name only: messages are the engine's).
function tryNew() {
  var args = Array.prototype.slice.call(arguments);
  try {
    var p = new (Function.prototype.bind.apply(URLPattern, [null].concat(args)))();
    return 'ok ' + p.pathname;
  } catch (e) {
    return e.name;
  }
}
var cases = [
  [{ pathname: '/(' }],
  [{ pathname: '/(a' }],
  [{ pathname: '/()' }],
  [{ pathname: '/(?x)' }],
  [{ pathname: '/(a(b))' }],
  [{ pathname: '/(a(?:b))' }],
  [{ pathname: '/([)' }],
  [{ pathname: '/(\\d+' }],
  [{ pathname: '/(*)' }],
  [{ pathname: '/(a{2,1})' }],
  [{ pathname: '/(\\k<x>)' }],
  [{ pathname: '/(é)' }],
  [{ pathname: '/(\\é)' }],
  [{ pathname: '/:id/:id' }],
  [{ pathname: '/:id/(x)/:id' }],
  [{ pathname: '/:0' }],
  [{ pathname: '/(a)/:0' }],
  [{ pathname: '/:' }],
  [{ pathname: '/:1a' }],
  [{ pathname: '/:-' }],
  [{ pathname: '/a\\' }],
  [{ pathname: '/{a' }],
  [{ pathname: '/a}' }],
  [{ pathname: '/{a{b}}' }],
  [{ pathname: '/{:a:b}' }],
  [{ pathname: '/??' }],
  [{ pathname: '/?' }],
  [{ pathname: '+' }],
  [{ pathname: '/:a??' }],
  [{ pathname: '/:a*?' }],
  [{ pathname: '/**' }],
  [{ pathname: '/(a)(b)' }],
  [{ protocol: 'ht tp' }],
  [{ protocol: '1http' }],
  [{ protocol: 'http:x' }],
  [{ hostname: 'a b' }],
  [{ hostname: 'a<b' }],
  [{ hostname: '[::1' }],
  [{ hostname: 'xn--a' }],
  [{ port: '65536' }],
  [{ port: '-1' }],
  [{ port: 'x' }],
  [{ baseURL: 'nope' }],
  [{ baseURL: '' }],
  [{ pathname: '/x' }, 'https://example.com'],
  [{}, 'https://example.com'],
  ['relative'],
  ['/relative'],
  ['relative', 'not a base'],
  ['https://example.com/(', undefined],
  ['https://exa mple.com/'],
  ['https://example.com:99999/'],
  ['https://example.com/:a/:a'],
  ['https://example.com/', 'https://example.com/', 5],
  ['https://example.com/', 5],
  [{}, 5],
  [{}, 'https://x/', { ignoreCase: true }],
  [{}, null],
  [{}, undefined],
  [undefined],
  [null],
  [{ get hash() { throw new RangeError('getter'); }, toJSON: function () { return 'throwing getter'; } }],
];
for (var i = 0; i < cases.length; i++) {
  var label = cases[i].map(function (a) {
    return typeof a === 'symbol' ? 'symbol' : JSON.stringify(a) || String(a);
  }).join(', ');
  console.log(label, '=>', tryNew.apply(null, cases[i]));
}

// Calling without new, on the wrong receiver, with bad match arguments
try { URLPattern('https://example.com'); } catch (e) { console.log('call', e.name); }
var p = new URLPattern({ pathname: '/:x' });
try { p.exec({ pathname: '/a' }, 'https://example.com'); } catch (e) { console.log('exec init+base', e.name); }
try { p.test({}, 'https://example.com'); } catch (e) { console.log('test init+base', e.name); }
console.log('exec init+undefined base', p.exec({ pathname: '/a' }, undefined) !== null);
try { URLPattern.prototype.exec.call({}, '/a'); } catch (e) { console.log('exec receiver', e.name); }
try { URLPattern.prototype.test.call(null, '/a'); } catch (e) { console.log('test receiver', e.name); }
try { Object.getOwnPropertyDescriptor(URLPattern.prototype, 'pathname').get.call({}); } catch (e) { console.log('getter receiver', e.name); }
try { Object.getOwnPropertyDescriptor(URLPattern.prototype, 'hasRegExpGroups').get.call(URLPattern.prototype); } catch (e) { console.log('proto receiver', e.name); }

// Inputs that do not parse give null, not an exception
console.log(p.exec('https://exa mple.com/a'), p.exec('/a', 'bad base'), p.exec('http://[::1/a'));
console.log(p.exec({ hostname: 'a b' }), p.exec({ port: 'x' }), p.exec({ protocol: '1x' }));
console.log(p.exec({ baseURL: 'nope', pathname: '/a' }), p.test({ port: '99999' }));
console.log(p.exec({ pathname: '/a' }) !== null, p.exec({ pathname: '/a/b' }));

// The object after a failed construction: nothing half-made escapes, and the next works
for (var j = 0; j < 3; j++) {
  try { new URLPattern({ pathname: '/(' + j }); } catch (e) { console.log('again', e.name); }
}
console.log(new URLPattern({ pathname: '/(\\d+)' }).test({ pathname: '/12' }));

// Hostile inputs stay linear: long patterns compile and match
var long = '';
for (var k = 0; k < 500; k++) long += '/:g' + k;
var big = new URLPattern({ pathname: long });
var path = '';
for (k = 0; k < 500; k++) path += '/' + k;
var m = big.exec({ pathname: path });
console.log(Object.keys(m.pathname.groups).length, m.pathname.groups.g499);
var text = '';
for (k = 0; k < 2000; k++) text += 'ab';
console.log(new URLPattern({ pathname: '/' + text }).pathname.length);
try { new URLPattern({ search: text + '(' }, {}); } catch (e) { console.log('long', e.name); }
// Regexp groups are compiled with the v flag, as the Standard says: set operations work and
// a class that is valid only under u is an error.
var vp = new URLPattern({ pathname: '/:id([[a-z]--[aeiou]]+)' });
console.log('v group', vp.test({ pathname: '/xyz' }), vp.test({ pathname: '/abc' }));
try { new URLPattern({ pathname: '/:id([a-z-]+)' }); console.log('u-only class accepted'); }
catch (e) { console.log('u-only class', e.name); }
