// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>abc<b>d</b></p>', [['b', { text(t) { t.remove(); } }]]));
})().catch(fail);
