// node >= 24
// Duplicate named capture groups (ES2025): one name in different alternatives; the groups
// object, indices.groups, $<name>, \k<name> and the early error when both could take part.
function t(src, flags, inputs) {
  var re;
  try { re = new RegExp(src, flags); } catch (e) { console.log(JSON.stringify(src), e.name); return; }
  inputs.forEach(function (s) {
    var m = re.exec(s);
    console.log(JSON.stringify(src), flags, JSON.stringify(s), m ? JSON.stringify(m.slice()) + ' ' + JSON.stringify(m.groups) + ' ' + Object.keys(m.groups).join() : 'null');
  });
}
t('(?<y>\\d{4})-\\d\\d|\\d\\d-(?<y>\\d{4})', '', ['2024-05', '05-2024']);
t('(?<a>x)|(?<a>y)', 'd', ['y']);
t('(?<a>x)(?<a>y)', '', ['xy']);
t('(?:(?<a>x)|(?<a>y))\\k<a>', '', ['xx', 'yy', 'xy']);
t('(?<a>x)|(?:zz|(?<a>y))', '', ['y']);
t('((?<a>x)|b)(?<a>y)', '', ['xy']);
t('(?:(?<a>x)|(?<b>y))|(?<a>z)(?<b>w)', 'u', ['zw', 'y']);
t('(?<a>.)(?:(?<b>x)|(?<b>y))\\k<b>', '', ['ayy']);
console.log('2024-05'.replace(/(?<y>\d{4})-(?<m>\d\d)|(?<m>\d\d)\/(?<y>\d{4})/, '$<m>.$<y>'), '05/2024'.replace(/(?<y>\d{4})-(?<m>\d\d)|(?<m>\d\d)\/(?<y>\d{4})/, '$<m>.$<y>'));
console.log([...'a1b2'.matchAll(/(?<d>\d)|(?<d>[ab])/g)].map(function (m) { return m.groups.d; }).join());
console.log('x-y'.replace(/(?<n>x)|(?<n>y)/g, function () { var g = arguments[arguments.length - 1]; return '[' + g.n + ']'; }));
console.log(/(?<a>x)|(?<a>y)/d.exec('y').indices.groups.a);
t('(?<=(?<a>x)+)z|(?<a>y)', '', ['xxz', 'y']);
t('a{2147483648}(?<n>x)|(?<n>y)', '', ['y']);
console.log(/(?<q>a)|(?<q>b)/.exec('b').groups.q);
