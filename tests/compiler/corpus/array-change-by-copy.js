// ES2023 change-array-by-copy: toReversed, toSorted, toSpliced, with, on arrays, array-likes
// and typed arrays; the original is left as it was.
const out = [];
const t = (n, f) => { try { out.push(n + ': ' + JSON.stringify(f())); } catch (e) { out.push(n + ' THROWS ' + e.name); } };
const a = [3, 1, , 2];
t('toReversed', () => [a.toReversed(), a]);
t('toSorted', () => [a.toSorted(), a.toSorted((x, y) => y - x), a]);
t('toSorted strings', () => ['b', 'a', 'C', 10, 9].toSorted());
t('toSorted bad', () => [1].toSorted('x'));
t('toSpliced', () => [[1, 2, 3, 4].toSpliced(1, 2, 'a', 'b', 'c'), [1, 2, 3].toSpliced(), [1, 2, 3].toSpliced(1), [1, 2, 3].toSpliced(-1, 0, 9), [1, 2, 3].toSpliced(undefined, 1)]);
t('with', () => [[1, 2, 3].with(1, 'x'), [1, 2, 3].with(-1, 'y'), a.with(2, 7)]);
t('with range', () => [1, 2].with(2, 0));
t('with neg range', () => [1, 2].with(-3, 0));
t('array-like', () => Array.prototype.toReversed.call({ length: 2, 0: 'a', 1: 'b' }));
t('array-like with', () => Array.prototype.with.call({ length: 2, 0: 'a' }, 0, 'z'));
const u = new Uint8Array([5, 1, 4]);
t('typed toReversed', () => [Array.from(u.toReversed()), u.toReversed() instanceof Uint8Array, Array.from(u)]);
t('typed toSorted', () => [Array.from(u.toSorted()), Array.from(new Float64Array([2, -0, NaN, -1]).toSorted())]);
t('typed with', () => [Array.from(u.with(0, 300)), Array.from(u.with(-1, '7'))]);
t('typed with range', () => u.with(3, 1));
t('typed toSpliced absent', () => typeof u.toSpliced);
t('lengths', () => [[].toReversed.length, [].toSorted.length, [].toSpliced.length, [].with.length]);
t('unscopables-free names', () => [[].toSorted.name, [].with.name]);
console.log(out.join('\n'));
