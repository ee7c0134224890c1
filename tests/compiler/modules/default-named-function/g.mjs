export default function greet() { return 'hi ' + typeof greet; }
