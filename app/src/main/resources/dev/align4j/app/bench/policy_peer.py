"""PyTorch-eager peer of `./align4j bench policy` (shipped with align4j; run with Debian's python3-torch).

Builds the same Llama shape as the Java side (RMSNorm, rotate-half RoPE, GQA, SwiGLU, untied LM head; random
weights: speed does not depend on the values) and times, in fp32 on CPU with the given thread count:
  policy_forward_backward: forward over [batch, seq] tokens, log-softmax of the completion half, sum, backward;
  greedy_generation: prefill [batch, prompt] then gen_tokens greedy steps with a KV cache.
Prints one JSON object {name: median_seconds} on stdout.
"""
import json
import math
import statistics
import sys
import time

import torch


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(a["threads"])
    torch.manual_seed(0)
    h, L, nh, nkv, V, I = a["hidden"], a["layers"], a["heads"], a["kv_heads"], a["vocab"], a["intermediate"]
    d = h // nh
    g = nh // nkv

    def lin(o, i):
        return (torch.randn(o, i) * 0.02).requires_grad_()

    emb = lin(V, h)
    head = lin(V, h)
    layers = [dict(q=lin(nh * d, h), k=lin(nkv * d, h), v=lin(nkv * d, h), o=lin(h, nh * d),
                   gate=lin(I, h), up=lin(I, h), down=lin(h, I),
                   n1=torch.ones(h, requires_grad=True), n2=torch.ones(h, requires_grad=True))
              for _ in range(L)]
    norm = torch.ones(h, requires_grad=True)
    params = [emb, head, norm] + [p for l in layers for p in l.values()]
    inv = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.float32) / d))

    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))

    def rope(x, pos):
        ang = pos[:, None].float() * inv[None, :]
        cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
        x1, x2 = x[..., : d // 2], x[..., d // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def forward(tokens, cache=None, start=0):
        b, t = tokens.shape
        x = torch.nn.functional.embedding(tokens, emb)
        pos = torch.arange(start, start + t)
        s = start + t
        mask = torch.full((t, s), float("-inf")).triu(start + 1)
        for i, l in enumerate(layers):
            y = rms(x, l["n1"])
            q = rope((y @ l["q"].T).view(b, t, nh, d).transpose(1, 2), pos)
            k = rope((y @ l["k"].T).view(b, t, nkv, d).transpose(1, 2), pos)
            v = (y @ l["v"].T).view(b, t, nkv, d).transpose(1, 2)
            if cache is not None:
                if i in cache:
                    k = torch.cat([cache[i][0], k], 2)
                    v = torch.cat([cache[i][1], v], 2)
                cache[i] = (k, v)
            k = k.repeat_interleave(g, 1)
            v = v.repeat_interleave(g, 1)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, -1)
            x = x + (att @ v).transpose(1, 2).reshape(b, t, nh * d) @ l["o"].T
            y = rms(x, l["n2"])
            x = x + (torch.nn.functional.silu(y @ l["gate"].T) * (y @ l["up"].T)) @ l["down"].T
        return rms(x, norm)

    B, T = a["batch"], a["seq"]
    tokens = torch.randint(0, V, (B, T))

    def train_step():
        for p in params:
            p.grad = None
        hid = forward(tokens)[:, T // 2 - 1: -1]
        logp = torch.log_softmax(hid @ head.T, -1).gather(-1, tokens[:, T // 2:, None])
        logp.sum().backward()

    prompt = torch.randint(0, V, (B, a["gen_prompt"]))

    def generate():
        with torch.no_grad():
            cache = {}
            hid = forward(prompt, cache, 0)
            nxt = (hid[:, -1] @ head.T).argmax(-1, keepdim=True)
            pos = prompt.shape[1]
            for _ in range(a["gen_tokens"] - 1):
                hid = forward(nxt, cache, pos)
                pos += 1
                nxt = (hid[:, -1] @ head.T).argmax(-1, keepdim=True)

    out = {}
    for name, fn in (("policy_forward_backward", train_step), ("greedy_generation", generate)):
        for _ in range(a["warmup"]):
            fn()
        times = []
        for _ in range(a["iters"]):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
