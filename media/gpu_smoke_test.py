"""AI Lab GPU smoke test: the user's notes' check (versions, arch list, device, a 256x256 matmul on the GPU).
Prints what it finds; with a path argument, also writes the result there as JSON for AI Lab to read."""
import json
import sys

result = {"torch": None, "cudaAvailable": False, "cuda": None, "archList": [], "deviceName": None, "matmul": False, "error": None}
try:
    import torch

    result["torch"] = torch.__version__
    result["cuda"] = torch.version.cuda
    print("torch:", torch.__version__)
    result["cudaAvailable"] = bool(torch.cuda.is_available())
    print("cuda available:", result["cudaAvailable"])
    if result["cudaAvailable"]:
        result["archList"] = list(torch.cuda.get_arch_list())
        print("arch list:", result["archList"])
        result["deviceName"] = torch.cuda.get_device_name(0)
        print("device name:", result["deviceName"])
        x = torch.randn(256, 256, device="cuda")
        y = torch.matmul(x, x)
        torch.cuda.synchronize()
        result["matmul"] = tuple(y.shape) == (256, 256)
        print("successful multiply", y.shape)
except Exception as e:  # noqa: BLE001 - every failure is the verdict
    result["error"] = "%s: %s" % (type(e).__name__, e)
    print("FAILED:", result["error"])
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        json.dump(result, f)
sys.exit(0 if result["matmul"] else 1)
