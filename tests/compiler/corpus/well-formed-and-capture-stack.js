// String.prototype.isWellFormed / toWellFormed (ES2024), and V8's Error.captureStackTrace as
// far as its result is portable (the frames are each engine's own).
const out = [];
const t = (n, f) => { try { out.push(n + ': ' + f()); } catch (e) { out.push(n + ' THROWS ' + e.name); } };
const hex = (s) => Array.from(s, (c) => c.codePointAt(0).toString(16)).join(' ');
for (const s of ['abc', 'a\ud800', '\udc00b', '\ud83d\ude00', 'x\ud800\ud800y', '\ude00\ud83d', '', 'é☃'])
  t(hex(s), () => s.isWellFormed() + ' ' + hex(s.toWellFormed()));
t('on null', () => String.prototype.isWellFormed.call(null));
t('on number', () => String.prototype.toWellFormed.call(5));
t('names', () => [''.isWellFormed.name, ''.toWellFormed.length].join());
t('capture', () => { const o = {}; Error.captureStackTrace(o); const d = Object.getOwnPropertyDescriptor(o, 'stack'); return [typeof o.stack, o.stack.split('\n')[0], d.enumerable, d.writable, d.configurable].join(); });
t('capture named', () => { const o = { name: 'MyErr', message: 'boom' }; Error.captureStackTrace(o, t); return o.stack.split('\n')[0]; });
t('capture class', () => { class E extends Error { constructor(m) { super(m); this.name = 'E'; Error.captureStackTrace(this, E); } } return new E('x').stack.split('\n')[0]; });
t('capture bad', () => Error.captureStackTrace(5));
t('capture len', () => Error.captureStackTrace.length);
for (const l of out) console.log(l);
