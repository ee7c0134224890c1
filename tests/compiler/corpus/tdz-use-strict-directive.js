'use strict';
function f() { return typeof this; }
function g() { return later; }
try { g(); } catch (e) { console.log(e.name); }
const later = 1;
console.log(f(), g());
function h() {
  'use strict';
  const k = () => m;
  try { k(); } catch (e) { console.log(e.name); }
  const m = 2;
  return typeof this;
}
console.log(h());
