// node >= 22 (Intl.Segmenter; the same ICU data answers as Node 22's here)
const g = new Intl.Segmenter('en', { granularity: 'grapheme' });
console.log([...g.segment('e\u0301👨‍👩‍👧🇫🇷a')].map((s) => s.segment + '@' + s.index));
const w = new Intl.Segmenter('en', { granularity: 'word' });
console.log([...w.segment("Hello, world! It's 3.5 o'clock.")].map((s) => JSON.stringify([s.segment, s.index, s.isWordLike])).join(' '));
const segs = w.segment('The quick brown fox');
console.log(segs.containing(5), segs.containing(-1), segs.containing(100), segs.containing(0).segment, segs.containing(3).isWordLike);
console.log([...new Intl.Segmenter('en', { granularity: 'sentence' }).segment('One. Two? Three!')].map((s) => s.segment));
console.log([...new Intl.Segmenter('ja', { granularity: 'word' }).segment('今日は良い天気です')].map((s) => s.segment).join('|'));
console.log(new Intl.Segmenter().resolvedOptions(), new Intl.Segmenter('fr', { granularity: 'word' }).resolvedOptions());
const it = g.segment('ab')[Symbol.iterator](); console.log(Object.prototype.toString.call(it), it[Symbol.iterator]() === it, it.next(), it.next(), it.next());
try { Intl.Segmenter(); } catch (e) { console.log(e.name); }
try { new Intl.Segmenter('en', { granularity: 'line' }); } catch (e) { console.log(e.name); }
console.log([...g.segment('')].length, [...g.segment(12345)].length, Intl.Segmenter.supportedLocalesOf(['en', 'xx']));
const countGraphemes = (s) => { let n = 0; for (const _ of new Intl.Segmenter().segment(s)) n++; return n; };
console.log(countGraphemes('🏳️‍🌈 flags 🇯🇵'), 'x'.repeat(3));
