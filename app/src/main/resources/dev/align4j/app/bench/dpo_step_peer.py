"""PyTorch-eager peer of `./align4j bench dpo-step` (shipped with align4j; run with Debian's python3-torch).

One DPO update written the way TRL's DPOTrainer does it (trl/trainer/dpo_trainer.py: concatenated_forward):
chosen and rejected go through the model as one batch [2, seq], the full logits [2, seq, vocab] are computed,
log_softmax + gather give per-token log-probs, the prompt half is masked out, the dpo_norm loss (open-instruct:
mean log-prob per completion token, beta 5) uses reference log-probs computed once beforehand (the cache), then
backward and an AdamW step. With lora_r > 0 the base weights are frozen and every linear layer (q, k, v, o, gate,
up, down) gets a plain low-rank add x @ A^T @ B^T * (alpha / r); AdamW then holds only A and B.
Same Llama shape as the Java side (RMSNorm, rotate-half RoPE, GQA, SwiGLU, untied LM head; random weights).
Prints one JSON object {"seconds": median step seconds, "peak_rss_mb": VmHWM of this process} on stdout.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(a["threads"])
    torch.manual_seed(0)
    h, L, nh, nkv, V, I = a["hidden"], a["layers"], a["heads"], a["kv_heads"], a["vocab"], a["intermediate"]
    r, T, beta = a["lora_r"], a["seq"], 5.0
    d = h // nh
    g = nh // nkv
    lora = r > 0

    def w(o, i):
        return (torch.randn(o, i) * 0.02).requires_grad_(not lora)

    trainable = []

    def lin(o, i):
        layer = {"w": w(o, i)}
        if lora:
            layer["a"] = (torch.randn(r, i) * 0.01).requires_grad_()
            layer["b"] = torch.zeros(o, r, requires_grad=True)
            trainable.extend([layer["a"], layer["b"]])
        else:
            trainable.append(layer["w"])
        return layer

    def apply(layer, x):
        y = x @ layer["w"].T
        if lora:
            y = y + (x @ layer["a"].T) @ layer["b"].T * (2.0 * r / r)  # alpha = 2r
        return y

    emb = w(V, h)
    head = w(V, h)
    norm = torch.ones(h, requires_grad=not lora)
    layers = []
    for _ in range(L):
        layers.append(dict(q=lin(nh * d, h), k=lin(nkv * d, h), v=lin(nkv * d, h), o=lin(h, nh * d),
                           gate=lin(I, h), up=lin(I, h), down=lin(h, I),
                           n1=torch.ones(h, requires_grad=not lora), n2=torch.ones(h, requires_grad=not lora)))
    if not lora:
        trainable += [emb, head, norm] + [l["n1"] for l in layers] + [l["n2"] for l in layers]
    inv = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    pos = torch.arange(T)
    ang = pos[:, None].float() * inv[None, :]
    cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
    mask = torch.full((T, T), float("-inf")).triu(1)

    def rms(x, wt):
        return wt * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))

    def rope(x):
        x1, x2 = x[..., : d // 2], x[..., d // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def logits_of(tokens):
        b, t = tokens.shape
        x = F.embedding(tokens, emb)
        for l in layers:
            y = rms(x, l["n1"])
            q = rope(apply(l["q"], y).view(b, t, nh, d).transpose(1, 2))
            k = rope(apply(l["k"], y).view(b, t, nkv, d).transpose(1, 2)).repeat_interleave(g, 1)
            v = apply(l["v"], y).view(b, t, nkv, d).transpose(1, 2).repeat_interleave(g, 1)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, -1)
            x = x + apply(l["o"], (att @ v).transpose(1, 2).reshape(b, t, nh * d))
            y = rms(x, l["n2"])
            x = x + apply(l["down"], F.silu(apply(l["gate"], y)) * apply(l["up"], y))
        return rms(x, norm) @ head.T  # [b, t, V]: full logits, as the HF model returns them

    tokens = torch.randint(0, V, (2, T))  # row 0 chosen, row 1 rejected (concatenated forward)
    labels = tokens[:, 1:]
    completion = torch.zeros(2, T - 1)
    completion[:, T // 2 - 1:] = 1.0  # the prompt half is not scored

    def mean_logps():
        logp = torch.log_softmax(logits_of(tokens)[:, :-1], -1).gather(-1, labels[..., None]).squeeze(-1)
        return (logp * completion).sum(-1) / completion.sum(-1)

    with torch.no_grad():
        ref = mean_logps()  # the reference cache: computed once, outside the timed step

    opt = torch.optim.AdamW(trainable, lr=5e-7, weight_decay=0.0)

    def step():
        opt.zero_grad(set_to_none=True)
        pol = mean_logps()
        z = beta * ((pol[0] - ref[0]) - (pol[1] - ref[1]))
        loss = -F.logsigmoid(z)
        loss.backward()
        opt.step()

    for _ in range(a["warmup"]):
        step()
    times = []
    for _ in range(a["iters"]):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": statistics.median(times), "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
