#!/usr/bin/python3
"""Independent float64 reference for align4j's GRPO / DAPO / Dr.GRPO / RLOO / REINFORCE++ pieces (issue 14).

Written from the published formulas and from reading the reference trainers, NOT from align4j's Java code:

  [TRL]  huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8
         trl/trainer/grpo_trainer.py  GRPOTrainer._compute_loss, ._generate_and_score_completions,
                                      ._get_per_token_logps_and_entropies, ._prepare_inputs, ._generate
         trl/trainer/utils.py         nanstd, entropy_from_logits, split_tensor_dict
  [verl] volcengine/verl @ b178a3cd56f58b2d502255daba591e92833930a7
         verl/trainer/ppo/core_algos.py  compute_grpo_outcome_advantage, compute_rloo_outcome_advantage,
                                         compute_reinforce_plus_plus_outcome_advantage, agg_loss,
                                         compute_policy_loss_vanilla (dual clip clip_ratio_c), kl_penalty_forward
         verl/trainer/ppo/ray_trainer.py apply_kl_penalty (KL in the reward)
         verl/utils/torch_functional.py  masked_whiten, masked_var, entropy_from_logits
         verl/workers/actor/dp_actor.py  DataParallelPPOActor.update_policy (entropy bonus, KL loss, accumulation)
         verl/workers/reward_manager/dapo.py  DAPORewardManager.__call__ (overlong buffer)
         recipe/dapo/dapo_ray_trainer.py @ 246cac4ca6b0e3ce1009bc48aaa798689e0600af (last commit before the recipe
                                         moved to verl-recipe): RayDAPOTrainer.fit, filter_groups + refill loop
  [DAPO]      arXiv:2503.14476  eq. 11 (s.t. 0 < #correct < G), eq. 12 (token-level loss), eq. 13 (R_length)
  [Dr.GRPO]   arXiv:2503.20783  (no 1/|o_i|, no std scaling)
  [GRPO]      arXiv:2402.03300  (group-normalized outcome advantage, k3 KL in the loss)
  [REINFORCE++] arXiv:2501.03262 (KL in the token reward, global batch advantage normalization)
  [RLOO]      arXiv:2402.14740

Run with Debian's /usr/bin/python3 (numpy + torch 1.13, float64):
  rl_reference.py            self-checks, then (re)writes ../resources/rl-reference/*.json and the README table
  rl_reference.py --check    self-checks, then fails if a JSON file differs from what would be written
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "resources", "rl-reference"))
SEED = 20250314

TRL = "huggingface/trl@f2cd577 trl/trainer/grpo_trainer.py"
VERL = "volcengine/verl@b178a3c verl/trainer/ppo/core_algos.py"
VERL_DAPO = "volcengine/verl@246cac4 recipe/dapo/dapo_ray_trainer.py RayDAPOTrainer.fit"

# Knob -> the names TRL (GRPOConfig) and verl (hydra config) use for it. "-" = the library has no such knob.
CONFIG_NAMES = {
    "advantage": {"trl": "scale_rewards (group=grpo, none=dr_grpo)", "verl": "algorithm.adv_estimator (+ algorithm.norm_adv_by_std_in_grpo)"},
    "scale_rewards": {"trl": "scale_rewards", "verl": "-"},
    "std_eps": {"trl": "1e-4 (hard-coded in _generate_and_score_completions)", "verl": "epsilon=1e-6 (compute_grpo_outcome_advantage)"},
    "group_size": {"trl": "num_generations", "verl": "actor_rollout_ref.rollout.n"},
    "gamma": {"trl": "-", "verl": "algorithm.gamma"},
    "whiten_eps": {"trl": "-", "verl": "1e-8 in verl_F.masked_whiten"},
    "loss_type": {"trl": "loss_type", "verl": "actor_rollout_ref.actor.loss_agg_mode"},
    "epsilon_low": {"trl": "epsilon", "verl": "actor_rollout_ref.actor.clip_ratio_low"},
    "epsilon_high": {"trl": "epsilon_high", "verl": "actor_rollout_ref.actor.clip_ratio_high"},
    "delta": {"trl": "delta", "verl": "actor_rollout_ref.actor.clip_ratio_c (default 3.0, always on)"},
    "beta": {"trl": "beta", "verl": "actor.kl_loss_coef (loss) / algorithm.kl_ctrl.kl_coef (reward)"},
    "kl_estimator": {"trl": "- (always k3)", "verl": "actor.kl_loss_type / algorithm.kl_penalty: kl|mse|low_var_kl|abs (also k1|k2|k3)"},
    "kl_placement": {"trl": "- (loss when beta != 0)", "verl": "actor.use_kl_loss / algorithm.use_kl_in_reward"},
    "entropy_coef": {"trl": "entropy_coef", "verl": "actor_rollout_ref.actor.entropy_coeff"},
    "temperature": {"trl": "temperature", "verl": "actor_rollout_ref.rollout.temperature"},
    "max_completion_length": {"trl": "max_completion_length", "verl": "data.max_response_length"},
    "mask_truncated_completions": {"trl": "mask_truncated_completions", "verl": "-"},
    "num_iterations": {"trl": "num_iterations", "verl": "actor_rollout_ref.actor.ppo_epochs"},
    "steps_per_generation": {"trl": "steps_per_generation / gradient_accumulation_steps", "verl": "data.train_batch_size / actor.ppo_mini_batch_size"},
    "overlong_buffer": {"trl": "-", "verl": "reward_model.overlong_buffer.{enable,len,penalty_factor}"},
    "filter_groups": {"trl": "-", "verl": "algorithm.filter_groups.{enable,metric,max_num_gen_batches}"},
    "train_batch_size": {"trl": "-", "verl": "data.train_batch_size (prompts = groups)"},
}
LOSS_TYPE_VERL = {
    "grpo": "seq-mean-token-mean",
    "bnpo": "token-mean (per micro-batch token count, legacy dp_actor)",
    "dr_grpo": "seq-mean-token-sum-norm (verl divides by the response length but not by the sequence count)",
    "dapo": "token-mean with global batch_num_tokens (verl/workers/utils/losses.py ppo_loss)",
}


# ----------------------------------------------------------------------------------------------------------------
# Advantages
# ----------------------------------------------------------------------------------------------------------------

def unbiased_std(x):
    """Bessel-corrected std, as torch.std / TRL nanstd / verl torch.std; nan for one value."""
    x = np.asarray(x, dtype=np.float64)
    if x.size < 2:
        return float("nan")
    m = x.sum() / x.size
    return math.sqrt(((x - m) ** 2).sum() / (x.size - 1))


def groups_of(group_ids):
    """Group id -> list of sequence indices, in first-appearance order."""
    out = {}
    for b, g in enumerate(group_ids):
        out.setdefault(int(g), []).append(b)
    return out


def grpo_advantages(seq_rewards, group_ids, scale_rewards="group", std_eps=1e-4):
    """[GRPO] / [TRL] _generate_and_score_completions (sum_then_normalize):
    A_i = (r_i - mean_group) / (std + eps); std = group std (scale_rewards='group'), batch std ('batch'),
    no division ('none' = Dr.GRPO). Returns (advantages [B], std used per sequence [B] for frac_reward_zero_std)."""
    r = np.asarray(seq_rewards, dtype=np.float64)
    adv = np.zeros_like(r)
    std_used = np.zeros_like(r)
    batch_std = unbiased_std(r)
    for g, idx in groups_of(group_ids).items():
        vals = r[idx]
        mean = vals.sum() / len(vals)
        gstd = unbiased_std(vals) if len(vals) > 1 else 0.0
        for b in idx:
            num = r[b] - mean
            if scale_rewards == "group":
                adv[b] = num / (gstd + std_eps)
                std_used[b] = gstd
            elif scale_rewards == "batch":
                adv[b] = num / (batch_std + std_eps)
                std_used[b] = batch_std
            elif scale_rewards == "none":
                adv[b] = num
                std_used[b] = gstd
            else:
                raise ValueError(scale_rewards)
    return adv, std_used


def rloo_advantages(seq_rewards, group_ids):
    """[RLOO] / [verl] compute_rloo_outcome_advantage: A_i = r_i - mean_{j != i} r_j = n/(n-1) (r_i - mean)."""
    r = np.asarray(seq_rewards, dtype=np.float64)
    adv = np.zeros_like(r)
    for g, idx in groups_of(group_ids).items():
        n = len(idx)
        if n == 1:
            adv[idx[0]] = r[idx[0]]  # verl keeps the raw score for a single sample
            continue
        total = r[idx].sum()
        for b in idx:
            adv[b] = r[b] - (total - r[b]) / (n - 1)
    return adv


def token_rewards(scores, lengths, mask, kl=None, beta=0.0):
    """Outcome score on the last completion token (verl DAPORewardManager: reward_tensor[i, valid_len - 1]),
    minus beta * kl_t on every completion token when the KL is in the reward ([verl] ray_trainer.apply_kl_penalty,
    kl of the rollout (old) log-probs against the reference, times the response mask)."""
    B, T = mask.shape
    rew = np.zeros((B, T))
    for b in range(B):
        if lengths[b] > 0:
            rew[b, lengths[b] - 1] = scores[b]
    if kl is not None and beta != 0.0:
        rew = rew - beta * kl * mask
    return rew


def reinforce_pp_advantages(tok_rewards, mask, gamma=1.0, whiten_eps=1e-8):
    """[REINFORCE++] / [verl] compute_reinforce_plus_plus_outcome_advantage: discounted return per token
    G_t = r_t + gamma * G_{t+1} (reset where the mask is 0), then whitened over ALL completion tokens of the batch
    (masked mean, Bessel-corrected masked variance, (G - mean) / sqrt(var + eps)), times the mask.
    verl's masked_mean divides by (count + 1e-8); here the mean is exact (difference ~1e-8 / count, relative)."""
    B, T = mask.shape
    returns = np.zeros((B, T))
    running = np.zeros(B)
    for t in reversed(range(T)):
        running = tok_rewards[:, t] + gamma * running
        returns[:, t] = running
        running = running * mask[:, t]
    n = mask.sum()
    mean = (returns * mask).sum() / n
    var = (((returns - mean) ** 2) * mask).sum() / n * (n / (n - 1))
    adv = (returns - mean) / math.sqrt(var + whiten_eps) * mask
    return adv, returns


