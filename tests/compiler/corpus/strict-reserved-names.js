// Names that strict code reserves stay usable where the language allows them: as
// identifiers in sloppy code (also inside a function whose body only mentions
// 'use strict' after other statements), as property names, labels in sloppy code and
// shorthand-free object keys in strict code; `let` and `static` keep working as keywords.
var let = 1, static = 2, implements = 3, yield = 4;
function sloppy() { var x = 1; 'use strict'; var public = 5; return public + let + static; }
var o = { let: 'a', static: 'b', interface: 'c', package: 'd' };
o.private = 'e';
interface: for (var i = 0; i < 2; i++) { if (i) break interface; }
function strictFn() {
  'use strict';
  let a = 1; const b = 2;
  class K { static s() { return 'static method'; } static #p = 3; static get p() { return K.#p; } }
  return [a + b, o.let, o.static, o.interface, o.package, o.private, K.s(), K.p].join(',');
}
var arrow = () => { 'use strict'; let q = [1, 2]; for (let v of q) q.push; return q.length; };
console.log(let, static, implements, yield, sloppy(), strictFn(), arrow(), i);
