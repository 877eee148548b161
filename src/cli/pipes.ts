/**
 * A reader that goes away (`ai-lab pdf-text f.pdf | head -1`) ends the CLI quietly with exit 0, as
 * `head` users expect: Node would otherwise throw EPIPE from the next write with a stack trace.
 * Other write errors (a full disk) still end the process with the error.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') exit(0);
    else throw err;
  });
}
