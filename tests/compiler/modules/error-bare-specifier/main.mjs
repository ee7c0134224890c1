import _ from 'lodash';
console.log(_);
