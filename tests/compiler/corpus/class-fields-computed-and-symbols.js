let i = 0;
const sym = Symbol('tag');
class C {
  [`f${++i}`] = i;
  [`f${++i}`] = i * 10;
  [sym] = 'symbol field';
  static [`s${++i}`] = i;
}
const c = new C();
console.log(JSON.stringify(c), c[sym], C.s3, i);
