// node >= 24
// RegExp modifiers (ES2025): (?ims-ims:...) changes case folding, ^/$ and . for a group.
// (V8 folds the Kelvin sign and long s inside (?i:) of a u pattern only when the whole
// pattern has i; the standard folds them: tests/js/test-regexp.c checks that.)
function t(src, flags, inputs) {
  var re;
  try { re = new RegExp(src, flags); } catch (e) { console.log(JSON.stringify(src), flags, e.name); return; }
  console.log(JSON.stringify(src), flags, inputs.map(function (s) { var m = re.exec(s); return m ? JSON.stringify(m[0]) + '@' + m.index : 'null'; }).join(' '));
}
t('(?i:a)b', '', ['Ab', 'AB', 'ab']);
t('a(?-i:b)c', 'i', ['ABC', 'AbC', 'abc']);
t('(?i:[a-z]+)\\d', '', ['XyZ1']);
t('(?m:^b)', '', ['a\nb']);
t('^b', '', ['a\nb']);
t('(?s:a.b)', '', ['a\nb']);
t('a.b(?s:.)', '', ['a\nb\n', 'axb\n']);
t('(?ms-i:^a.$)', 'i', ['x\na\n\n', 'A\n\n']);
t('(?-s:.)', 's', ['\n', 'x']);
t('(?i-:a)', '', ['A']);
t('(?-:a)', '', ['a']);
t('(?ii:a)', '', ['a']);
t('(?i-i:a)', '', ['a']);
t('(?x:a)', '', ['a']);
t('(?i:\\b\u00e9)', 'u', ['x\u00e9', ' \u00c9']);
t('\\b\u00e9', 'u', ['x\u00e9', ' \u00e9']);
t('(?i:(a)\\1)', '', ['aA']);
t('(a)(?i:\\1)', '', ['aA']);
t('(?i:\u017f)', '', ['s', 'S', '\u017f']);
t('(?i:[\u017f])', '', ['s']);
t('(?i:(?<n>x))\\k<n>', '', ['XX', 'Xx']);
t('(?i:a)+', 'g', ['aAa']);
t('(?m-i:x$)y', 'm', ['x\ny']);
t('(?i:ab|cd)', 'v', ['CD']);
