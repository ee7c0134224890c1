// RegExp v flag (unicodeSets, ES2024): nested classes, intersection, subtraction, \q{} strings,
// the flags and getters, and v as u in split/replace/matchAll. Properties of strings
// (\p{RGI_Emoji}) are not supported (docs/javascript.md).
function t(src, flags, inputs) {
  var re;
  try { re = new RegExp(src, flags); } catch (e) { console.log(JSON.stringify(src), flags, e.name); return; }
  console.log(JSON.stringify(src), flags, re.flags, re.unicodeSets, re.unicode, inputs.map(function (s) { var m = re.exec(s); return m ? JSON.stringify(m[0]) + '@' + m.index : 'null'; }).join(' '));
}
t('[\\p{L}--[a-z]]', 'v', ['abcD', 'xyz', '\u00e9']);
t('[\\p{L}&&\\p{ASCII}]', 'v', ['\u00e9x', '1']);
t('[[a-z]--[aeiou]]+', 'v', ['aeixyz']);
t('[\\q{abc|d|}x]', 'v', ['abc', 'zd', 'x', 'q']);
t('^[\\q{abc|ab}]$', 'v', ['ab', 'abc']);
t('[^\\q{ab}]', 'v', ['a']);
t('[^[a-z]&&[^aeiou]]', 'v', ['ab']);
t('[a-z&&b]', 'v', ['b']);
t('[a&&&b]', 'v', ['a']);
t('[(]', 'v', ['(']);
t('[\\(]', 'v', ['(']);
t('[a--]', 'v', ['a']);
t('[\\d\\s]+', 'v', ['12 3x']);
t('[\\D--\\s]+', 'v', ['ab c']);
t('.', 'uv', ['a']);
t('[[a][b]c]+', 'v', ['abcd']);
t('[a&&b&&c]', 'v', ['a']);
t('[\\w--_]+', 'vi', ['aB_c']);
t('[\\q{AbC}]', 'vi', ['xabcx']);
t('x[[ab]--b]*y', 'v', ['xaaay', 'xaby']);
t('[\\-\\&\\!]+', 'v', ['-&!']);
t('[&&]', 'v', ['&']);
t('[!!]', 'v', ['!']);
t('(?<n>[\\q{ab|c}])\\k<n>', 'v', ['abab', 'cc']);
t('[]', 'v', ['a']);
t('[^]', 'v', ['\n']);
t('\\p{L}', 'v', ['1a']);
console.log('😀x'.split(/(?:)/v).length, '😀x'.split(/(?:)/u).length, '😀x'.split(/(?:)/).length);
console.log('😀😀'.replace(/(?:)/gv, '-'));
console.log([...'a😀'.matchAll(/(?:)/gv)].map(function (m) { return m.index; }).join());
console.log(Object.getOwnPropertyDescriptor(RegExp.prototype, 'unicodeSets').get.name);
console.log(/a/v.toString(), /[\q{x}]/v.source);
t('(?<=[\\q{ab|c}]+)x', 'v', ['abcx', 'ax', 'cx']);
t('(?<=[\\p{L}--[a-c]]{2,})\\d', 'v', ['xy1', 'ab1', 'xa1']);
t('(?<=^[[a-z]&&[^x]]*)y', 'v', ['aby', 'axy']);
t('([\\q{ab|c}])+\\1', 'v', ['ababab', 'abcc', 'cab']);
t('(?<=(?:[\\q{xy}]|z)+)!', 'vi', ['XYz!', 'q!']);
t('[\\q{😀👍|😀}a]+', 'v', ['😀👍😀a!']);
t('^[^\\p{Ll}--\\d]$', 'v', ['a', 'A', '1']);
// literals go through the compiler's check
console.log(/[\p{Lu}--[A-F]]+/v.exec('ABCXYZ')[0], /[[0-9]&&[^5]]+/v.exec('12567')[0], /x/v.flags, /x/dgimsvy.flags);
try { new RegExp('a', 'uv'); } catch (e) { console.log('uv', e.name); }
try { new RegExp('[a&&&b]', 'v'); } catch (e) { console.log('&&&', e.name); }
console.log(RegExp.prototype.flags === undefined, Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags').get.call({ unicodeSets: 1, global: 1 }));
