// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>1</p>', [['p', { element(e) { e.prepend('a'); e.append('b'); e.setInnerContent('X'); e.prepend('c'); e.append('d'); } }]]));
})().catch(fail);
