// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>a<br>b<img src=x>c<input value=1></p>', [['br, img, input', { element(e) { e.before('['); e.after(']'); e.append('X'); e.prepend('Y'); e.setInnerContent('Z'); } }]]));
})().catch(fail);
