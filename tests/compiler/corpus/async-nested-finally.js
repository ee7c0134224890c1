async function f() {
  try {
    try { await null; throw new Error('inner'); }
    finally { console.log('inner finally'); await null; }
  } catch (e) { console.log('caught', e.message); return 'r'; }
  finally { console.log('outer finally'); }
}
f().then(v => console.log('done', v));
