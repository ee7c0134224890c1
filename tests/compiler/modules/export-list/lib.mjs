const a = 'A';
let b = 'B';
function f() { return 'F'; }
export { a, b as c, f as default };