# ----------------------------------------------------------------------------------------------------------------
# KL estimators (per token), entropy, log-probs at the sampling temperature
# ----------------------------------------------------------------------------------------------------------------

def kl_estimate(new_logp, ref_logp, kind):
    """[verl] kl_penalty_forward (J. Schulman, 'Approximating KL divergence'), sampled token under the policy:
    k1 ('kl')         = logp - ref
    k2 ('mse')        = 0.5 * (logp - ref)^2
    k3 ('low_var_kl') = exp(ref - logp) - (ref - logp) - 1     (TRL's per_token_kl; verl clamps to [-10, 10])
    abs               = |logp - ref|
    Works on numpy arrays and torch tensors."""
    d = new_logp - ref_logp
    if kind == "k1":
        return d
    if kind == "k2":
        return 0.5 * d * d
    if kind == "k3":
        lib = torch if isinstance(d, torch.Tensor) else np
        return lib.exp(-d) + d - 1.0
    if kind == "abs":
        return d.abs() if isinstance(d, torch.Tensor) else np.abs(d)
    raise ValueError(kind)


def logp_and_entropy(logits, tokens, temperature):
    """[TRL] _get_per_token_logps_and_entropies: logits / temperature, then log-softmax at the sampled token and
    entropy H = -sum p log p ([TRL] utils.entropy_from_logits; [verl] torch_functional.entropy_from_logits computes
    the same value as logsumexp(z) - sum softmax(z) z)."""
    z = logits / temperature
    logp_all = torch.log_softmax(z, dim=-1)
    logp = torch.gather(logp_all, -1, tokens.unsqueeze(-1)).squeeze(-1)
    entropy = -(torch.exp(logp_all) * logp_all).sum(-1)
    return logp, entropy


# ----------------------------------------------------------------------------------------------------------------
# Per-token clipped surrogate, metrics, aggregation
# ----------------------------------------------------------------------------------------------------------------

def per_token_pg_loss(new_logp, old_logp, adv, eps_low, eps_high, delta):
    """Clipped surrogate per token, sign: to be minimized.
    [verl] compute_policy_loss_vanilla: l = max(-A r, -A clip(r, 1-eps_low, 1+eps_high)); for A < 0 (dual clip,
    arXiv:1912.09729) l = min(l, -A c) with c = clip_ratio_c = delta. Torch tensors."""
    ratio = torch.exp(new_logp - old_logp)
    l1 = -adv * ratio
    l2 = -adv * torch.clamp(ratio, 1.0 - eps_low, 1.0 + eps_high)
    loss = torch.maximum(l1, l2)
    if delta is not None:
        loss = torch.where(adv < 0, torch.minimum(loss, -adv * delta), loss)
    return loss, ratio


def per_token_pg_loss_trl(new_logp, old_logp, adv, eps_low, eps_high, delta):
    """Same quantity written as [TRL] _compute_loss does (coef_1 capped at delta before the min); used only to check
    that TRL's `delta` and verl's `clip_ratio_c` are the same thing."""
    coef_1 = torch.exp(new_logp - old_logp)
    coef_2 = torch.clamp(coef_1, 1 - eps_low, 1 + eps_high)
    if delta is not None:
        coef_1 = torch.clamp(coef_1, max=delta)
    return -torch.minimum(coef_1 * adv, coef_2 * adv)


def masked_mean_np(x, m):
    n = m.sum()
    return float((x * m).sum() / n) if n > 0 else 0.0


def step_metrics(ratio, adv, m, eps_low, eps_high, delta, new_logp, old_logp, per_token_kl, entropy):
    """[TRL] _compute_loss metric block (global_masked_mean over the loss mask):
    is_low_clipped = coef_1 < 1 - eps_low & A < 0; is_high_clipped = coef_1 > 1 + eps_high & A > 0 (coef_1 after the
    delta cap); region = either. [verl] compute_policy_loss_vanilla: pg_clipfrac = mean(-A clip(r) > -A r),
    pg_clipfrac_lower = mean((max(-A r, -A clip r) > -A c) & A < 0), ppo_kl = mean(old - new)."""
    coef_1 = np.minimum(ratio, delta) if delta is not None else ratio
    low = ((coef_1 < 1 - eps_low) & (adv < 0)).astype(np.float64)
    high = ((coef_1 > 1 + eps_high) & (adv > 0)).astype(np.float64)
    region = np.maximum(low, high)
    l1 = -adv * ratio
    l2 = -adv * np.clip(ratio, 1 - eps_low, 1 + eps_high)
    out = {
        "clip_ratio/low_mean": masked_mean_np(low, m),
        "clip_ratio/high_mean": masked_mean_np(high, m),
        "clip_ratio/region_mean": masked_mean_np(region, m),
        "actor/pg_clipfrac": masked_mean_np((l2 > l1).astype(np.float64), m),
        "actor/ppo_kl": masked_mean_np(old_logp - new_logp, m),
    }
    if delta is not None:
        lower = ((np.maximum(l1, l2) > -adv * delta) & (adv < 0)).astype(np.float64)
        out["actor/pg_clipfrac_lower"] = masked_mean_np(lower, m)
    if per_token_kl is not None:
        out["kl"] = masked_mean_np(per_token_kl, m)
    if entropy is not None:
        out["entropy"] = masked_mean_np(entropy, m)
    return out


def aggregate_slice(mat, m, rows, loss_type, max_len, n_step_tokens):
    """One micro-batch's loss before accumulation scaling ([TRL] _compute_loss; [verl] agg_loss):
    grpo:    mean over the slice's sequences of (sum_t l m / max(1, sum_t m))  (TRL counts fully masked rows)
    bnpo:    sum l m / max(1, sum m)                                           (tokens of this micro-batch)
    dr_grpo: sum l m / (rows * max_completion_length)
    dapo:    sum l m / N_step                                                  (tokens of the whole optimizer step)"""
    sm = mat[rows] * m[rows]
    if loss_type == "grpo":
        per_seq = sm.sum(-1) / torch.clamp(m[rows].sum(-1), min=1.0)
        return per_seq.mean()
    if loss_type == "bnpo":
        return sm.sum() / torch.clamp(m[rows].sum(), min=1.0)
    if loss_type == "dr_grpo":
        return sm.sum() / (len(rows) * max_len)
    if loss_type == "dapo":
        return sm.sum() / max(n_step_tokens, 1.0)
    raise ValueError(loss_type)


def step_loss(new_logp, old_logp, ref_logp, adv, m, slices, cfg, entropy=None):
    """Effective loss of one optimizer step made of `slices` (micro-batches x accumulation steps).
    grpo/bnpo/dr_grpo: (1/S) sum_s loss_s ([TRL] loss / current_gradient_accumulation_steps, DDP mean over ranks;
    [verl] dp_actor loss_scale_factor = 1 / gradient_accumulation); dapo: sum_s loss_s (already over N_step).
    KL in the loss: per_token_loss += beta * kl (TRL) == + beta * agg(kl) (verl, agg is linear).
    Entropy bonus: loss_s -= entropy_coef * agg_s(entropy) ([verl] dp_actor.update_policy)."""
    pg, ratio = per_token_pg_loss(new_logp, old_logp, adv, cfg["epsilon_low"], cfg["epsilon_high"], cfg["delta"])
    per_tok = pg
    kl = None
    if cfg.get("beta", 0.0) != 0.0 and cfg.get("kl_placement") == "loss":
        kl = kl_estimate(new_logp, ref_logp, cfg["kl_estimator"])
        per_tok = per_tok + cfg["beta"] * kl
    S = len(slices)
    n_step = float(sum(m[rows].sum().item() for rows in slices))
    scale = 1.0 if cfg["loss_type"] == "dapo" else 1.0 / S
    parts = []
    for rows in slices:
        part = aggregate_slice(per_tok, m, rows, cfg["loss_type"], cfg["max_completion_length"], n_step)
        if entropy is not None and cfg.get("entropy_coef", 0.0) != 0.0:
            part = part - cfg["entropy_coef"] * aggregate_slice(
                entropy, m, rows, cfg["loss_type"], cfg["max_completion_length"], n_step)
        parts.append(part * scale)
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total, parts, per_tok, ratio, kl


# ----------------------------------------------------------------------------------------------------------------
# Overlong shaping, truncation masking, dynamic sampling
# ----------------------------------------------------------------------------------------------------------------

def overlong_penalty(length, max_len, buffer_len, penalty_factor):
    """[DAPO] eq. 13 (soft overlong punishment), scaled by penalty_factor as [verl] DAPORewardManager:
    0 if L <= Lmax - Lcache; ((Lmax - Lcache) - L) / Lcache inside the buffer; -1 beyond Lmax.
    (verl computes min(-(L - (Lmax - Lcache)) / Lcache * factor, 0); L never exceeds Lmax there.)"""
    expected = max_len - buffer_len
    if length <= expected:
        return 0.0
    if length <= max_len:
        return (expected - length) / buffer_len * penalty_factor
    return -1.0 * penalty_factor


