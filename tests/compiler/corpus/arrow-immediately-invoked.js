console.log((() => 'iife')(), (x => x * 2)(21), (async () => 1)() instanceof Promise);
