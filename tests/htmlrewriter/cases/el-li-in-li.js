// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<ul><li>a<li>b</ul>', [['li li', { element(e) { e.setAttribute('data-m', '1'); } }]]));
})().catch(fail);
