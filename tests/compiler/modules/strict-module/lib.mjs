export function f() { return typeof this; }
