const vals = [0, '', NaN, false, null, undefined];
console.log(vals.map(v => v ?? 'D').map(String).join('|'));
console.log(vals.map(v => v || 'D').map(String).join('|'));
