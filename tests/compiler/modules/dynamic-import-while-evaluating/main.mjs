// import() of a file whose asynchronous evaluation (started by a static import) is still
// running waits for it to finish, and sees its final exports
import './early.mjs';
import { slow } from './slow.mjs';
console.log('main', slow);
