/** ai-lab validate DIR: Validate Model Folder from a terminal (src/core/model/validateFolder.ts). */
import { FolderError, validateModelFolder } from '../core/model/validateFolder';
import { InputError } from '../core/text/chunks';
import { parseFlags, UsageError } from './args';

export const VALIDATE_USAGE = `  validate DIR [--json]
      Checks a model folder before it is shared: config.json, the tokenizer paired with the model
      (sizes, special tokens, case), the weights (safetensors or pickle, shards, embedding rows read
      from the safetensors header) and the model card's front matter. Each finding has its file, why
      it matters and the fix. Exit 0: no errors (warnings may remain); 1: errors found; 2: DIR is not
      a folder.`;

const MARK = { error: '✗', warning: '!', info: 'i' } as const;

export async function validateCommand(argv: string[]): Promise<number> {
  const a = parseFlags('validate', argv, { values: [], switches: ['--json'] });
  if (a.positional.length !== 1) throw new UsageError(a.positional.length ? `validate takes one DIR (got ${a.positional.length})` : 'validate needs the model folder: ai-lab validate DIR');
  let report;
  try {
    report = validateModelFolder(a.positional[0]!);
  } catch (err) {
    if (err instanceof FolderError) throw new InputError(err.message);
    throw err;
  }
  if (a.switches.has('--json')) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const out: string[] = [`${report.dir}: ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}, ${report.passed.length} checks passed`];
    for (const f of report.findings) out.push(`${MARK[f.severity]} ${f.severity} ${f.check}${f.file ? ` (${f.file})` : ''}: ${f.message}\n    why: ${f.why}\n    fix: ${f.fix}`);
    process.stdout.write(out.join('\n') + '\n');
  }
  return report.errors ? 1 : 0;
}
