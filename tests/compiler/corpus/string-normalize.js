// String.prototype.normalize (NFC, NFD, NFKC, NFKD) against Node: composed and decomposed
// accents, Hangul, compatibility forms, emoji, lone surrogates, and the slug idiom.
const out = [];
const hex = (s) => Array.from(s, (c) => c.codePointAt(0).toString(16)).join(' ');
const t = (n, f) => { try { out.push(n + ': ' + f()); } catch (e) { out.push(n + ' THROWS ' + e.name + ': ' + e.message); } };
const samples = ['café', 'cafe\u0301', 'Å', 'A\u030a', '\u212b', '한국어', '\u1112\u1161\u11ab', 'ﬁ ①  ², Ⅷ', 'x\u0323\u0307', '😀é', 'a\ud800b\u0301', '\udc00e\u0301', 'plain ascii', ''];
for (const s of samples)
  for (const f of ['NFC', 'NFD', 'NFKC', 'NFKD'])
    t(hex(s) + ' ' + f, () => hex(s.normalize(f)));
t('default is NFC', () => 'e\u0301'.normalize() === '\u00e9');
t('equal after normalize', () => 'cafe\u0301'.normalize() === 'café');
t('slug', () => 'Crème Brûlée à la Mode'.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, '-'));
t('bad form', () => 'a'.normalize('nfc'));
t('bad form 2', () => 'a'.normalize(null));
t('on number', () => String.prototype.normalize.call(12.5));
t('on null', () => String.prototype.normalize.call(null));
t('length', () => String.prototype.normalize.length + ' ' + String.prototype.normalize.name);
for (const line of out) console.log(line);
