// Run Python inside Pyodide under Node, with host directories mounted.
//
//     node scripts/pyodide-run.mjs PYODIDE_DIR SITE_DIR REPO -- ARGS...
//
// PYODIDE_DIR is the npm package's directory (node_modules/pyodide),
// SITE_DIR a directory of unpacked wheels that goes first on sys.path, REPO
// the checkout, mounted at its own path and made the working directory.
// ARGS are what `python` would get: `-m MODULE ...` or `SCRIPT ...`. The
// exit status is the Python program's (SystemExit), 1 for an uncaught
// exception, so a failing pytest run fails the command.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, siteDir, repo, dashes, ...args] = process.argv.slice(2);
if (!pyodideDir || !siteDir || !repo || dashes !== "--" || args.length === 0) {
  console.error("usage: node pyodide-run.mjs PYODIDE_DIR SITE_DIR REPO -- (-m MODULE | SCRIPT) [ARGS...]");
  process.exit(2);
}
// A JavaScript error (the minified runtime's source in its trace would
// fill the terminal) is reported by its message alone.
process.on("uncaughtException", (err) => {
  console.error("pyodide-run: " + (err && err.message ? err.message : err));
  process.exit(1);
});
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  env: { HOME: "/home/pyodide", PYTHONDONTWRITEBYTECODE: "1", CI: process.env.CI || "" },
});
// Bytes as Python writes them (not line-batched), so pytest's progress
// dots stay on one line.
const fs = await import("node:fs");
pyodide.setStdout({ write: (buf) => fs.writeSync(1, buf) });
pyodide.setStderr({ write: (buf) => fs.writeSync(2, buf) });
// Each host directory at its own path; one inside another is reached
// through the outer mount.
const mounts = [path.resolve(repo), path.resolve(siteDir)];
for (const [i, dir] of mounts.entries()) {
  if (mounts.slice(0, i).some((outer) => (dir + path.sep).startsWith(outer + path.sep))) continue;
  pyodide.mountNodeFS(dir, dir);
}
pyodide.globals.set("_argv", pyodide.toPy(args));
pyodide.globals.set("_site", path.resolve(siteDir));
pyodide.globals.set("_repo", path.resolve(repo));
const status = pyodide.runPython(`
import os, runpy, sys, traceback
sys.path.insert(0, _site)
os.chdir(_repo)
argv = list(_argv)
def _main():
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")
def _status():
    try:
        _main()
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0
_status()
`);
process.exit(status);
