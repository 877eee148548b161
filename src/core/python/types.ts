/** What `ai-lab env --python` reports for each interpreter; the keys are a contract (issue 7). */
export interface TorchInfo {
  cuda: string | null;
  cudaAvailable: boolean;
  archList: string[];
  deviceName: string | null;
  capability: string | null;
  cudnn: number | null;
}

export interface PythonEnv {
  path: string;
  version: string | null;
  /** A virtual environment (pyvenv.cfg) or a conda env (conda-meta) rather than a system interpreter. */
  venv: boolean;
  source: string;
  packages: { pip: string | null; setuptools: string | null; wheel: string | null; torch: string | null; torchvision: string | null; torchaudio: string | null };
  torch: TorchInfo | null;
  nvidia: string[];
  errors: string[];
}
