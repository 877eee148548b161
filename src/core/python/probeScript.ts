/**
 * The Python side of the probe, run as `python -c SCRIPT [--torch]`. Package versions come from
 * distribution metadata (nothing is imported); `--torch` then imports torch (slow, maybe hanging:
 * the caller runs it with its own timeout and kills it). Prints one JSON object.
 */
export const PYTHON_PROBE = String.raw`
import json, os, platform, sys
out = {"version": platform.python_version(), "executable": sys.executable, "prefix": sys.prefix,
       "basePrefix": getattr(sys, "base_prefix", sys.prefix), "packages": {}, "nvidia": [], "torch": None, "errors": []}
try:
    from importlib import metadata
    for name in ["pip", "setuptools", "wheel", "torch", "torchvision", "torchaudio"]:
        try:
            out["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out["packages"][name] = None
    names = set()
    for d in metadata.distributions():
        n = (d.metadata["Name"] or "")
        if n.lower().startswith("nvidia-"):
            names.add(n)
    out["nvidia"] = sorted(names)
except Exception as e:
    out["errors"].append("reading package metadata failed: %s" % e)
if "--torch" in sys.argv and out["packages"].get("torch"):
    try:
        import torch
        t = {"cuda": torch.version.cuda, "cudaAvailable": bool(torch.cuda.is_available()), "archList": [],
             "deviceName": None, "capability": None, "cudnn": None}
        try:
            t["archList"] = list(torch.cuda.get_arch_list())
        except Exception:
            pass
        if t["cudaAvailable"]:
            t["deviceName"] = torch.cuda.get_device_name(0)
            cc = torch.cuda.get_device_capability(0)
            t["capability"] = "%d.%d" % (cc[0], cc[1])
        try:
            t["cudnn"] = torch.backends.cudnn.version()
        except Exception:
            pass
        out["torch"] = t
    except Exception as e:
        out["errors"].append("import torch failed: %s: %s" % (type(e).__name__, e))
print(json.dumps(out))
`;
