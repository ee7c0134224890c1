// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>a<p>b</div>', [['p p', { element(e) { e.setAttribute('data-m', '1'); } }]]));
})().catch(fail);
