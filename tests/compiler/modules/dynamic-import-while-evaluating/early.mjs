console.log('early runs first');
setTimeout(() => {
  console.log('early: importing slow while it evaluates');
  import('./slow.mjs').then(ns => console.log('early got', ns.slow));
}, 0);
