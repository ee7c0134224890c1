// `let` as an identifier in sloppy code, at the start of a statement (a fuzz finding:
// `let;` lowered to text Duktape read as a declaration and rejected).
var let = 1;
let;
let = let + 1;
let += 2;
let++;
console.log(let, typeof let);
var o = { let: 5 };
let = o.let;
console.log(let);
letter = 3;
console.log(letter, let);
function f() { return let * 2; }
console.log(f());
