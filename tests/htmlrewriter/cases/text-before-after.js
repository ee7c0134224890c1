// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>x<!--c--></p>z</div>', [['p', { text(t) { if (t.text) { t.before('1'); t.after('2', { html: true }); } } }]]));
})().catch(fail);
