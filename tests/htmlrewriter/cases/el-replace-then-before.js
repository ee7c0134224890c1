// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>1</p>', [['p', { element(e) { e.before('a'); e.replace('X'); e.before('c'); e.after('d'); } }]]));
})().catch(fail);