def truncation_loss_mask(completion_mask, truncated, enabled):
    """[TRL] _generate_and_score_completions: with mask_truncated_completions, completions without EOS get an
    all-zero completion mask (their rewards still enter the group statistics)."""
    if not enabled:
        return completion_mask.copy()
    return completion_mask * (~np.asarray(truncated, dtype=bool))[:, None].astype(np.float64)


def dynamic_sampling(rounds, train_batch_size, max_num_gen_batches, metric_fn):
    """[verl] recipe/dapo RayDAPOTrainer.fit with filter_groups.enable:
    each round: num_gen_batches += 1; keep the groups whose metric has np.std > 0 (or a single sample);
    num_prompt_in_batch += kept; if num_prompt_in_batch < train_batch_size: continue when max_num_gen_batches <= 0
    or num_gen_batches < max_num_gen_batches, else raise ValueError; otherwise batch = first
    train_batch_size groups (batch[:traj_bsz]). [DAPO] eq. 11: keep 0 < #correct < G (metric 'acc')."""
    kept_per_round = []
    batch = []
    num_kept = 0
    for r, groups in enumerate(rounds):
        kept = []
        for gi, grp in enumerate(groups):
            vals = np.asarray(metric_fn(grp), dtype=np.float64)
            if np.std(vals) > 0 or len(vals) == 1:
                kept.append(gi)
        kept_per_round.append(kept)
        num_kept += len(kept)
        batch.extend([[r, gi] for gi in kept])
        rounds_used = r + 1
        if num_kept < train_batch_size:
            if max_num_gen_batches <= 0 or rounds_used < max_num_gen_batches:
                continue
            return {"status": "error_max_num_gen_batches", "rounds_used": rounds_used,
                    "kept_per_round": kept_per_round, "num_groups_kept": num_kept, "batch": []}
        return {"status": "full", "rounds_used": rounds_used, "kept_per_round": kept_per_round,
                "num_groups_kept": num_kept, "batch": batch[:train_batch_size]}
    raise ValueError("the round stream ran out before the batch was full or the limit was hit")


# ----------------------------------------------------------------------------------------------------------------
# Scenario builders
# ----------------------------------------------------------------------------------------------------------------

def lst(a):
    return np.asarray(a).tolist()


def mask_from_lengths(lengths, T):
    return (np.arange(T)[None, :] < np.asarray(lengths)[:, None]).astype(np.float64)


def pad0(x, m):
    return np.where(m > 0, x, 0.0)


def names_for(cfg):
    out = {k: CONFIG_NAMES[k] for k in cfg if k in CONFIG_NAMES}
    if "loss_type" in cfg:
        out["loss_type"] = {"trl": "loss_type=" + cfg["loss_type"], "verl": "loss_agg_mode=" + LOSS_TYPE_VERL[cfg["loss_type"]]}
    return out


def scenario(name, kind, source, description, cfg, inputs, expected):
    return {"name": name, "kind": kind, "source": source, "description": description, "config": cfg,
            "config_names": names_for(cfg), "inputs": inputs, "expected": expected}


def generation_metrics(scores, std_used, lengths, truncated):
    """[TRL] _generate_and_score_completions: reward = mean and reward_std = nanstd (unbiased) of the reward
    functions' weighted sum (the scores, before any KL-in-reward), frac_reward_zero_std = mean over sequences of
    isclose(std used for the advantage, 0); [TRL] _generate: completions/mean_length over completion lengths (EOS
    included, before masking), completions/clipped_ratio = fraction of completions without EOS."""
    r = np.asarray(scores, dtype=np.float64)
    return {
        "reward": float(r.mean()),
        "reward_std": unbiased_std(r),
        "frac_reward_zero_std": float(np.mean(np.abs(std_used) <= 1e-8)),
        "completions/mean_length": float(np.mean(lengths)),
        "completions/clipped_ratio": float(np.mean(np.asarray(truncated, dtype=np.float64))),
    }


def compute_advantages(cfg, scores, group_ids, lengths, mask, old_logp=None, ref_logp=None):
    """Token rewards -> sequence rewards -> advantages [B][T] for cfg['advantage']."""
    kl = None
    beta_r = cfg.get("beta", 0.0) if cfg.get("kl_placement") == "reward" else 0.0
    if beta_r != 0.0:
        kl = kl_estimate(old_logp, ref_logp, cfg["kl_estimator"]) * mask
    tok = token_rewards(scores, lengths, mask, kl, beta_r)
    seq = tok.sum(-1)
    res = {"token_rewards": tok, "sequence_rewards": seq}
    kind = cfg["advantage"]
    if kind in ("grpo", "dr_grpo"):
        scale = "none" if kind == "dr_grpo" else cfg.get("scale_rewards", "group")
        a, std_used = grpo_advantages(seq, group_ids, scale, cfg.get("std_eps", 1e-4))
        res["advantages_per_sequence"] = a
        res["advantages"] = a[:, None] * mask
    elif kind == "rloo":
        a = rloo_advantages(seq, group_ids)
        _, std_used = grpo_advantages(seq, group_ids, "group")
        res["advantages_per_sequence"] = a
        res["advantages"] = a[:, None] * mask
    elif kind == "reinforce_pp":
        a, ret = reinforce_pp_advantages(tok, mask, cfg.get("gamma", 1.0), cfg.get("whiten_eps", 1e-8))
        _, std_used = grpo_advantages(seq, group_ids, "group")
        res["advantages"] = a
        res["returns"] = ret
    else:
        raise ValueError(kind)
    res["std_used"] = std_used
    return res


def build_advantage_scenario(name, cfg, scores, group_ids, lengths, T, rng, source, description):
    mask = mask_from_lengths(lengths, T)
    inputs = {"group_ids": list(group_ids), "rewards": lst(scores), "lengths": list(lengths),
              "completion_mask": lst(mask)}
    old = ref = None
    if cfg.get("kl_placement") == "reward":
        old = pad0(-rng.uniform(0.05, 2.5, size=mask.shape), mask)
        ref = pad0(old + rng.normal(0.0, 0.3, size=mask.shape), mask)
        inputs["old_logp"] = lst(old)
        inputs["ref_logp"] = lst(ref)
    res = compute_advantages(cfg, np.asarray(scores, dtype=np.float64), group_ids, lengths, mask, old, ref)
    expected = {"token_rewards": lst(res["token_rewards"]), "sequence_rewards": lst(res["sequence_rewards"]),
                "advantages": lst(res["advantages"])}
    if "advantages_per_sequence" in res:
        expected["advantages_per_sequence"] = lst(res["advantages_per_sequence"])
    if "returns" in res:
        expected["returns"] = lst(res["returns"])
    gm = generation_metrics(scores, res["std_used"], lengths, [False] * len(lengths))
    expected["metrics"] = {k: gm[k] for k in ("reward", "reward_std", "frac_reward_zero_std")}
    return scenario(name, "advantages", source, description, cfg, inputs, expected), res


def run_updates(cfg, inputs_np, updates):
    """Evaluate every optimizer step: loss, slice terms, autograd gradients, metrics."""
    m = torch.tensor(inputs_np["loss_mask"])
    old = torch.tensor(inputs_np["old_logp"])
    ref = torch.tensor(inputs_np["ref_logp"]) if inputs_np.get("ref_logp") is not None else None
    adv = torch.tensor(inputs_np["advantages"])
    out = []
    for up in updates:
        entropy = None
        if "logits" in up:
            logits = torch.tensor(up["logits"], requires_grad=True)
            tokens = torch.tensor(up["tokens"], dtype=torch.long)
            lp_full, ent_full = logp_and_entropy(logits, tokens, cfg["temperature"])
            # total gradient w.r.t. the logits (through the log-prob and the entropy)
            total, _, _, _, _ = step_loss(lp_full, old, ref, adv, m, up["slices"], cfg, ent_full)
            total.backward()
            grad_logits = logits.grad.detach().numpy() * inputs_np["loss_mask"][:, :, None]
            new_np = lp_full.detach().numpy() * inputs_np["completion_mask"]
            entropy = ent_full.detach()
        else:
            new_np = np.asarray(up["new_logp"])
        new = torch.tensor(new_np, requires_grad=True)
        loss, parts, per_tok, ratio, kl = step_loss(new, old, ref, adv, m, up["slices"], cfg, entropy)
        loss.backward()
        grad = new.grad.detach().numpy()
        mnp = inputs_np["loss_mask"]
        ratio_np = ratio.detach().numpy()
        adv_np = inputs_np["advantages"]
        kl_np = kl.detach().numpy() if kl is not None else None
        ent_np = entropy.numpy() if entropy is not None else None
        step_rows = sorted(b for rows in up["slices"] for b in rows)
        sm = np.zeros_like(mnp)
        sm[step_rows] = mnp[step_rows]
        res = {
            "loss": loss.item(),
            "slice_losses": [p.item() for p in parts],
            "ratio": ratio_np * inputs_np["completion_mask"] + (1 - inputs_np["completion_mask"]),
            "per_token_loss": per_tok.detach().numpy() * sm,
            "grad_new_logp": grad,
            "metrics": step_metrics(ratio_np, adv_np, sm, cfg["epsilon_low"], cfg["epsilon_high"], cfg["delta"],
                                    new_np, inputs_np["old_logp"], kl_np, ent_np),
            "metrics_per_slice": [],
            "new_logp": new_np,
        }
        for rows in up["slices"]:
            sl = np.zeros_like(mnp)
            sl[rows] = mnp[rows]
            res["metrics_per_slice"].append(step_metrics(ratio_np, adv_np, sl, cfg["epsilon_low"],
                                                         cfg["epsilon_high"], cfg["delta"], new_np,
                                                         inputs_np["old_logp"], kl_np, ent_np))
        if kl_np is not None:
            res["per_token_kl"] = kl_np * sm
        if ent_np is not None:
            res["entropy"] = ent_np * inputs_np["completion_mask"]
            res["grad_logits"] = grad_logits
        out.append(res)
    return out


