#!/usr/bin/env node
// The reference half of tokenizer_bench: encodes every {"text"} line of a JSONL file with
// HF tokenizers (Node bindings), one at a time, and prints {"seconds", "tokens"} for the
// encoding alone (loading and reading are not timed).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const cache = process.env.REF_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME, '.cache'), 'hf-tokenizer-reference');
const require = createRequire(path.join(cache, 'node_modules', 'x.js'));
const { Tokenizer } = require('tokenizers');
const tok = Tokenizer.fromFile(process.argv[2]);
const docs = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);
let tokens = 0;
const t0 = process.hrtime.bigint();
for (const d of docs) {
  const e = await tok.encode(d, null, { addSpecialTokens: false });
  tokens += e.getIds().length;
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ seconds, tokens }));
