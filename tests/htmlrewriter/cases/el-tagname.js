// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div class=a><p>x</p></div>', [['div', { element(e) { e.tagName = 'section'; } }]]));
})().catch(fail);
