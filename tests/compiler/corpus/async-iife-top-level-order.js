console.log('1 sync');
(async () => {
  console.log('2 in async');
  await 0;
  console.log('5 after await');
})();
(() => console.log('3 arrow'))();
Promise.resolve().then(() => console.log('6 then'));
console.log('4 end');
