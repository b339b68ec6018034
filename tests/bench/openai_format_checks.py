#!/usr/bin/env python3
"""The Python anchor for validate_bench.sh: the "format checks" of the OpenAI cookbook's
chat fine-tuning data preparation notebook, written with the standard json module as the
cookbook does (the whole file loaded with json.loads per line, then each example checked).
The checks are the cookbook's, unchanged: it predates tool_calls and content parts, so it
counts those as errors; only its speed and memory matter to the benchmark.

Usage: openai_format_checks.py FILE   -> prints the error counts and one line of JSON timing.
"""
import json
import os
import resource
import sys
import time
from collections import defaultdict


def format_checks(dataset):
    format_errors = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            format_errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            format_errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                format_errors["message_missing_key"] += 1
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
                format_errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                format_errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                format_errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            format_errors["example_missing_assistant_message"] += 1
    return format_errors


def main():
    path = sys.argv[1]
    start = time.perf_counter()
    size = os.path.getsize(path)
    with open(path, "r", encoding="utf-8") as f:
        dataset = [json.loads(line) for line in f]
    errors = format_checks(dataset)
    seconds = time.perf_counter() - start
    for key, count in sorted(errors.items()):
        print(f"  {key}: {count}", file=sys.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"tool": "python-cookbook", "bytes": size, "examples": len(dataset),
                      "seconds": round(seconds, 3), "mb_per_s": round(size / 1e6 / seconds, 1),
                      "examples_per_s": round(len(dataset) / seconds), "peak_rss_mb": round(peak_mb, 1),
                      "errors": sum(errors.values())}))


if __name__ == "__main__":
    main()
