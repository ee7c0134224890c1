// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const out = new HTMLRewriter().onDocument({ end(e) { e.append('tail'); } }).transform(new Response(null));
  console.log(JSON.stringify(await out.text()));
})().catch(fail);
