// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const r = new HTMLRewriter().onDocument({
    doctype(d) { console.log('doctype', d.name, d.publicId, d.systemId); },
    comments(c) { console.log('comment', JSON.stringify(c.text)); },
    text(t) { console.log('text', JSON.stringify(t.text), t.lastInTextNode); },
    end(e) { e.append('<END>', { html: true }); e.append('<e>'); },
  });
  console.log(await r.transform(new Response('<!DOCTYPE html PUBLIC "-//W3C//DTD" "http://x"><!--a--><p>hi</p><script>if(a<b)</script>')).text());
})().catch(fail);
