#!/usr/bin/python3
"""Writes expected.jsonl: how an independent Jinja implementation renders every fixture conversation.

Run with Debian's interpreter and its Jinja2 (apt-get install python3-jinja2), from this folder:
    /usr/bin/python3 generate.py

The environment is set up the way transformers' apply_chat_template sets up its own (chat_template_utils:
ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols extension, a `generation` block
tag that records the character spans it renders, tojson overridden to json.dumps with ensure_ascii=False,
raise_exception and strftime_now as globals). Written from reading that code, not copied; transformers itself is
not needed. Special tokens are passed as variables the way transformers passes its special_tokens_map: only the
tokens that tokenizer_config.json sets.

Each output line: {"template", "conversation", "add_generation_prompt", "text" | "error",
"generation_spans": [[start, end], ...] (code-point offsets of {% generation %} output),
"assistant_spans": [[start, end], ...] (code-point offsets of each assistant message by open-instruct's prefix rule:
from the end of render(messages[:i], add_generation_prompt=True) to the end of render(messages[:i+1]); absent when a
prefix render is not a prefix of the full text or raises)}.
"""
import json
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationSpans(Extension):
    """{% generation %}...{% endgeneration %}: renders its body and records where the body landed in the output."""

    tags = {"generation"}

    def __init__(self, environment):
        super().__init__(environment)
        self.blocks = None
        self.spans = None

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_record", []), [], [], body).set_lineno(lineno)

    def _record(self, caller):
        text = caller()
        if self.blocks is not None:
            start = len("".join(self.blocks))
            self.spans.append([start, start + len(text)])
        return text


def make_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationSpans, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(env, template, variables):
    """The rendered text and the generation spans, rendering block by block as transformers does."""
    ext = env.extensions[GenerationSpans.identifier]
    blocks, spans = [], []
    ext.blocks, ext.spans = blocks, spans
    try:
        for block in template.generate(**variables):
            blocks.append(block)
    finally:
        ext.blocks, ext.spans = None, None
    return "".join(blocks), spans


def assistant_spans(env, template, base, messages, full):
    spans = []
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        start_text, _ = render(env, template, dict(base, messages=messages[:i], add_generation_prompt=True))
        end_text, _ = render(env, template, dict(base, messages=messages[: i + 1], add_generation_prompt=False))
        if not (full.startswith(start_text) and full.startswith(end_text) and len(end_text) >= len(start_text)):
            return None
        spans.append([len(start_text), len(end_text)])
    return spans


def main():
    env = make_env()
    manifest = json.load(open("templates.json", encoding="utf-8"))
    conversations = json.load(open("conversations.json", encoding="utf-8"))
    with open("expected.jsonl", "w", encoding="utf-8") as out:
        for name, spec in manifest.items():
            template = env.from_string(open(spec["file"], encoding="utf-8").read())
            for conv in conversations:
                if name not in conv.get("templates", [name]):
                    continue
                base = {k: v for k, v in spec["special_tokens"].items() if v is not None}
                if "tools" in conv:
                    base["tools"] = conv["tools"]
                base.update(conv.get("kwargs", {}))
                for gp in (False, True):
                    row = {"template": name, "conversation": conv["id"], "add_generation_prompt": gp}
                    try:
                        text, spans = render(env, template, dict(base, messages=conv["messages"], add_generation_prompt=gp))
                        row["text"] = text
                        row["generation_spans"] = spans
                        if not gp:
                            try:
                                a = assistant_spans(env, template, base, conv["messages"], text)
                            except jinja2.exceptions.TemplateError:
                                a = None
                            if a is not None:
                                row["assistant_spans"] = a
                    except jinja2.exceptions.TemplateError as e:
                        row["error"] = str(e)
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
