export var v = 'a';
export function f() { return 'first'; }
export function swap() { v = 'b'; f = function () { return 'second'; }; }
