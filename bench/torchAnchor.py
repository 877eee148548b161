"""The bench's PyTorch anchor: the SAME BERT-base-shaped weights as the generated ONNX model (read from
its initialisers with python3-onnx) as a plain eager torch BERT, run on the same token ids one at a
time and in batches sorted by length. Prints one JSON object: timings, logits, BLAS and kernel.

usage: /usr/bin/python3 torchAnchor.py MODEL.onnx IDS.json BATCH THREADS
IDS.json: {"ids": [[101, ...], ...]} (token ids per sentence; token types are 0, the mask all ones).
"""
import ctypes
import json
import math
import sys
import time

import onnx
import torch
from onnx import numpy_helper


def blas_info():
    """Which BLAS torch's libblas.so.3 resolves to, and OpenBLAS's kernel when it is OpenBLAS."""
    info = {"blas": "unknown", "kernel": None, "config": None}
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line})
        info["libraries"] = libs
        for lib in libs:
            if "openblas" in lib:
                info["blas"] = "OpenBLAS"
                ob = ctypes.CDLL(lib)
                ob.openblas_get_corename.restype = ctypes.c_char_p
                ob.openblas_get_config.restype = ctypes.c_char_p
                info["kernel"] = ob.openblas_get_corename().decode()
                info["config"] = ob.openblas_get_config().decode()
                break
        else:
            if any("libblas" in lib for lib in libs):
                info["blas"] = "reference (netlib) BLAS"
    except Exception as e:  # the figures stay valid; only the label is missing
        info["error"] = str(e)
    return info


class Bert(torch.nn.Module):
    def __init__(self, w, layers, heads):
        super().__init__()
        self.w = {k: torch.from_numpy(v.copy()) for k, v in w.items()}
        self.layers = layers
        self.heads = heads

    def lin(self, x, name):
        return torch.addmm(self.w[name + "_b"], x.reshape(-1, x.shape[-1]), self.w[name + "_w"]).reshape(*x.shape[:-1], -1)

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + "_g"], self.w[name + "_b"], eps=1e-5)

    def forward(self, ids, mask):
        b, s = ids.shape
        w = self.w
        h = w["word_embeddings"][ids] + w["position_embeddings"][:s].unsqueeze(0) + w["token_type_embeddings"][0]
        h = self.ln(h, "emb_ln")
        bias = ((1.0 - mask.float()) * -10000.0)[:, None, None, :]
        H = h.shape[-1]
        hd = H // self.heads
        for l in range(self.layers):
            p = f"l{l}_"
            split = lambda x: x.view(b, s, self.heads, hd).transpose(1, 2)
            q, k, v = split(self.lin(h, p + "q")), split(self.lin(h, p + "k")), split(self.lin(h, p + "v"))
            probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            ctx = (probs @ v).transpose(1, 2).reshape(b, s, H)
            h1 = self.ln(h + self.lin(ctx, p + "o"), p + "ln1")
            f = torch.nn.functional.gelu(self.lin(h1, p + "f1"))  # erf GELU, as the graph
            h = self.ln(h1 + self.lin(f, p + "f2"), p + "ln2")
        pooled = torch.tanh(self.lin(h[:, 0], "pool"))
        return self.lin(pooled, "cls")


def main():
    model_path, ids_path, batch, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    m = onnx.load(model_path)
    w = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    layers = len({k.split("_")[0] for k in w if k.startswith("l") and k[1].isdigit()})
    heads = int(w["heads_shape"][2])
    model = Bert(w, layers, heads).eval()
    ids = json.load(open(ids_path))["ids"]
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "layers": layers, **blas_info()}
    with torch.inference_mode():
        t = torch.tensor([ids[0]])
        model(t, torch.ones_like(t))  # warm-up
        start = time.perf_counter()
        b1 = []
        for seq in ids:
            t = torch.tensor([seq])
            b1.append(model(t, torch.ones_like(t))[0].tolist())
        out["b1Ms"] = (time.perf_counter() - start) * 1000
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batched = [None] * len(ids)
        start = time.perf_counter()
        for k in range(0, len(order), batch):
            idx = order[k : k + batch]
            s = max(len(ids[i]) for i in idx)
            t = torch.zeros((len(idx), s), dtype=torch.long)
            mask = torch.zeros((len(idx), s), dtype=torch.long)
            for r, i in enumerate(idx):
                t[r, : len(ids[i])] = torch.tensor(ids[i])
                mask[r, : len(ids[i])] = 1
            logits = model(t, mask)
            for r, i in enumerate(idx):
                batched[i] = logits[r].tolist()
        out["batchedMs"] = (time.perf_counter() - start) * 1000
    out["b1Logits"] = b1
    out["batchedLogits"] = batched
    print(json.dumps(out))


if __name__ == "__main__":
    main()
