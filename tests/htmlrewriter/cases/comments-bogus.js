// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const d = { comments(c) { console.log('comment', JSON.stringify(c.text)); }, text(t) { if (t.text) console.log('text', JSON.stringify(t.text)); } };
  console.log(await run('<!-->a<!--->b<!---->c<![CDATA[x]]>d<?php x ?>e</ x>f<>g</>h<3<!-- a -- b --!>i', [], d));
})().catch(fail);
