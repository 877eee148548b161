/**
 * Just enough of the `vscode` module for unit tests that build tree items (TreeItem, ThemeIcon,
 * MarkdownString…) outside VS Code: settings read as their defaults, a trusted workspace without
 * folders. Installed by `installFakeVscode()` before the host module is required. The real API is
 * exercised by the e2e suite; this only lets labels and descriptions be checked fast.
 */
import Module from 'node:module';

class EventEmitter<T> {
  private readonly listeners: Array<(e: T) => void> = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => undefined };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.length = 0;
  }
}

class MarkdownString {
  value: string;
  isTrusted?: unknown;
  supportThemeIcons?: boolean;
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
  appendCodeblock(code: string, lang = ''): this {
    this.value += `\n\`\`\`${lang}\n${code}\n\`\`\`\n`;
    return this;
  }
}

export const fakeVscode = {
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  TreeItem: class {
    id?: string;
    description?: string | boolean;
    tooltip?: string | MarkdownString;
    iconPath?: unknown;
    contextValue?: string;
    command?: unknown;
    constructor(
      public label: string,
      public collapsibleState = 0,
    ) {}
  },
  ThemeIcon: class {
    constructor(
      public id: string,
      public color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(public id: string) {}
  },
  MarkdownString,
  EventEmitter,
  workspace: {
    isTrusted: true,
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: <T>(_key: string, fallback?: T) => fallback, inspect: () => undefined }),
  },
  commands: { executeCommand: () => Promise.resolve(undefined) },
};

let installed = false;

/** Makes `require('vscode')` answer `fakeVscode` in this process. */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const m = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const load = m._load;
  m._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? fakeVscode : load.call(this, request, parent, isMain);
  };
}
