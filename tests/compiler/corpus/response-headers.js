// A Response's headers as scripts see them: made from the init record, array and Headers
// forms, the Content-Type a body implies (and not when one is given), the same Headers object
// on every read, writes to it kept, frozen Responses, clone, redirect and json.
function dump(h) {
  var out = [];
  h.forEach(function (v, k) { out.push(k + '=' + v); });
  return out.join(';');
}
var a = new Response('text', { headers: { 'X-One': ' 1 ', 'Content-Type': 'text/x' } });
console.log('record', dump(a.headers), a.headers === a.headers);
var b = new Response('text', { headers: [['x-a', 'b'], ['X-A', 'c']] });
console.log('pairs', dump(b.headers), b.headers.get('x-a'));
var c = new Response(new Uint8Array([1, 2]), { headers: new Headers({ 'x-h': 'v' }) });
console.log('bytes', dump(c.headers));
var d = new Response('plain');
console.log('default', dump(d.headers));
var e = new Response(null, { status: 204 });
console.log('no body', dump(e.headers), e.status);
var f = new Response('w');
var fh = f.headers;
fh.set('x-later', 'yes');
fh.append('content-type', 'second');
console.log('written', dump(f.headers), f.headers === fh);
var g = new Response('frozen', { headers: { 'x-f': '1' } });
Object.freeze(g);
console.log('frozen', dump(g.headers), g.headers === g.headers);
g.headers.set('x-g', '2');
console.log('frozen write', dump(g.headers));
var h = new Response('orig', { headers: { 'x-c': '1' } });
var hc = h.clone();
hc.headers.set('x-c', 'clone');
console.log('clone', dump(h.headers), dump(hc.headers));
console.log('redirect', dump(Response.redirect('http://example.com/a', 301).headers));
console.log('json', dump(Response.json({ a: 1 }, { headers: { 'x-j': 'j' } }).headers));
var bad = ['bad name', 'x'];
try { new Response('x', { headers: [bad] }); } catch (err) { console.log('invalid', err.name); }
try { new Response('x', { headers: { 'x-v': 'a\nb' } }); } catch (err) { console.log('invalid value', err.name); }
Promise.all([a.text(), d.text(), f.text()]).then(function (t) { console.log('bodies', t.join('|')); });
