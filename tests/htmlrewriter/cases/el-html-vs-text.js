// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>x</p>', [['p', { element(e) { e.before('<i>&"\'</i>'); e.after('<i>&</i>', { html: true }); e.prepend('<b>', { html: false }); e.append('<u>', { html: true }); } }]]));
})().catch(fail);
