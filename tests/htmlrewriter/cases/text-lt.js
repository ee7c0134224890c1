// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>a < b <3 c&amp;d</p>e', [['p', { text(t) { console.log(JSON.stringify([t.text, t.lastInTextNode])); } }]]));
})().catch(fail);
