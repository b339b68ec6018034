#!/usr/bin/env python3
"""Builds the demo model's tokenizer (tokenizer.json, tokenizer_config.json).

How it was run (from the repository root; needs python3 with the `regex` module):

    python3 resources/demo/model/make_tokenizer.py

It is deterministic: the same corpus gives byte-identical files.

What it makes: a GPT-2/Qwen-style byte-level BPE tokenizer in Hugging Face `tokenizers`
format, 4096 ids in all:
  * ids 0..255       the 256 byte-level base symbols (GPT-2 byte-to-unicode alphabet,
                     in byte order);
  * ids 256..4092    one token per learned merge (3837 merges), in merge order;
  * ids 4093..4095   the special added tokens <|endoftext|>, <|im_start|>, <|im_end|>.
The pre-tokenizer, decoder and post-processor are those of Qwen2/Qwen3 (Split with the
GPT-4-style regex, Isolated, then ByteLevel without regex); there is no normalizer.

Training text: every resources/demo/corpus/*.txt plus the user and assistant message
texts of resources/demo/acme/train.jsonl (never test.jsonl). Training is standard BPE:
pre-tokenize with the same regex, count word frequencies, repeatedly merge the most
frequent adjacent pair (ties: the lexicographically smallest pair of symbol strings),
with incremental pair counts.
"""
import collections
import glob
import heapq
import json
import os

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)

VOCAB_SIZE = 4096
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
NUM_MERGES = VOCAB_SIZE - 256 - len(SPECIALS)

PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
           r"|\s*[\r\n]+|\s+(?!\S)|\s+")

CHAT_TEMPLATE = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] "
                 "+ '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
                 "{% endif %}")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def training_texts():
    texts = []
    for path in sorted(glob.glob(os.path.join(DEMO, "corpus", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    with open(os.path.join(DEMO, "acme", "train.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            for m in json.loads(line)["messages"]:
                if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str):
                    texts.append(m["content"])
    return texts


def train(texts):
    b2u = bytes_to_unicode()
    pat = regex.compile(PATTERN)
    freq = collections.Counter()
    for t in texts:
        for w in pat.findall(t):
            freq["".join(b2u[b] for b in w.encode("utf-8"))] += 1
    words = [list(w) for w in sorted(freq)]
    counts = [freq[w] for w in sorted(freq)]

    pairs = collections.Counter()
    where = collections.defaultdict(set)  # pair -> indices of words holding it
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pairs[(a, b)] += counts[i]
            where[(a, b)].add(i)

    # Max-heap on count, ties by the smallest pair; stale entries are skipped lazily.
    heap = [(-c, p) for p, c in pairs.items()]
    heapq.heapify(heap)
    merges = []
    while len(merges) < NUM_MERGES and heap:
        negc, pair = heapq.heappop(heap)
        if pairs.get(pair, 0) != -negc or negc == 0:
            continue
        merges.append(pair)
        a, b = pair
        new = a + b
        changed = set()
        for i in sorted(where.pop(pair, ())):
            w = words[i]
            c = counts[i]
            j = 0
            out = []
            if not any(w[k] == a and w[k + 1] == b for k in range(len(w) - 1)):
                continue
            for x, y in zip(w, w[1:]):
                pairs[(x, y)] -= c
                changed.add((x, y))
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(new)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for x, y in zip(out, out[1:]):
                pairs[(x, y)] += c
                where[(x, y)].add(i)
                changed.add((x, y))
        pairs.pop(pair, None)
        changed.discard(pair)
        for p in changed:
            c = pairs.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pairs.pop(p, None)
    if len(merges) != NUM_MERGES:
        raise SystemExit(f"only {len(merges)} merges could be learned, {NUM_MERGES} wanted")
    return b2u, merges


def main():
    b2u, merges = train(training_texts())
    vocab = {}
    for b in range(256):
        vocab[b2u[b]] = b
    for a, b in merges:
        tok = a + b
        if tok in vocab:
            raise SystemExit(f"duplicate token {tok!r}")
        vocab[tok] = len(vocab)
    assert len(vocab) == VOCAB_SIZE - len(SPECIALS)

    added = []
    for k, s in enumerate(SPECIALS):
        added.append({"id": len(vocab) + k, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PATTERN}, "behavior": "Isolated", "invert": False},
                dict(byte_level),
            ],
        },
        "post_processor": dict(byte_level),
        "decoder": dict(byte_level),
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }
    with open(os.path.join(HERE, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")

    config = {
        "add_bos_token": False,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "model_max_length": 2048,
        "tokenizer_class": "PreTrainedTokenizerFast",
        "added_tokens_decoder": {str(t["id"]): {k: v for k, v in t.items() if k != "id"} for t in added},
        "chat_template": CHAT_TEMPLATE,
    }
    with open(os.path.join(HERE, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"vocab {len(vocab) + len(SPECIALS)}, merges {len(merges)}")


if __name__ == "__main__":
    main()
