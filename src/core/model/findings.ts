/** What Validate Model Folder reports: findings, each with its file, why it matters and the fix. */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** A stable id of the check, e.g. "config.vocab_size" (JSON key contract of `ai-lab validate --json`). */
  check: string;
  /** The file the finding is about, relative to the folder with "/" ("" for the folder itself). */
  file: string;
  message: string;
  why: string;
  fix: string;
}

export interface FolderReport {
  /** The folder, as given (absolute). */
  dir: string;
  findings: Finding[];
  /** Ids of the checks that ran and found nothing. */
  passed: string[];
  errors: number;
  warnings: number;
}

/** Collects findings and the checks that passed, in the order the checks run. */
export class FindingList {
  readonly findings: Finding[] = [];
  private readonly ran = new Set<string>();
  private readonly failed = new Set<string>();

  add(f: Finding): void {
    this.findings.push(f);
    this.ran.add(f.check);
    this.failed.add(f.check);
  }
  error(check: string, file: string, message: string, why: string, fix: string): void {
    this.add({ severity: 'error', check, file, message, why, fix });
  }
  warning(check: string, file: string, message: string, why: string, fix: string): void {
    this.add({ severity: 'warning', check, file, message, why, fix });
  }
  info(check: string, file: string, message: string, why: string, fix: string): void {
    this.add({ severity: 'info', check, file, message, why, fix });
  }
  /** Marks `check` as run (passed unless a finding names it). */
  ok(check: string): void {
    this.ran.add(check);
  }
  report(dir: string): FolderReport {
    const count = (s: Severity) => this.findings.filter((f) => f.severity === s).length;
    return { dir, findings: this.findings, passed: [...this.ran].filter((c) => !this.failed.has(c)), errors: count('error'), warnings: count('warning') };
  }
}
