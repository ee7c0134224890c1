class Node2 { static make() { return new Node2(); } clone() { return new Node2(); } }
console.log(Node2.make() instanceof Node2, new Node2().clone() instanceof Node2);
