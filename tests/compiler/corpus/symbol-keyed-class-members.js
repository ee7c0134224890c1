const K = Symbol('k');
class S { [K]() { return 'sym method'; } static [K] = 'sym static'; }
console.log(new S()[K](), S[K]);
