// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>x</p><p>y</p>', [['p', { element(e) { e.onEndTag(async t => { await new Promise(r => setTimeout(r, 5)); t.after('!'); }); } }]]));
})().catch(fail);
