// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>x</p><p>y</p><p>z</p>', [['p', { async element(e) { await new Promise(r => setTimeout(r, 10)); e.setAttribute('a', 'b'); console.log('done', e.tagName); } }]]));
})().catch(fail);