def build_update_scenario(name, cfg, rng, scores, group_ids, lengths, truncated, update_specs, source, description,
                          vocab=None):
    """update_specs: list of dicts {iteration, step, slices, delta_scale or deltas [B][T]} (deltas added to the old
    log-probs give the new ones); with `vocab`, logits are drawn and the log-probs come from them."""
    T = cfg["max_completion_length"]
    B = len(lengths)
    cmask = mask_from_lengths(lengths, T)
    lmask = truncation_loss_mask(cmask, truncated, cfg.get("mask_truncated_completions", False))
    needs_ref = cfg.get("beta", 0.0) != 0.0
    inputs = {"group_ids": list(group_ids), "rewards": lst(scores), "lengths": list(lengths),
              "truncated": [bool(x) for x in truncated], "completion_mask": lst(cmask)}
    np_in = {"completion_mask": cmask, "loss_mask": lmask}
    logits0 = tokens = None
    if vocab is not None:
        logits0 = rng.normal(0.0, 1.5, size=(B, T, vocab))
        z = logits0 / cfg["temperature"]
        p = np.exp(z - z.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        tokens = np.zeros((B, T), dtype=np.int64)
        for b in range(B):
            for t in range(T):
                tokens[b, t] = rng.choice(vocab, p=p[b, t]) if cmask[b, t] > 0 else 0
        lp0 = np.take_along_axis(np.log(p), tokens[:, :, None], -1)[:, :, 0]
        old = pad0(lp0 + rng.normal(0.0, 0.15, size=(B, T)), cmask)
    else:
        old = pad0(-rng.uniform(0.05, 2.5, size=(B, T)), cmask)
    ref = pad0(old + rng.normal(0.0, 0.25, size=(B, T)), cmask) if needs_ref or cfg.get("kl_placement") == "reward" else None
    np_in["old_logp"] = old
    np_in["ref_logp"] = ref
    adv_res = compute_advantages(cfg, np.asarray(scores, dtype=np.float64), group_ids, lengths, cmask, old, ref)
    np_in["advantages"] = adv_res["advantages"]
    inputs["old_logp"] = lst(old)
    if ref is not None:
        inputs["ref_logp"] = lst(ref)
    inputs["advantages"] = lst(adv_res["advantages"])
    updates_in = []
    updates_eval = []
    for spec in update_specs:
        u_in = {"iteration": spec["iteration"], "step": spec["step"], "slices": spec["slices"]}
        u_ev = {"slices": spec["slices"]}
        rows = sorted(b for s in spec["slices"] for b in s)
        if vocab is not None:
            logits = logits0 + spec.get("logit_shift", 0.0) * rng.normal(0.0, 1.0, size=logits0.shape)
            u_in["tokens"] = lst(tokens)
            u_in["logits"] = lst(logits)
            u_ev["logits"] = logits
            u_ev["tokens"] = tokens
        else:
            if "deltas" in spec:
                d = np.asarray(spec["deltas"], dtype=np.float64)
            else:
                d = rng.normal(0.0, spec.get("delta_scale", 0.0), size=(B, T))
            keep = np.zeros((B, 1))
            keep[rows] = 1.0
            new = pad0(old + d * keep, cmask)
            u_in["new_logp"] = lst(new)
            u_ev["new_logp"] = new
        updates_in.append(u_in)
        updates_eval.append(u_ev)
    results = run_updates(cfg, np_in, updates_eval)
    for u_in, r in zip(updates_in, results):
        if "logits" in u_in:
            u_in["new_logp"] = lst(r["new_logp"])
    inputs["updates"] = updates_in
    exp_updates = []
    for r in results:
        e = {"loss": r["loss"], "slice_losses": r["slice_losses"], "ratio": lst(r["ratio"]),
             "per_token_loss": lst(r["per_token_loss"]), "grad_new_logp": lst(r["grad_new_logp"])}
        if "per_token_kl" in r:
            e["per_token_kl"] = lst(r["per_token_kl"])
        if "entropy" in r:
            e["entropy"] = lst(r["entropy"])
            e["grad_logits"] = lst(r["grad_logits"])
        e["metrics"] = r["metrics"]
        e["metrics_per_slice"] = r["metrics_per_slice"]
        exp_updates.append(e)
    expected = {"loss_mask": lst(lmask), "updates": exp_updates,
                "generation_metrics": generation_metrics(scores, adv_res["std_used"], lengths, truncated)}
    if "advantages_per_sequence" in adv_res:
        expected["advantages_per_sequence"] = lst(adv_res["advantages_per_sequence"])
    sc = scenario(name, "policy_update", source, description, cfg, inputs, expected)
    return sc, np_in, results


def trl_entropy_convention_loss(sc):
    """[TRL] _compute_loss entropy bonus for the non-dapo loss types: per micro-batch the entropy is a plain token
    mean (not aggregated like the loss), divided by the accumulation steps. Only a diagnostic: the scenario's loss
    follows verl (entropy aggregated with loss_agg_mode)."""
    cfg = sc["config"]
    up = sc["inputs"]["updates"][0]
    m = np.asarray(sc["expected"]["loss_mask"])
    _, ent = logp_and_entropy(torch.tensor(up["logits"]), torch.tensor(up["tokens"]), cfg["temperature"])
    ent = ent.numpy()
    no_bonus = dict(cfg, entropy_coef=0.0)
    loss = step_loss(torch.tensor(up["new_logp"]), torch.tensor(sc["inputs"]["old_logp"]), None,
                     torch.tensor(sc["inputs"]["advantages"]), torch.tensor(m), up["slices"], no_bonus)[0].item()
    S = len(up["slices"])
    for rows in up["slices"]:
        loss -= cfg["entropy_coef"] * (ent[rows] * m[rows]).sum() / max(m[rows].sum(), 1.0) / S
    return loss


# ----------------------------------------------------------------------------------------------------------------
# The scenarios
# ----------------------------------------------------------------------------------------------------------------

def base_loss_cfg(**kw):
    cfg = {"advantage": "grpo", "scale_rewards": "group", "std_eps": 1e-4, "group_size": 4, "loss_type": "grpo",
           "epsilon_low": 0.2, "epsilon_high": 0.28, "delta": None, "beta": 0.0, "kl_estimator": "k3",
           "kl_placement": "none", "entropy_coef": 0.0, "temperature": 1.0, "max_completion_length": 6,
           "mask_truncated_completions": False, "num_iterations": 1, "steps_per_generation": 1}
    cfg.update(kw)
    if cfg["advantage"] not in ("grpo", "dr_grpo"):
        del cfg["scale_rewards"], cfg["std_eps"]
    return cfg


def all_scenarios():
    rng = np.random.default_rng(SEED)
    sc = []
    checks = {}

    # ---- advantages -------------------------------------------------------------------------------------------
    gids = [0] * 4 + [1] * 4 + [2] * 4
    lengths12 = [3, 5, 6, 2, 4, 6, 1, 5, 6, 6, 2, 3]
    scores = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 1.0, 0.25]  # group 1 has zero std
    a_cfg = {"advantage": "grpo", "scale_rewards": "group", "std_eps": 1e-4, "group_size": 4,
             "max_completion_length": 6, "kl_placement": "none"}
    s, r_grpo = build_advantage_scenario("adv_grpo_group", a_cfg, scores, gids, lengths12, 6, rng,
                                         TRL + " _generate_and_score_completions (scale_rewards='group'); [GRPO] arXiv:2402.03300 sec. 4.1.2; " + VERL + " compute_grpo_outcome_advantage",
                                         "GRPO outcome advantage (r - group mean) / (unbiased group std + 1e-4); group 1 is all-equal (advantage 0, counted in frac_reward_zero_std).")
    sc.append(s)
    s, _ = build_advantage_scenario("adv_grpo_batch_std", dict(a_cfg, scale_rewards="batch"), scores, gids,
                                    lengths12, 6, rng, TRL + " _generate_and_score_completions (scale_rewards='batch')",
                                    "Group mean baseline, batch-wide unbiased std (TRL scale_rewards='batch').")
    sc.append(s)
    s, r_dr = build_advantage_scenario("adv_dr_grpo", dict(a_cfg, advantage="dr_grpo", scale_rewards="none"), scores,
                                       gids, lengths12, 6, rng,
                                       "[Dr.GRPO] arXiv:2503.20783 sec. 3.2; " + TRL + " (scale_rewards='none'); " + VERL + " compute_grpo_outcome_advantage (norm_adv_by_std_in_grpo=False)",
                                       "Dr.GRPO advantage r - group mean (no std scaling).")
    sc.append(s)
    checks["dr_grpo_is_grpo_numerator"] = (r_grpo, r_dr)
    s, _ = build_advantage_scenario("adv_rloo", dict(a_cfg, advantage="rloo"), scores, gids, lengths12, 6, rng,
                                    "[RLOO] arXiv:2402.14740; " + VERL + " compute_rloo_outcome_advantage",
                                    "RLOO leave-one-out baseline: r_i - mean of the other samples of the group.")
    sc.append(s)
    s, _ = build_advantage_scenario("adv_grpo_kl_in_reward",
                                    dict(a_cfg, kl_placement="reward", beta=0.1, kl_estimator="k1"), scores, gids,
                                    lengths12, 6, rng,
                                    "volcengine/verl@b178a3c verl/trainer/ppo/ray_trainer.py apply_kl_penalty (use_kl_in_reward, kl_penalty='kl') then compute_grpo_outcome_advantage on token_level_rewards.sum(-1)",
                                    "KL in the reward: token reward = score at the last token - beta * k1(old, ref) per token; GRPO on the summed sequence reward.")
    sc.append(s)
    def rpp_cfg(beta, estimator, gamma):
        return {"advantage": "reinforce_pp", "group_size": 4, "max_completion_length": 6, "kl_placement": "reward",
                "beta": beta, "kl_estimator": estimator, "gamma": gamma, "whiten_eps": 1e-8}

    s, r_rpp = build_advantage_scenario("adv_reinforce_pp", rpp_cfg(0.05, "k1", 1.0), scores, gids, lengths12, 6, rng,
                                        "[REINFORCE++] arXiv:2501.03262; " + VERL + " compute_reinforce_plus_plus_outcome_advantage; verl/trainer/ppo/ray_trainer.py apply_kl_penalty; verl/utils/torch_functional.py masked_whiten",
                                        "REINFORCE++: per-token return of (score - beta*k1 per token), whitened over all completion tokens of the batch (Bessel variance, eps 1e-8 in rsqrt).")
    sc.append(s)
    checks["reinforce_pp_whitened"] = r_rpp
    s, r_rpp2 = build_advantage_scenario("adv_reinforce_pp_gamma_k3", rpp_cfg(0.2, "k3", 0.9), scores, gids,
                                         lengths12, 6, rng,
                                         "[REINFORCE++] arXiv:2501.03262; " + VERL + " compute_reinforce_plus_plus_outcome_advantage (gamma), kl_penalty_forward('low_var_kl')",
                                         "REINFORCE++ with discount 0.9 and the k3 estimator in the reward.")
    sc.append(s)
    checks["reinforce_pp_whitened_2"] = r_rpp2

    # ---- KL estimators ----------------------------------------------------------------------------------------
    kl_len = [4, 6, 2]
    km = mask_from_lengths(kl_len, 6)
    new = pad0(-rng.uniform(0.05, 2.5, size=km.shape), km)
    ref = pad0(new + rng.normal(0.0, 0.6, size=km.shape), km)
    sc.append(scenario("kl_estimators", "kl_estimators",
                       VERL + " kl_penalty_forward (kl|mse|low_var_kl|abs); " + TRL + " _compute_loss per_token_kl (k3); J. Schulman 'Approximating KL divergence' (2020)",
                       "Per-token KL estimators of the sampled token: k1 = logp - ref, k2 = 0.5 (logp - ref)^2, k3 = exp(ref - logp) - (ref - logp) - 1, abs.",
                       {"max_completion_length": 6},
                       {"new_logp": lst(new), "ref_logp": lst(ref), "completion_mask": lst(km)},
                       {k: lst(kl_estimate(new, ref, k) * km) for k in ("k1", "k2", "k3", "abs")}))

    # ---- overlong shaping -------------------------------------------------------------------------------------
    for nm, factor in (("overlong_penalty", 1.0), ("overlong_penalty_factor_half", 0.5)):
        ob = {"enable": True, "len": 5, "penalty_factor": factor}
        Ls = [3, 14, 15, 16, 17, 19, 20, 23]
        scs = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0]
        pen = [overlong_penalty(L, 20, 5, factor) for L in Ls]
        sc.append(scenario(nm, "overlong",
                           "[DAPO] arXiv:2503.14476 eq. 13 (soft overlong punishment); volcengine/verl@b178a3c verl/workers/reward_manager/dapo.py DAPORewardManager.__call__ (overlong_buffer)",
                           "Overlong soft punishment with Lmax = 20, Lcache = 5: 0 up to 15 tokens, linear to -factor at 20, -factor beyond (paper; verl never sees L > Lmax).",
                           {"max_completion_length": 20, "overlong_buffer": ob},
                           {"lengths": Ls, "scores": scs},
                           {"penalty": pen, "shaped_rewards": [s_ + p for s_, p in zip(scs, pen)]}))

    # ---- policy updates ---------------------------------------------------------------------------------------
    g8 = [0] * 4 + [1] * 4
    len8 = [6, 2, 5, 3, 4, 6, 1, 5]
    sc8 = [1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0]
    tr8 = [False] * 8
    all8 = [list(range(8))]

    s, np_in, res = build_update_scenario(
        "loss_grpo_mu1_on_policy", base_loss_cfg(beta=0.04, kl_placement="loss", kl_estimator="k3"), rng, sc8, g8,
        len8, tr8, [{"iteration": 0, "step": 0, "slices": all8, "delta_scale": 0.0}],
        TRL + " _compute_loss (loss_type='grpo', beta=0.04, k3)",
        "mu = 1, new == old: ratio 1, zero clip fractions; GRPO per-sequence token mean, then batch mean; k3 KL in the loss.")
    sc.append(s)
    checks["mu1"] = res

    same = {}
    for lt in ("grpo", "bnpo", "dr_grpo", "dapo"):
        r2 = np.random.default_rng(SEED + 1)  # identical data for the four aggregations
        s, np_in, res = build_update_scenario(
            "loss_" + lt + "_one_slice", base_loss_cfg(loss_type=lt), r2, sc8, g8, len8, tr8,
            [{"iteration": 1, "step": 0, "slices": all8, "delta_scale": 0.3}],
            TRL + " _compute_loss (loss_type='" + lt + "'); " + VERL + " agg_loss",
            "One micro-batch, ratio != 1 (clipping active, eps 0.2 / 0.28), aggregation '" + lt + "'; the four loss_*_one_slice files share their inputs.")
        sc.append(s)
        same[lt] = res
    checks["dapo_eq_bnpo_one_slice"] = same

    # two micro-batches x two accumulation steps, unequal token counts
    g8b = [0] * 4 + [1] * 4
    len8b = [6, 6, 1, 2, 5, 6, 2, 1]
    sc8b = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    slices4 = [[0, 1], [2, 3], [4, 5], [6, 7]]
    s, np_in, res = build_update_scenario(
        "loss_dapo_accumulation", base_loss_cfg(loss_type="dapo"), rng, sc8b, g8b, len8b, [False] * 8,
        [{"iteration": 1, "step": 0, "slices": slices4, "delta_scale": 0.25}],
        "[DAPO] arXiv:2503.14476 eq. 12 (normalized by the total token count of the batch); " + TRL + " _compute_loss loss_type='dapo' (normalizer num_items_in_batch of the generation batch); volcengine/verl@b178a3c verl/workers/utils/losses.py ppo_loss (global batch_num_tokens)",
        "2 micro-batches x 2 accumulation steps (slices 0,1 = step 0; 2,3 = step 1) with 12, 3, 11, 3 loss tokens: dapo divides every slice's token sum by the 29 tokens of the whole optimizer step. expected.diagnostics shows what per-slice token means weighted by sequence count give.")
    # diagnostics: the wrong aggregations the issue describes
    m = np_in["loss_mask"]
    ptl = np.asarray(res[0]["per_token_loss"])
    sums = [float((ptl[r_] * m[r_]).sum()) for r_ in slices4]
    toks = [float(m[r_].sum()) for r_ in slices4]
    nseq = [len(r_) for r_ in slices4]
    correct = sum(sums) / sum(toks)
    seq_weighted = sum((n_ / sum(nseq)) * (s_ / t_) for n_, s_, t_ in zip(nseq, sums, toks))
    s["expected"]["diagnostics"] = {
        "slice_token_counts": toks, "slice_sequence_counts": nseq, "slice_token_sums": sums,
        "global_token_mean": correct,
        "sequence_count_weighted_slice_token_means": seq_weighted,
        "relative_error_of_sequence_count_weighting": abs(seq_weighted - correct) / abs(correct),
    }
    sc.append(s)
    checks["dapo_accum"] = (res, correct)

    # mu = 3 with active clipping
    len8c = [6, 4, 5, 3, 6, 2, 5, 6]
    sc8c = [1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    s, np_in, res = build_update_scenario(
        "loss_mu3_clipping", base_loss_cfg(loss_type="dapo", num_iterations=3), rng, sc8c, g8, len8c, [False] * 8,
        [{"iteration": 0, "step": 0, "slices": all8, "delta_scale": 0.0},
         {"iteration": 1, "step": 0, "slices": all8, "delta_scale": 0.2},
         {"iteration": 2, "step": 0, "slices": all8, "delta_scale": 0.4}],
        TRL + " _prepare_inputs (generate every steps_per_generation * num_iterations, old_per_token_logps stored) and _compute_loss; volcengine/verl@b178a3c verl/workers/actor/dp_actor.py update_policy (ppo_epochs, stored old_log_probs)",
        "One generation, mu = 3 updates on it with the stored old log-probs; new log-probs = old + given deltas (0 at iteration 0, so ratio 1 there); clipping active at iterations 1 and 2.")
    sc.append(s)
    checks["mu3"] = res

    # mu = 2 with two optimizer steps (mini-batches) per iteration
    s, np_in, res = build_update_scenario(
        "loss_mu2_two_steps", base_loss_cfg(loss_type="bnpo", num_iterations=2, steps_per_generation=2), rng, sc8c,
        g8, len8c, [False] * 8,
        [{"iteration": 0, "step": 0, "slices": [[0, 1, 2, 3]], "delta_scale": 0.0},
         {"iteration": 0, "step": 1, "slices": [[4, 5, 6, 7]], "delta_scale": 0.1},
         {"iteration": 1, "step": 0, "slices": [[0, 1, 2, 3]], "delta_scale": 0.3},
         {"iteration": 1, "step": 1, "slices": [[4, 5, 6, 7]], "delta_scale": 0.35}],
        TRL + " _prepare_inputs (split_tensor_dict into steps_per_generation chunks, reused num_iterations times); volcengine/verl@b178a3c verl/workers/actor/dp_actor.py update_policy (for epoch: for mini_batch)",
        "Advantages computed once over the whole generation batch; the batch is split into 2 optimizer steps (mini-batches) and the pair is replayed twice (iteration-major order).")
    sc.append(s)

    # dual clip
    len8d = [5, 5, 5, 5, 5, 5, 5, 5]
    sc8d = [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    d = np.random.default_rng(SEED + 2).normal(0.0, 0.2, size=(8, 5))
    d[1, :3] = [1.25, 1.6, -0.5]   # A < 0: ratio 3.49 and 4.95 > c = 3 (capped), 0.61 < 1 - eps_low (clipped)
    d[2, 1:3] = [1.4, 0.9]         # A < 0: ratio 4.06 > c (capped), 2.46 < c (unclipped: -A r is the max)
    d[0, 0:2] = [0.7, -0.6]        # A > 0: ratio 2.01 > 1 + eps_high (clipped), 0.55 (unclipped for A > 0)
    s, np_in, res = build_update_scenario(
        "loss_dual_clip", base_loss_cfg(loss_type="grpo", delta=3.0, max_completion_length=5), rng, sc8d, g8, len8d,
        [False] * 8, [{"iteration": 1, "step": 0, "slices": all8, "deltas": lst(d)}],
        VERL + " compute_policy_loss_vanilla (clip_ratio_c, dual-clip PPO arXiv:1912.09729); " + TRL + " _compute_loss delta (two-sided clipping, same value)",
        "Dual clip c = 3 (TRL delta = 3): for A < 0 the loss is capped at -A*c when the ratio exceeds c; grads 0 there.")
    sc.append(s)
    checks["dual_clip"] = (np_in, res, s["config"])

    # KL in the loss with each estimator
    for est in ("k1", "k2", "k3"):
        s, np_in, res = build_update_scenario(
            "loss_kl_in_loss_" + est,
            base_loss_cfg(loss_type="bnpo", beta=0.1, kl_placement="loss", kl_estimator=est), rng, sc8, g8, len8,
            tr8, [{"iteration": 1, "step": 0, "slices": all8, "delta_scale": 0.2}],
            "volcengine/verl@b178a3c verl/workers/actor/dp_actor.py update_policy (use_kl_loss, kl_loss_type) + " + VERL + " kl_penalty_forward, agg_loss; " + TRL + " _compute_loss (beta * per_token_kl, k3)",
            "KL against the reference in the loss: per_token_loss += beta * " + est + "(new, ref), aggregated with the loss (bnpo).")
        sc.append(s)

    # entropy bonus
    len6e = [5, 3, 4, 2, 5, 4]
    g6 = [0, 0, 0, 1, 1, 1]
    sc6 = [1.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    for lt, desc in (("dapo", "token-level aggregation, where TRL (entropy sum / num_items_in_batch) and verl (agg_loss token-mean) agree"),
                     ("grpo", "verl convention: the entropy is aggregated like the loss (seq-mean-token-mean); TRL would use a token mean for the entropy here")):
        s, np_in, res = build_update_scenario(
            "loss_entropy_bonus_" + lt,
            base_loss_cfg(loss_type=lt, entropy_coef=0.01, temperature=0.7, group_size=3, max_completion_length=5),
            rng, sc6, g6, len6e, [False] * 6,
            [{"iteration": 1, "step": 0, "slices": [[0, 1, 2], [3, 4, 5]], "logit_shift": 0.1}],
            "volcengine/verl@b178a3c verl/workers/actor/dp_actor.py update_policy (policy_loss -= entropy_coeff * agg_loss(entropy)); verl/utils/torch_functional.py entropy_from_logits; " + TRL + " _get_per_token_logps_and_entropies (logits / temperature), _compute_loss entropy bonus",
            "Entropy bonus 0.01 at temperature 0.7, logits given (V = 6), two micro-batches; " + desc + ". grad_logits is the total gradient.",
            vocab=6)
        if lt == "grpo":
            s["expected"]["diagnostics"] = {"loss_with_trl_entropy_convention": trl_entropy_convention_loss(s)}
        sc.append(s)
        checks["entropy_" + lt] = (np_in, res, s)

    # truncated completions masked
    len8t = [6, 3, 6, 2, 6, 5, 4, 6]
    tr8t = [True, False, False, False, False, False, False, True]   # no EOS within max_completion_length
    sc8t = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0]
    s, np_in, res = build_update_scenario(
        "loss_mask_truncated", base_loss_cfg(loss_type="dapo", mask_truncated_completions=True), rng, sc8t, g8,
        len8t, tr8t, [{"iteration": 1, "step": 0, "slices": [[0, 1, 2, 3], [4, 5, 6, 7]], "delta_scale": 0.2}],
        TRL + " _generate_and_score_completions (mask_truncated_completions: completion_mask *= ~is_truncated; num_items_in_batch from the masked mask); _generate (completions/clipped_ratio)",
        "Sequences 0 and 7 hit max_completion_length without EOS: their loss mask is 0 (they still count in the group statistics); dapo divides by the unmasked tokens only.")
    sc.append(s)
    checks["truncated"] = (np_in, res)

    # REINFORCE++ end to end (KL in the reward, token-level loss)
    s, np_in, res = build_update_scenario(
        "loss_reinforce_pp", base_loss_cfg(advantage="reinforce_pp", loss_type="dapo", beta=0.05,
                                           kl_placement="reward", kl_estimator="k1", gamma=1.0, whiten_eps=1e-8),
        rng, sc8, g8, len8, tr8, [{"iteration": 1, "step": 0, "slices": [[0, 1, 2, 3], [4, 5, 6, 7]], "delta_scale": 0.2}],
        "[REINFORCE++] arXiv:2501.03262; " + VERL + " compute_reinforce_plus_plus_outcome_advantage, compute_policy_loss_vanilla; verl/trainer/ppo/ray_trainer.py apply_kl_penalty",
        "REINFORCE++ advantages (per token, KL in the reward from the stored old log-probs), no KL in the loss, token-level aggregation.")
    sc.append(s)

    # ---- dynamic sampling -------------------------------------------------------------------------------------
    ob = {"enable": True, "len": 4, "penalty_factor": 1.0}

    def grp(correct, lengths):
        scs = [1.0 if c else 0.0 for c in correct]
        return {"correct": list(correct), "lengths": list(lengths), "scores": scs}

    def ds(name, rounds, tbs, maxg, source, description):
        cfg = {"group_size": 4, "train_batch_size": tbs, "max_completion_length": 12, "overlong_buffer": ob,
               "filter_groups": {"enable": True, "metric": "acc", "max_num_gen_batches": maxg}}
        acc = lambda g: [1.0 if c else 0.0 for c in g["correct"]]
        shaped_of = lambda g: [s_ + overlong_penalty(L, 12, 4, 1.0) for s_, L in zip(g["scores"], g["lengths"])]
        res = dynamic_sampling(rounds, tbs, maxg, acc)
        res_shaped = dynamic_sampling(rounds, tbs, maxg, shaped_of)
        exp = dict(res)
        exp["shaped_rewards"] = [[shaped_of(g) for g in groups] for groups in rounds]
        exp["kept_per_round_if_shaped_reward"] = res_shaped["kept_per_round"]
        exp["batch_if_shaped_reward"] = res_shaped["batch"]
        return scenario(name, "dynamic_sampling", source, description, cfg, {"rounds": rounds}, exp)

    src_ds = "[DAPO] arXiv:2503.14476 eq. 11 (0 < #correct < G); " + VERL_DAPO + " (filter_groups, metric acc, num_gen_batches, batch[:traj_bsz])"
    sc.append(ds("ds_accuracy_not_shaped_reward",
                 [[grp([1, 0, 1, 1], [5, 6, 7, 3]),
                   grp([1, 1, 1, 1], [6, 10, 11, 12]),     # all correct, lengths in the overlong buffer
                   grp([0, 0, 0, 0], [12, 12, 12, 12]),    # all wrong, all at Lmax: shaped rewards all -1
                   grp([0, 1, 0, 0], [4, 9, 8, 2])]],
                 2, 3, src_ds,
                 "Group 1 is all correct with unequal lengths in the overlong buffer: its shaped rewards differ, so filtering on the shaped reward keeps it; filtering on accuracy (DAPO, verl metric acc) drops it. Batch = groups 0 and 3."))
    sc.append(ds("ds_refill_three_rounds",
                 [[grp([1, 1, 1, 1], [3, 4, 5, 6]), grp([0, 1, 0, 0], [5, 5, 5, 5]), grp([0, 0, 0, 0], [6, 7, 8, 9])],
                  [grp([1, 0, 1, 0], [4, 4, 4, 4]), grp([1, 1, 1, 1], [2, 2, 2, 2]), grp([1, 1, 0, 1], [5, 6, 9, 7])],
                  [grp([0, 0, 0, 0], [3, 3, 3, 3]), grp([0, 1, 1, 1], [6, 6, 6, 6]), grp([1, 0, 0, 1], [8, 7, 6, 5])],
                  [grp([1, 0, 1, 0], [4, 4, 4, 4]), grp([1, 0, 1, 0], [4, 4, 4, 4]), grp([1, 0, 1, 0], [4, 4, 4, 4])]],
                 4, 5, src_ds,
                 "train_batch_size 4 groups, 3 prompts per round: round 0 keeps 1, round 1 keeps 2, round 2 keeps 2 -> full after 3 rounds; the 5th kept group is dropped (batch[:traj_bsz]); round 3 is never generated."))
    sc.append(ds("ds_full_on_last_allowed_round",
                 [[grp([1, 1, 1, 1], [3, 3, 3, 3]), grp([0, 1, 0, 0], [5, 5, 5, 5])],
                  [grp([0, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 1, 1], [4, 4, 4, 4])],
                  [grp([1, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 0, 0], [4, 4, 4, 4])]],
                 3, 3, src_ds,
                 "max_num_gen_batches 3 and the batch fills exactly at round 3: verl only checks the limit while the batch is short, so training proceeds."))
    sc.append(ds("ds_max_num_gen_batches_hit",
                 [[grp([1, 1, 1, 1], [3, 3, 3, 3]), grp([0, 1, 0, 0], [5, 5, 5, 5]), grp([0, 0, 0, 0], [3, 3, 3, 3])],
                  [grp([0, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 1, 1], [4, 4, 4, 4]), grp([1, 1, 0, 1], [4, 4, 4, 4])],
                  [grp([1, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 0, 0], [4, 4, 4, 4]), grp([1, 0, 1, 0], [4, 4, 4, 4])]],
                 3, 2, src_ds,
                 "max_num_gen_batches 2: after 2 rounds only 2 of 3 groups are kept, so verl raises ValueError ('Generated too many. Please check if your data are too difficult.'); status error_max_num_gen_batches, no batch."))
    sc.append(ds("ds_unlimited_rounds",
                 [[grp([1, 1, 1, 1], [3, 3, 3, 3]), grp([0, 0, 0, 0], [5, 5, 5, 5])],
                  [grp([0, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 1, 1], [4, 4, 4, 4])],
                  [grp([1, 1, 1, 1], [3, 3, 3, 3]), grp([0, 0, 0, 0], [4, 4, 4, 4])],
                  [grp([0, 1, 1, 1], [3, 3, 3, 3]), grp([1, 1, 1, 1], [4, 4, 4, 4])],
                  [grp([1, 0, 0, 0], [3, 3, 3, 3]), grp([1, 1, 0, 0], [4, 4, 4, 4])]],
                 2, 0, src_ds,
                 "max_num_gen_batches 0 (non-positive = no limit): keeps generating; full after 5 rounds."))
    return sc, checks


# ----------------------------------------------------------------------------------------------------------------
# Self-checks
# ----------------------------------------------------------------------------------------------------------------

def close(a, b, tol=1e-12):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.allclose(a, b, rtol=tol, atol=tol)


def fd_check_update(sc, tol=1e-7):
    """Central finite differences of the step loss w.r.t. every loss token's new log-prob (no autograd involved)."""
    cfg = sc["config"]
    inp = sc["inputs"]
    m = torch.tensor(sc["expected"]["loss_mask"])
    old = torch.tensor(inp["old_logp"])
    ref = torch.tensor(inp["ref_logp"]) if "ref_logp" in inp else None
    adv = torch.tensor(inp["advantages"])
    worst = 0.0
    for up, ex in zip(inp["updates"], sc["expected"]["updates"]):
        entropy = None
        if "logits" in up:
            _, entropy = logp_and_entropy(torch.tensor(up["logits"]), torch.tensor(up["tokens"]), cfg["temperature"])
        base = np.asarray(up["new_logp"])
        g = np.asarray(ex["grad_new_logp"])
        h = 1e-6
        for b in range(base.shape[0]):
            for t in range(base.shape[1]):
                if m[b, t] == 0:
                    if g[b, t] != 0.0:
                        raise AssertionError(f"{sc['name']}: non-zero gradient at a masked position")
                    continue
                xp = base.copy(); xp[b, t] += h
                xm = base.copy(); xm[b, t] -= h
                lp = step_loss(torch.tensor(xp), old, ref, adv, m, up["slices"], cfg, entropy)[0].item()
                lm = step_loss(torch.tensor(xm), old, ref, adv, m, up["slices"], cfg, entropy)[0].item()
                fd = (lp - lm) / (2 * h)
                worst = max(worst, abs(fd - g[b, t]))
        if "logits" in up:  # total logits gradient, a few coordinates
            logits = np.asarray(up["logits"])
            tokens = torch.tensor(up["tokens"])
            gl = np.asarray(ex["grad_logits"])

            def full(lg):
                lp, ent = logp_and_entropy(torch.tensor(lg), tokens, cfg["temperature"])
                return step_loss(lp, old, ref, adv, m, up["slices"], cfg, ent)[0].item()
            for (b, t, v) in [(0, 0, 0), (0, 2, 3), (1, 1, 5), (4, 3, 2), (5, 0, 1)]:
                xp = logits.copy(); xp[b, t, v] += h
                xm = logits.copy(); xm[b, t, v] -= h
                fd = (full(xp) - full(xm)) / (2 * h)
                worst = max(worst, abs(fd - gl[b, t, v]))
    if worst > tol:
        raise AssertionError(f"{sc['name']}: finite-difference gradient mismatch {worst}")
    return worst


def closed_form_update(sc):
    """Second, loop-based implementation (no torch, no autograd) of the loss and d loss / d new_logp of every step
    of a policy_update scenario without logits: piecewise derivative of the clipped surrogate, derivative of the KL
    estimator, and the per-token aggregation weight w[b, t] of the loss type (see aggregate_slice / step_loss)."""
    cfg = sc["config"]
    inp = sc["inputs"]
    m = np.asarray(sc["expected"]["loss_mask"])
    old = np.asarray(inp["old_logp"])
    ref = np.asarray(inp["ref_logp"]) if "ref_logp" in inp else None
    A = np.asarray(inp["advantages"])
    el, eh, c = cfg["epsilon_low"], cfg["epsilon_high"], cfg["delta"]
    kl_on = cfg.get("beta", 0.0) != 0.0 and cfg.get("kl_placement") == "loss"
    out = []
    for up in inp["updates"]:
        new = np.asarray(up["new_logp"])
        S = len(up["slices"])
        n_step = sum(m[b].sum() for rows in up["slices"] for b in rows)
        loss, grad = 0.0, np.zeros_like(new)
        for rows in up["slices"]:
            n_s = sum(m[b].sum() for b in rows)
            for b in rows:
                for t in range(new.shape[1]):
                    if m[b, t] == 0:
                        continue
                    r = math.exp(new[b, t] - old[b, t])
                    a = A[b, t]
                    if a >= 0 and r > 1 + eh:
                        l, g = -a * (1 + eh), 0.0
                    elif a < 0 and r < 1 - el:
                        l, g = -a * (1 - el), 0.0
                    elif a < 0 and c is not None and r > c:
                        l, g = -a * c, 0.0
                    else:
                        l, g = -a * r, -a * r
                    if kl_on:
                        d = new[b, t] - ref[b, t]
                        k = {"k1": (d, 1.0), "k2": (0.5 * d * d, d), "k3": (math.exp(-d) + d - 1, 1 - math.exp(-d)),
                             "abs": (abs(d), math.copysign(1.0, d))}[cfg["kl_estimator"]]
                        l += cfg["beta"] * k[0]
                        g += cfg["beta"] * k[1]
                    lt = cfg["loss_type"]
                    if lt == "grpo":
                        w = 1.0 / (S * len(rows) * max(1.0, m[b].sum()))
                    elif lt == "bnpo":
                        w = 1.0 / (S * max(1.0, n_s))
                    elif lt == "dr_grpo":
                        w = 1.0 / (S * len(rows) * cfg["max_completion_length"])
                    else:
                        w = 1.0 / n_step
                    loss += w * l
                    grad[b, t] = w * g
        out.append((loss, grad))
    return out


def self_checks(scenarios, checks):
    log = []
    # 1. mu = 1: ratio 1 and zero clip fractions
    r = checks["mu1"][0]
    assert np.all(r["ratio"] == 1.0), "mu=1 ratio"
    for k in ("clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean", "actor/pg_clipfrac"):
        assert r["metrics"][k] == 0.0, k
    log.append("mu=1: ratio == 1 everywhere, clip fractions 0")
    # 2. dapo == bnpo with one micro-batch (and grad)
    same = checks["dapo_eq_bnpo_one_slice"]
    assert close(same["dapo"][0]["loss"], same["bnpo"][0]["loss"], 1e-15)
    assert close(same["dapo"][0]["grad_new_logp"], same["bnpo"][0]["grad_new_logp"], 1e-15)
    assert not close(same["dapo"][0]["loss"], same["grpo"][0]["loss"], 1e-6), "grpo should differ"
    log.append(f"one slice: dapo loss {same['dapo'][0]['loss']:.17g} == bnpo loss {same['bnpo'][0]['loss']:.17g}")
    # 3. dr_grpo advantages == grpo numerators
    rg, rd = checks["dr_grpo_is_grpo_numerator"]
    gids = [0] * 4 + [1] * 4 + [2] * 4
    seq = rg["sequence_rewards"]
    for g, idx in groups_of(gids).items():
        mean = seq[idx].mean()
        assert close(rd["advantages_per_sequence"][idx], seq[idx] - mean, 1e-15)
        std = unbiased_std(seq[idx])
        assert close(rg["advantages_per_sequence"][idx] * (std + 1e-4), seq[idx] - mean, 1e-14)
    log.append("dr_grpo advantages == grpo numerators (r - group mean)")
    # 4. reinforce_pp whitened: masked mean 0, masked unbiased std sqrt(var / (var + eps)) ~ 1
    for key in ("reinforce_pp_whitened", "reinforce_pp_whitened_2"):
        rr = checks[key]
        sc_ = next(s for s in scenarios if s["name"] == ("adv_reinforce_pp" if key.endswith("whitened") else "adv_reinforce_pp_gamma_k3"))
        m = np.asarray(sc_["inputs"]["completion_mask"])
        a = rr["advantages"]
        n = m.sum()
        mean = (a * m).sum() / n
        std = math.sqrt((((a - mean) ** 2) * m).sum() / (n - 1))
        assert abs(mean) < 1e-14 and abs(std - 1.0) < 1e-6, (key, mean, std)
        log.append(f"{key}: masked mean {mean:.3g}, masked std {std:.12f}")
    # 5. dapo accumulation == global token mean; sequence-count weighting is off
    res, correct = checks["dapo_accum"]
    assert close(res[0]["loss"], correct, 1e-14)
    sc_ = next(s for s in scenarios if s["name"] == "loss_dapo_accumulation")
    rel = sc_["expected"]["diagnostics"]["relative_error_of_sequence_count_weighting"]
    assert rel > 0.05
    log.append(f"dapo accumulation: loss == global token mean {correct:.17g}; sequence-count weighting off by {100 * rel:.1f}%")
    # 6. mu = 3: iteration 0 ratio 1, later iterations clip on both sides
    r3 = checks["mu3"]
    assert np.all(r3[0]["ratio"] == 1.0) and r3[0]["metrics"]["clip_ratio/region_mean"] == 0.0
    for it in (1, 2):
        mt = r3[it]["metrics"]
        assert mt["clip_ratio/region_mean"] > 0.0, (it, mt)
    assert r3[2]["metrics"]["clip_ratio/low_mean"] > 0 and r3[2]["metrics"]["clip_ratio/high_mean"] > 0
    log.append("mu=3: clip_ratio/region_mean " + ", ".join(f"{r_['metrics']['clip_ratio/region_mean']:.4f}" for r_ in r3))
    # 7. dual clip: TRL's delta form == verl's clip_ratio_c form; capped tokens exist and have zero grad
    np_in, rd_, cfg = checks["dual_clip"]
    new = torch.tensor(rd_[0]["new_logp"])
    old = torch.tensor(np_in["old_logp"])
    adv = torch.tensor(np_in["advantages"])
    v = per_token_pg_loss(new, old, adv, cfg["epsilon_low"], cfg["epsilon_high"], cfg["delta"])[0].numpy()
    t_ = per_token_pg_loss_trl(new, old, adv, cfg["epsilon_low"], cfg["epsilon_high"], cfg["delta"]).numpy()
    m = np_in["loss_mask"]
    assert close(v * m, t_ * m, 1e-15)
    capped = (np_in["advantages"] < 0) & (rd_[0]["ratio"] > cfg["delta"]) & (m > 0)
    assert capped.sum() >= 2 and np.all(rd_[0]["grad_new_logp"][capped] == 0.0)
    assert rd_[0]["metrics"]["actor/pg_clipfrac_lower"] > 0
    log.append(f"dual clip: TRL delta form == verl clip_ratio_c form; {int(capped.sum())} tokens capped at -A*c")
    # 8. truncated: masked rows carry no loss, dapo normalizer excludes them
    np_in, rt = checks["truncated"]
    assert np.all(np_in["loss_mask"][[0, 7]] == 0) and np.all(rt[0]["grad_new_logp"][[0, 7]] == 0)
    # 9. entropy: total gradient == logits gradient of the pieces (checked by finite differences below)
    # 10. finite differences for every policy_update scenario
    worst = 0.0
    for s in scenarios:
        if s["kind"] == "policy_update":
            worst = max(worst, fd_check_update(s))
    log.append(f"finite differences vs autograd, all policy_update scenarios: max abs diff {worst:.2e}")
    worst_l = worst_g = 0.0
    n_cf = 0
    for s in scenarios:
        if s["kind"] == "policy_update" and "logits" not in s["inputs"]["updates"][0]:
            for (l, g), ex in zip(closed_form_update(s), s["expected"]["updates"]):
                worst_l = max(worst_l, abs(l - ex["loss"]) / max(1.0, abs(l)))
                worst_g = max(worst_g, float(np.abs(g - np.asarray(ex["grad_new_logp"])).max()))
                n_cf += 1
    assert worst_l < 1e-14 and worst_g < 1e-15, (worst_l, worst_g)
    log.append(f"closed-form loop implementation vs torch, {n_cf} steps: loss rel diff {worst_l:.1e}, grad abs diff {worst_g:.1e}")
    # 11. slice losses sum to the loss
    for s in scenarios:
        if s["kind"] == "policy_update":
            for u in s["expected"]["updates"]:
                assert close(sum(u["slice_losses"]), u["loss"], 1e-14), s["name"]
    # 11b. advantages, second forms: RLOO as verl writes it (n/(n-1) r - n/(n-1) mean); REINFORCE++ gamma=1 returns
    #      are suffix sums of the token rewards; verl's overlong formula matches eq. 13 for L <= Lmax
    by_name = {s["name"]: s for s in scenarios}
    s_ = by_name["adv_rloo"]
    r_ = np.asarray(s_["expected"]["sequence_rewards"])
    for g, idx in groups_of(s_["inputs"]["group_ids"]).items():
        n = len(idx)
        verl_form = r_[idx] * n / (n - 1) - r_[idx].mean() * n / (n - 1)
        assert close(verl_form, np.asarray(s_["expected"]["advantages_per_sequence"])[idx], 1e-14)
    s_ = by_name["adv_reinforce_pp"]
    tr_ = np.asarray(s_["expected"]["token_rewards"])
    m_ = np.asarray(s_["inputs"]["completion_mask"])
    suffix = np.flip(np.cumsum(np.flip(tr_ * m_, -1), -1), -1) * m_
    assert close(suffix, np.asarray(s_["expected"]["returns"]) * m_, 1e-14)
    for L in range(0, 21):
        verl_pen = min(-(L - (20 - 5)) / 5 * 0.7, 0)
        assert abs(verl_pen - overlong_penalty(L, 20, 5, 0.7)) < 1e-15, L
    log.append("RLOO == verl's n/(n-1) form; REINFORCE++ returns == suffix sums; overlong == verl formula for L <= Lmax")
    # 12. overlong: boundaries
    assert overlong_penalty(15, 20, 5, 1.0) == 0.0 and overlong_penalty(20, 20, 5, 1.0) == -1.0
    assert overlong_penalty(16, 20, 5, 1.0) == -0.2 and overlong_penalty(30, 20, 5, 0.5) == -0.5
    # 13. dynamic sampling statuses
    by = {s["name"]: s["expected"] for s in scenarios if s["kind"] == "dynamic_sampling"}
    assert by["ds_refill_three_rounds"]["rounds_used"] == 3 and by["ds_refill_three_rounds"]["status"] == "full"
    assert by["ds_max_num_gen_batches_hit"]["status"] == "error_max_num_gen_batches"
    assert by["ds_full_on_last_allowed_round"]["status"] == "full" and by["ds_full_on_last_allowed_round"]["rounds_used"] == 3
    assert by["ds_accuracy_not_shaped_reward"]["batch"] == [[0, 0], [0, 3]]
    assert by["ds_accuracy_not_shaped_reward"]["batch_if_shaped_reward"] == [[0, 0], [0, 1]]
    assert by["ds_unlimited_rounds"]["rounds_used"] == 5
    log.append("dynamic sampling: refill 3 rounds, limit error, full on last allowed round, acc vs shaped reward")
    return log


# ----------------------------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------------------------

def dump(s):
    return json.dumps(s, indent=1, allow_nan=False) + "\n"


TABLE_START = "<!-- scenario table: generated by rl_reference.py -->"


def readme_table(scenarios):
    rows = ["| scenario | kind | source |", "|---|---|---|"]
    for s in scenarios:
        rows.append(f"| `{s['name']}` | {s['kind']} | {s['source'].replace('|', chr(92) + '|')} |")
    return TABLE_START + "\n\n" + "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the files instead of writing them")
    args = ap.parse_args()
    scenarios, checks = all_scenarios()
    for line in self_checks(scenarios, checks):
        print("self-check ok:", line)
    names = [s["name"] for s in scenarios]
    assert len(set(names)) == len(names)
    readme = os.path.join(OUT_DIR, "README.md")
    with open(readme) as f:
        text = f.read()
    head = text.split(TABLE_START)[0]
    new_readme = head + readme_table(scenarios)
    bad = []
    if args.check:
        for s in scenarios:
            p = os.path.join(OUT_DIR, s["name"] + ".json")
            if not os.path.exists(p) or open(p).read() != dump(s):
                bad.append(p)
        if text != new_readme:
            bad.append(readme)
        if bad:
            print("differs from the reference:", *bad, sep="\n  ")
            sys.exit(1)
        print(f"{len(scenarios)} scenario files match")
        return
    os.makedirs(OUT_DIR, exist_ok=True)
    for s in scenarios:
        with open(os.path.join(OUT_DIR, s["name"] + ".json"), "w") as f:
            f.write(dump(s))
    with open(readme, "w") as f:
        f.write(new_readme)
    print(f"wrote {len(scenarios)} scenarios to {OUT_DIR}")


if __name__ == "__main__":
    main()
