// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>hello <b>w</b> there</p>x', [['p', { text(t) { console.log(JSON.stringify([t.text, t.lastInTextNode])); } }]]));
})().catch(fail);
