const \u0061bc = 'via escape';
const caf\u00e9 = 'café';
console.log(abc, café, '\u{41}\u{1F600}'.length, '\x41\101'.length);
const obj = { \u0062: 2 };
console.log(obj.b, 'ünïcödé'.toUpperCase(), 'ß'.toUpperCase());
