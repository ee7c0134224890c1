import * as ns from './lib.mjs';
try { ns.x = 2; } catch (e) { console.log('set', e instanceof TypeError); }
try { ns.fresh = 1; } catch (e) { console.log('add', e instanceof TypeError); }
try { delete ns.x; } catch (e) { console.log('delete', e instanceof TypeError); }
console.log(ns.x, Object.isExtensible(ns));
