#!/usr/bin/python3
"""Independent PyTorch build of the TACo model and objective (docs/method.md §1-§4), to check the Java
implementation number by number and to time a training step in plain PyTorch.

Uses nothing from this project: the model is rebuilt from a checkpoint's config.json and
model.safetensors (read by hand below, the `safetensors` package is not needed).

  parity.py check DIR [--tol 1e-4] [--grad-rtol 1e-3] [--float32]
      compares DIR/outputs.safetensors and DIR/grads.safetensors, written by
      `taco bench export-parity --out DIR`, with this build; exit code 1 on a mismatch.
  parity.py time --preset cpu|paper|small|large [--batch K] [--kprime K'] [--steps N] [--warmup N] [--threads 2]
      times full training steps (forward, L1+L2, cascade selection, fusion, backward, AdamW).
  parity.py compare --preset small|large|cpu|paper [--threads 1] [--rounds 2]
      alternates `taco bench train` and `time` on the same shape and prints the speed and memory ratios.
"""
import argparse
import json
import math
import struct
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

# ---------------------------------------------------------------- safetensors, by hand

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
           "I8": "i1", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """{name: numpy array}: 8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {meta['dtype']}")
        dt = np.dtype(_DTYPES[meta["dtype"]])
        start, end = meta["data_offsets"]
        arr = np.frombuffer(data, dtype=dt, count=(end - start) // dt.itemsize, offset=8 + n + start)
        out[name] = arr.reshape(meta["shape"]).astype(dt.newbyteorder("="))  # a native-order copy
    return out


# ---------------------------------------------------------------- the model (docs/method.md §1, §2)

class Taco:
    """Functional TACo: parameters are a dict of leaf tensors named as the checkpoint."""

    def __init__(self, cfg, params):
        self.cfg = cfg
        self.p = params
        self.training = False

    # -- building blocks
    def _lin(self, x, name):
        return F.linear(x, self.p[name + ".weight"], self.p[name + ".bias"])

    def _ln(self, x, name):
        return F.layer_norm(x, (x.shape[-1],), self.p[name + ".weight"], self.p[name + ".bias"],
                            eps=self.cfg["layerNormEps"])

    def _drop(self, x):
        return F.dropout(x, self.cfg["dropout"], self.training)

    def _bert_layer(self, h, mask_add, pre):
        """Post-LN BERT layer: self-attention + residual + LN, GELU(erf) FFN + residual + LN."""
        b, n, d = h.shape
        heads = self.cfg["numAttentionHeads"]
        hs = d // heads

        def split(t):
            return t.view(b, n, heads, hs).transpose(1, 2)

        q = split(self._lin(h, pre + ".attention.self.query"))
        k = split(self._lin(h, pre + ".attention.self.key"))
        v = split(self._lin(h, pre + ".attention.self.value"))
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hs) + mask_add
        probs = self._drop(torch.softmax(att, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, n, d)
        a = self._ln(self._drop(self._lin(ctx, pre + ".attention.output.dense")) + h, pre + ".attention.output.LayerNorm")
        inter = F.gelu(self._lin(a, pre + ".intermediate.dense"))
        return self._ln(self._drop(self._lin(inter, pre + ".output.dense")) + a, pre + ".output.LayerNorm")

    def _encoder(self, h, mask, pre, layers):
        mask_add = ((1.0 - mask) * -10000.0)[:, None, None, :].to(h.dtype)
        for i in range(layers):
            h = self._bert_layer(h, mask_add, f"{pre}.layer.{i}")
        return h

    # -- the three modules
    def text(self, ids, mask):
        n = ids.shape[1]
        e = "text.embeddings."
        h = (self.p[e + "word_embeddings.weight"][ids]
             + self.p[e + "position_embeddings.weight"][:n][None]
             + self.p[e + "token_type_embeddings.weight"][0][None, None])
        h = self._drop(self._ln(h, e + "LayerNorm"))
        return self._encoder(h, mask, "text.encoder", self.cfg["textLayers"])

    def video(self, feats, mask):
        m = feats.shape[1]
        h = self._lin(feats, "video.proj") + self.p["video.position_embeddings.weight"][:m][None]
        h = self._drop(self._ln(h, "video.LayerNorm"))
        return self._encoder(h, mask, "video.encoder", self.cfg["videoLayers"])

    def fusion(self, y, tmask, x, vmask):
        """s3 of each pair: text tokens then frames, type (0 text, 1 video) + position embeddings, LN."""
        n, m = y.shape[1], x.shape[1]
        types = self.p["fusion.token_type_embeddings.weight"]
        type_emb = torch.cat([types[0].expand(n, -1), types[1].expand(m, -1)], 0)
        # Text at positions 0..n-1, frames from maxTokens on (not from n, which is the padded length).
        pos = self.p["fusion.position_embeddings.weight"]
        pos_emb = torch.cat([pos[:n], pos[self.cfg["maxTokens"]:self.cfg["maxTokens"] + m]], 0)
        h = torch.cat([y, x], 1) + type_emb[None] + pos_emb[None]
        h = self._drop(self._ln(h, "fusion.LayerNorm"))
        z = self._encoder(h, torch.cat([tmask, vmask], 1), "fusion.encoder", self.cfg["fusionLayers"])
        return self._lin(z[:, 0], "fusion.head").reshape(-1)

    # -- scores (rows: texts i, columns: videos j)
    def _cos(self):
        return self.cfg["similarity"] == "cosine"

    def _norm(self, a):
        return F.normalize(a, dim=-1, eps=1e-12) if self._cos() else a

    def _scale(self, s):
        return s / self.cfg["temperature"] if self._cos() else s

    def s1(self, y, x, fmask):
        xbar = (x * fmask[:, :, None]).sum(1) / fmask.sum(1, keepdim=True)
        return self._scale(self._norm(y[:, 0]) @ self._norm(xbar).T)

    def token_scores(self, y, x, fmask):
        """s[i, p, j] = max over valid frames k of y_i^p . x_j^k."""
        sim = torch.einsum("ipd,jkd->ipjk", self._norm(y), self._norm(x))
        sim = sim.masked_fill(fmask[None, None] == 0, float("-inf"))
        return self._scale(sim.amax(-1))


# ---------------------------------------------------------------- the objective (docs/method.md §4)

def cascade_selection(r, kp):
    """For text i the K' videos j != i of highest r[i, j]; for video j the K' texts i != j of highest
    r[i, j]; ties to the lower index (stable sort)."""
    k = r.shape[0]
    eye = torch.eye(k, dtype=torch.bool)
    rt = r.masked_fill(eye, float("-inf"))
    vft = torch.sort(rt, dim=1, descending=True, stable=True).indices[:, :kp]
    tfv = torch.sort(rt.T, dim=1, descending=True, stable=True).indices[:, :kp]
    return vft, tfv


def objective(model, feats, fmask, ids, tmask, w, selection=None, timer=None):
    """Returns a dict with every score and loss; `selection` (vft, tfv) overrides the cascade."""
    cfg = model.cfg
    lap = timer or (lambda name: None)
    k = ids.shape[0]
    y = model.text(ids, tmask)
    lap("text encoder")
    x = model.video(feats, fmask)
    lap("video encoder")
    out = {"y": y, "x": x}
    target = torch.arange(k)
    s1 = model.s1(y, x, fmask)
    l1 = F.cross_entropy(s1, target)
    if cfg["l1VideoToText"]:
        l1 = (l1 + F.cross_entropy(s1.T, target)) / 2
    ts = model.token_scores(y, x, fmask)
    s2 = (ts * w[:, :, None]).sum(1)
    logp_true = torch.log_softmax(ts, dim=2)[target, :, target]           # [K, n]: log p of video i for token p of text i
    per_text = -(logp_true * w).sum(1)
    has = (w.sum(1) > 0).to(per_text.dtype)
    l2 = per_text.sum() / has.sum().clamp(min=1)
    out.update(s1=s1, token_scores=ts, s2=s2, l1=l1, l2=l2)
    lap("L1+L2")

    kp = min(cfg["kPrime"], k - 1)
    if selection is None:
        r = (s1 + s2 if cfg["useL2"] else s1).detach()
        selection = cascade_selection(r, kp)
    vft, tfv = selection
    kp = vft.shape[1]
    lap("cascade selection")
    rows = torch.arange(k)
    text_idx = torch.cat([rows, rows.repeat_interleave(kp), tfv.reshape(-1)])
    video_idx = torch.cat([rows, vft.reshape(-1), rows.repeat_interleave(kp)])
    s3 = model.fusion(y[text_idx], tmask[text_idx], x[video_idx], fmask[video_idx])
    pos = s3[:k, None]
    zero = torch.zeros(k, dtype=torch.long)
    l3 = (F.cross_entropy(torch.cat([pos, s3[k:k + k * kp].view(k, kp)], 1), zero)
          + F.cross_entropy(torch.cat([pos, s3[k + k * kp:].view(k, kp)], 1), zero)) / 2
    lap("fusion")
    total = 0
    if cfg["useL1"]:
        total = total + l1
    if cfg["useL2"]:
        total = total + cfg["lambda"] * l2
    if cfg["useL3"]:
        total = total + l3
    out.update(vft=vft, tfv=tfv, text_idx=text_idx, video_idx=video_idx, s3=s3, l3=l3, total=total)
    return out


# ---------------------------------------------------------------- check mode

def check(args):
    d = args.dir
    cfg = json.load(open(f"{d}/checkpoint/config.json"))
    dtype = torch.float32 if args.float32 else torch.float64
    weights = read_safetensors(f"{d}/checkpoint/model.safetensors")
    params = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in weights.items()}
    batch = {k: torch.tensor(v) for k, v in read_safetensors(f"{d}/batch.safetensors").items()}
    java = read_safetensors(f"{d}/outputs.safetensors")
    jgrads = read_safetensors(f"{d}/grads.safetensors")
    if cfg["negatives"] != "cascade":
        print(f"note: negatives={cfg['negatives']}: using the exported selection")

    feats = batch["features"].to(dtype)
    fmask = batch["frame_mask"].to(dtype)
    ids = batch["token_ids"].long()
    tmask = batch["token_mask"].to(dtype)
    w = batch["token_weights"].to(dtype)
    k = ids.shape[0]

    # Java's pairs, laid out as K positives, K*K' text-anchored, K*K' video-anchored.
    jt, jv = torch.tensor(java["text_idx"]).long(), torch.tensor(java["video_idx"]).long()
    kp = (len(jt) - k) // (2 * k)
    j_vft = jv[k:k + k * kp].view(k, kp)
    j_tfv = jt[k + k * kp:].view(k, kp)
    layout_ok = (bool((jt[:k] == torch.arange(k)).all() and (jv[:k] == torch.arange(k)).all())
                 and bool((jt[k:k + k * kp].view(k, kp) == torch.arange(k)[:, None]).all())
                 and bool((jv[k + k * kp:].view(k, kp) == torch.arange(k)[:, None]).all()))

    model = Taco(cfg, params)
    model.training = False
    # First our own cascade selection, to compare it; the losses use Java's selection so that
    # L3 and the gradients compare like with like even if a near-tie were broken differently.
    with torch.no_grad():
        mine = objective(model, feats, fmask, ids, tmask, w)
    out = objective(model, feats, fmask, ids, tmask, w, selection=(j_vft, j_tfv))
    out["total"].backward()

    print(f"{d}: d={cfg['hiddenSize']} layers {cfg['textLayers']}/{cfg['videoLayers']}/{cfg['fusionLayers']}, "
          f"K={k}, K'={kp}, {cfg['similarity']}" + (f" tau={cfg['temperature']}" if cfg["similarity"] == "cosine" else "")
          + f", l1VideoToText={cfg['l1VideoToText']}, reference in {'float32' if args.float32 else 'float64'}")
    print(f"  tolerance: max|java - torch| <= {args.tol:g} * max(1, max|torch|); gradients also "
          f"max|diff| / max|torch grad| <= {args.grad_rtol:g} or max|diff| <= {args.grad_atol:g}")
    print(f"  {'quantity':<55} {'max|diff|':>11} {'max|torch|':>11} {'rel':>9}  ok")
    failed = []

    def report(name, ref, got, grad=False):
        ref = ref.detach().double().numpy().reshape(np.shape(got))
        got = np.asarray(got, dtype=np.float64)
        diff = float(np.max(np.abs(ref - got))) if ref.size else 0.0
        scale = float(np.max(np.abs(ref))) if ref.size else 0.0
        rel = diff / scale if scale > 0 else diff
        ok = diff <= args.tol * max(1.0, scale) and (not grad or rel <= args.grad_rtol or diff <= args.grad_atol)
        if not ok:
            failed.append(name)
        print(f"  {name:<55} {diff:11.3e} {scale:11.3e} {rel:9.2e}  {'ok' if ok else 'FAIL'}")

    for name in ["y", "x", "s1", "token_scores", "s2", "s3", "l1", "l2", "l3", "total"]:
        report(name, out[name], java[name])

    # Selection: same indices, or (near-ties) the same r values at the chosen indices.
    same = bool((mine["vft"] == j_vft).all() and (mine["tfv"] == j_tfv).all())
    r = (mine["s1"] + mine["s2"]) if cfg["useL2"] else mine["s1"]
    rows = torch.arange(k)[:, None]
    r_gap = max(float((r[rows, mine["vft"]] - r[rows, j_vft]).abs().max()),
                float((r.T[rows, mine["tfv"]] - r.T[rows, j_tfv]).abs().max()))
    sel_ok = layout_ok and (cfg["negatives"] != "cascade" or same or r_gap <= args.tol * max(1.0, float(r.abs().max())))
    if not sel_ok:
        failed.append("cascade selection")
    mism = int((mine["vft"] != j_vft).sum() + (mine["tfv"] != j_tfv).sum())
    print(f"  {'cascade selection (' + str(2 * k * kp) + ' negatives)':<55} {mism:>5} index mismatches, "
          f"r gap {r_gap:.1e}, layout {'ok' if layout_ok else 'WRONG'}  {'ok' if sel_ok else 'FAIL'}")

    for name, g in jgrads.items():
        ref = params[name].grad
        if ref is None:
            ref = torch.zeros_like(params[name])
        report("grad " + name, ref, g, grad=True)

    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print("all within tolerance")
    return 0


# ---------------------------------------------------------------- time mode

PRESETS = {
    # the shapes of `taco bench train --preset NAME` (io.github.taco.bench.TrainBenchmark.Shape)
    "cpu": dict(hiddenSize=128, numAttentionHeads=4, intermediateSize=512, textLayers=4, videoLayers=1, fusionLayers=2,
                batch=64, kPrime=4, maxFrames=48, maxTokens=30, featureDim=1024, similarity="cosine", dropout=0.0),
    "paper": dict(hiddenSize=768, numAttentionHeads=12, intermediateSize=3072, textLayers=12, videoLayers=1,
                  fusionLayers=2, batch=128, kPrime=8, maxFrames=48, maxTokens=30, featureDim=1024, similarity="dot"),
    "small": dict(hiddenSize=128, numAttentionHeads=4, intermediateSize=512, textLayers=4, videoLayers=1, fusionLayers=2,
                  batch=64, kPrime=4, maxFrames=16, maxTokens=20, featureDim=512, similarity="cosine"),
    "large": dict(hiddenSize=256, numAttentionHeads=4, intermediateSize=1024, textLayers=4, videoLayers=1,
                  fusionLayers=2, batch=128, kPrime=8, maxFrames=32, maxTokens=24, featureDim=512, similarity="cosine"),
}


def init_params(cfg, gen):
    d, inter = cfg["hiddenSize"], cfg["intermediateSize"]
    shapes = {
        "text.embeddings.word_embeddings.weight": (cfg["vocabSize"], d),
        "text.embeddings.position_embeddings.weight": (cfg["maxTextPositions"], d),
        "text.embeddings.token_type_embeddings.weight": (cfg["typeVocabSize"], d),
        "text.embeddings.LayerNorm": d,
        "video.proj": (d, cfg["featureDim"]),
        "video.position_embeddings.weight": (cfg["maxFrames"], d),
        "video.LayerNorm": d,
        "fusion.token_type_embeddings.weight": (2, d),
        "fusion.position_embeddings.weight": (cfg["maxTokens"] + cfg["maxFrames"], d),
        "fusion.LayerNorm": d,
        "fusion.head": (1, d),
    }
    for mod, n in (("text", cfg["textLayers"]), ("video", cfg["videoLayers"]), ("fusion", cfg["fusionLayers"])):
        for i in range(n):
            pre = f"{mod}.encoder.layer.{i}."
            for lin in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
                shapes[pre + lin] = (d, d)
            shapes[pre + "intermediate.dense"] = (inter, d)
            shapes[pre + "output.dense"] = (d, inter)
            shapes[pre + "attention.output.LayerNorm"] = d
            shapes[pre + "output.LayerNorm"] = d
    p = {}
    for name, shape in shapes.items():
        if name.endswith(".weight"):  # embedding table
            p[name] = torch.randn(shape, generator=gen) * cfg["initializerRange"]
        elif isinstance(shape, int):  # LayerNorm
            p[name + ".weight"] = torch.ones(shape)
            p[name + ".bias"] = torch.zeros(shape)
        else:  # linear
            p[name + ".weight"] = torch.randn(shape, generator=gen) * cfg["initializerRange"]
            p[name + ".bias"] = torch.zeros(shape[0])
    for t in p.values():
        t.requires_grad_(True)
    return p


def blas_library():
    """The BLAS this process loaded: Debian's torch links the generic libblas.so.3, which is the slow
    reference BLAS unless OpenBLAS is installed or put first on LD_LIBRARY_PATH (README)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "none found"
    except OSError:
        return "unknown"


