// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  let n = 0;
  const r = new HTMLRewriter().on('i', { element(e) { const k = ++n; return new Promise(res => setTimeout(() => { e.setInnerContent('#' + k); res(); }, 20 - k * 5)); } })
    .on('b', { async element(e) { await null; e.prepend('B'); } });
  console.log(await r.transform(new Response('<i>a</i><b>b</b><i>c</i><i>d</i>')).text());
})().catch(fail);
