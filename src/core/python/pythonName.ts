/**
 * An interpreter in a few characters for a tree row or a title: the environment's folder for one
 * inside a venv or conda env ("/w/proj/.venv/bin/python" → ".venv"), else the program's name
 * ("/usr/bin/python3" → "python3"). The full path stays in the tooltip.
 */
export function pythonName(interpreter: string): string {
  const parts = interpreter.split(/[\\/]/).filter(Boolean);
  const bin = parts.findIndex((x) => x === 'bin' || x === 'Scripts');
  const env = bin > 0 ? parts[bin - 1]! : undefined;
  // /usr/bin/python3 and /usr/local/bin/python3: the system's, named by the program.
  if (env && !['usr', 'local', 'opt', 'homebrew'].includes(env)) return env;
  return parts[parts.length - 1] ?? interpreter;
}
