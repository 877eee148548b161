/** Compute capability → NVIDIA architecture. Ada Lovelace is sm_89; sm_90 is Hopper. */
export interface ArchitectureInfo {
  computeCapability: string;
  sm: string;
  /** The architecture name, or null when the capability is not in the table. */
  architecture: string | null;
}

const EXACT: Record<string, string> = {
  '7.0': 'Volta',
  '7.2': 'Volta',
  '7.5': 'Turing',
  '8.0': 'Ampere',
  '8.6': 'Ampere',
  '8.7': 'Ampere',
  '8.9': 'Ada Lovelace',
  '9.0': 'Hopper',
};

const BY_MAJOR: Record<string, string> = {
  '6': 'Pascal',
  '10': 'Blackwell',
  '12': 'Blackwell',
};

/** Accepts "8.9", "12.0", "12" (→ 12.0); returns null for text that is not a capability. */
export function parseComputeCapability(raw: string | null | undefined): { major: number; minor: number } | null {
  const m = /^\s*(\d{1,2})(?:\.(\d{1,2}))?\s*$/.exec(raw ?? '');
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2] ?? '0') };
}

export function architectureFor(raw: string): ArchitectureInfo | null {
  const cc = parseComputeCapability(raw);
  if (!cc) return null;
  const computeCapability = `${cc.major}.${cc.minor}`;
  return {
    computeCapability,
    sm: `sm_${cc.major}${cc.minor}`,
    architecture: EXACT[computeCapability] ?? BY_MAJOR[String(cc.major)] ?? null,
  };
}
