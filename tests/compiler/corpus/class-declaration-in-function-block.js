function f(flag) { if (flag) { class K { v() { return 'K'; } } return new K().v(); } return 'none'; }
console.log(f(true), f(false));
