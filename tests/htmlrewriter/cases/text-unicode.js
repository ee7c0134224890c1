// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>héllo wörld — 日本語 😀</p>', [['p', { text(t) { if (t.text) t.replace(t.text.toUpperCase() + '✓'); } }]]));
})().catch(fail);