def openblas_core():
    """The kernel OpenBLAS chose (openblas_get_corename), or why there is none. OPENBLAS_CORETYPE forces
    one: Haswell on an AVX-512 CPU holds its float32 GEMM at about 60 % (147 against 234 GFLOP/s)."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
        for lib in libs:
            try:
                fn = ctypes.CDLL(lib).openblas_get_corename
            except (OSError, AttributeError):
                continue
            fn.restype = ctypes.c_char_p
            forced = os.environ.get("OPENBLAS_CORETYPE")
            return fn().decode() + (f" (forced by OPENBLAS_CORETYPE={forced})" if forced else "")
        return "no OpenBLAS loaded"
    except OSError:
        return "unknown"


def torch_env(env):
    """The PyTorch side's environment: without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which this
    environment sets for older OpenBLAS builds and which hold the GEMM at ~60 % on AVX-512 CPUs
    (docs/performance.md). Only for the PyTorch command, never for tests or CI."""
    return {k: v for k, v in env.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def time_steps(args):
    torch.set_num_threads(args.threads)
    pre = PRESETS[args.preset]
    cfg = dict(layerNormEps=1e-12, dropout=0.1, initializerRange=0.02, vocabSize=30522, maxTextPositions=512,
               typeVocabSize=2, temperature=0.05, l1VideoToText=False, useL1=True, useL2=True, useL3=True,
               negatives="cascade")
    cfg["lambda"] = 0.5
    cfg.update({k: v for k, v in pre.items() if k not in ("batch", "kPrime")})
    if args.feature_dim:
        cfg["featureDim"] = args.feature_dim
    if args.similarity:
        cfg["similarity"] = args.similarity
    k = args.batch or pre["batch"]
    cfg["kPrime"] = args.kprime or pre["kPrime"]
    gen = torch.Generator().manual_seed(1)
    params = init_params(cfg, gen)
    model = Taco(cfg, params)
    model.training = True  # dropout on, as in training

    # A full-size batch as RandomBatches: every frame and token valid, one token of interest in three.
    n, m = cfg["maxTokens"], cfg["maxFrames"]
    feats = torch.randn(k, m, cfg["featureDim"], generator=gen)
    fmask = torch.ones(k, m)
    ids = torch.randint(1000, cfg["vocabSize"], (k, n), generator=gen)
    ids[:, 0], ids[:, -1] = 101, 102
    tmask = torch.ones(k, n)
    w = torch.zeros(k, n)
    w[:, [t for t in range(1, n - 1) if t % 3 == 0]] = 1
    w = w / w.sum(1, keepdim=True)

    decay = [t for t in params.values() if t.dim() > 1]  # as the Java AdamW: no decay of biases/LayerNorm
    no_decay = [t for t in params.values() if t.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-5}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    phases = {}
    clock = [time.perf_counter()]

    def lap(name):
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - clock[0]
        clock[0] = now

    nparams = sum(t.numel() for t in params.values())
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads; {args.preset} preset: d={cfg['hiddenSize']} "
          f"heads={cfg['numAttentionHeads']} layers text/video/fusion={cfg['textLayers']}/{cfg['videoLayers']}/"
          f"{cfg['fusionLayers']}, K={k}, K'={min(cfg['kPrime'], k - 1)}, tokens={n}, frames={m}, D={cfg['featureDim']}, "
          f"dropout {cfg['dropout']}, "
          f"{nparams / 1e6:.1f}M parameters, {args.steps} timed steps after {args.warmup} warm-up")
    print(f"BLAS: {blas_library()}; OpenBLAS kernel: {openblas_core()}")
    total_time = 0.0
    for s in range(args.warmup + args.steps):
        if s == args.warmup:
            phases.clear()
        t0 = time.perf_counter()
        clock[0] = t0
        opt.zero_grad(set_to_none=False)
        lap("optimizer")  # zeroing belongs to the optimizer, as in the Java step
        out = objective(model, feats, fmask, ids, tmask, w, timer=lap)
        out["total"].backward()
        lap("backward")
        opt.step()
        lap("optimizer")
        dt = time.perf_counter() - t0
        if s >= args.warmup:
            total_time += dt
        print(f"  step {s}{' (warm-up)' if s < args.warmup else ''}: {dt * 1000:.1f} ms, loss {float(out['total']):.4f}",
              flush=True)
    order = ["text encoder", "video encoder", "L1+L2", "cascade selection", "fusion", "backward", "optimizer"]
    for name in order:
        print(f"  {name:<18} {phases.get(name, 0.0) * 1000 / args.steps:10.1f} ms")
    ms = total_time * 1000 / args.steps
    print(f"  {'step (total)':<18} {ms:10.1f} ms")
    import resource
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
    print(f"  pairs/s {k / (ms / 1000):.1f}, peak RSS {peak_mb} MB")
    return 0


def compare(args):
    """Alternates the two sides as separate processes (each its own peak RSS) on the same shape and
    thread count, so both see the same machine load; prints every run and the ratios."""
    import os
    import re
    import subprocess
    env = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true", TORCH_CPP_LOG_LEVEL="ERROR",
               OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads),
               TACO_JAVA_OPTS=f"-Xmx8g -Dai.djl.pytorch.num_threads={args.threads} -Dai.djl.pytorch.num_interop_threads=1")
    java_cmd = [args.taco, "bench", "train", "--preset", args.preset, "--timed-steps", str(args.steps),
                "--untimed-steps", str(args.warmup), "--pytorch", "off"] + args.java_args.split()
    torch_cmd = [sys.executable, os.path.abspath(__file__), "time", "--preset", args.preset, "--steps", str(args.steps),
                 "--warmup", str(args.warmup), "--threads", str(args.threads)]
    step_re = re.compile(r"step \(total\)\s+([0-9.]+) ms")
    rss_re = re.compile(r"peak RSS (\d+) MB")

    def run(cmd):
        out = subprocess.run(cmd, env=torch_env(env) if cmd is torch_cmd else env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"{cmd[0]} failed with exit code {out.returncode}")
        print(out.stdout, end="", flush=True)
        return float(step_re.search(out.stdout).group(1)), int(rss_re.search(out.stdout).group(1))

    rows = []
    for i in range(args.rounds):
        print(f"== round {i + 1}: Java", flush=True)
        java = run(java_cmd)
        print(f"== round {i + 1}: PyTorch", flush=True)
        torch_ = run(torch_cmd)
        rows.append((java, torch_))
    print(f"\n{args.preset}, {args.threads} thread(s): ms/step Java vs PyTorch (speed = PyTorch ms / Java ms)")
    for i, ((jm, jr), (tm, tr)) in enumerate(rows):
        print(f"  round {i + 1}: Java {jm:9.1f} ms, {jr} MB | PyTorch {tm:9.1f} ms, {tr} MB | speed {tm / jm:.2f}x, "
              f"memory {jr / tr:.2f}x")
    speeds = sorted(t[0] / j[0] for j, t in rows)
    print(f"  speed: median {speeds[len(speeds) // 2]:.2f}x, range {speeds[0]:.2f}-{speeds[-1]:.2f}x")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="compare a Java export with this PyTorch build")
    c.add_argument("dir")
    c.add_argument("--tol", type=float, default=1e-4, help="max |java - torch| <= tol * max(1, max|torch|)")
    c.add_argument("--grad-rtol", type=float, default=1e-3, help="gradients: also max|diff| / max|torch grad| <= this")
    c.add_argument("--grad-atol", type=float, default=1e-6,
                   help="gradients within this absolute difference pass the relative test too (a gradient that is"
                        " 0 in exact arithmetic, e.g. the fusion head's bias under softmax, is float32 round-off in Java)")
    c.add_argument("--float32", action="store_true", help="compute the reference in float32 (default float64)")
    c.add_argument("--threads", type=int, default=2)
    t = sub.add_parser("time", help="time training steps in plain PyTorch")
    t.add_argument("--preset", choices=sorted(PRESETS), default="cpu")
    t.add_argument("--batch", type=int)
    t.add_argument("--kprime", type=int)
    t.add_argument("--steps", type=int, default=3)
    t.add_argument("--warmup", type=int, default=1)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--feature-dim", type=int, help="D (default: the preset's)")
    t.add_argument("--similarity", choices=["dot", "cosine"], help="default: the preset's")
    r = sub.add_parser("compare", help="alternate `taco bench train` and `time` on one shape; print both and the ratio")
    r.add_argument("--preset", choices=sorted(PRESETS), default="small")
    r.add_argument("--threads", type=int, default=2, help="engine threads of both sides")
    r.add_argument("--rounds", type=int, default=2, help="Java then PyTorch, this many times")
    r.add_argument("--steps", type=int, default=3)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--taco", default="./taco", help="the taco launcher (default: ./taco)")
    r.add_argument("--java-args", default="", help="further arguments of `taco bench train`, e.g. '--fusion-chunk 0'")
    args = ap.parse_args()
    if args.cmd == "compare":
        sys.exit(compare(args))
    torch.set_num_threads(args.threads)
    sys.exit(check(args) if args.cmd == "check" else time_steps(args))


if __name__ == "__main__":
    main()
