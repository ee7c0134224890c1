export let top = 1;
top = 2; // written by the top level only: fixed once the module ran
export let later = 'a';
export function setLater(v) { later = v; shadowed = 'w'; }
export const arrow = () => top;
export var viaParam = 'p';
function takes(viaParam) { viaParam = 1; return viaParam; }
takes();
export let shadowed = 's';
export const K = [1, 2].length;
