#!/usr/bin/env node
// Test helper: byte offsets from the Rust reference (HF tokenizers' Node bindings), which
// shared/reference/tokenize.mjs does not print.
//   node ref_offsets.mjs TOKENIZER_JSON < in.jsonl > out.jsonl
//   in : {"text": "...", "add_special_tokens": true}   out: {"ids": [...], "offsets": [[b, e], ...]}
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const cache = process.env.REF_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME, '.cache'), 'hf-tokenizer-reference');
const require = createRequire(path.join(cache, 'node_modules', 'x.js'));
const { Tokenizer } = require('tokenizers');
const tok = Tokenizer.fromFile(process.argv[2]);
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
const out = [];
for (const line of lines) {
  const inp = JSON.parse(line);
  const text = inp.text;
  const e = await tok.encode(text, null, { addSpecialTokens: inp.add_special_tokens !== false });
  // The bindings give offsets in code points (chars); convert them to UTF-8 bytes.
  const offs = e.getOffsets();
  const map = [0];
  let b = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0);
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    map.push(b);
  }
  out.push(JSON.stringify({ ids: e.getIds(), offsets: offs.map(([s, t]) => [map[s], map[t]]) }));
}
fs.writeSync(1, out.join('\n') + (out.length ? '\n' : ''));
