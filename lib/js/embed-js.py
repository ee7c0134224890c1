#!/usr/bin/env python3
"""Writes a JavaScript file as a C string array: embed-js.py in.js out.h name.

The array holds the text and a terminating NUL (sizeof(name) - 1 is the text's length)."""
import sys

src, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
with open(out, 'w') as f:
    f.write('/* Generated from %s by lib/js/embed-js.py; do not edit. */\n' % src.split('/')[-1])
    f.write('static const unsigned char %s[] = {\n' % name)
    for i in range(0, len(data), 16):
        f.write('  ' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',\n')
    f.write('  0x00};\n')
