// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>x<b>y</div>z', [['p', { element(e) { e.append('[app]'); e.after('[aft]'); e.onEndTag(t => console.log('end', t.name)); } }]]));
})().catch(fail);
