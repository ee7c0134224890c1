const name = 'world', n = 3;
console.log(`hello ${name}!`);
console.log(`${n} + ${n} = ${n + n}`);
console.log(`multi
line`);
console.log(`nested ${`inner ${n * 2}`} done`);
console.log(`obj ${{toString() { return 'TS'; }}}`);
console.log(`esc \` \${x} \n \u0041 \u{1F600}`.length);
console.log(`${[1, 2]}${null}${undefined}`);
console.log(`a${1}b${2}c`);
