// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const res = new Response('<p>x</p>', { status: 404, statusText: 'Nope', headers: { 'content-type': 'text/html', 'x-a': '1', 'content-length': '8' } });
  const out = new HTMLRewriter().on('p', { element(e) { e.append('!!'); } }).transform(res);
  console.log(out.status, out.statusText, out.headers.get('content-type'), out.headers.get('x-a'), out.headers.get('content-length'));
  console.log(await out.text());
})().catch(fail);
