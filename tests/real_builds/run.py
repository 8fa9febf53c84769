#!/usr/bin/env python3
"""Real container builds of dflint's fixes.

For each app in tests/real_builds/apps/<name>/ (a build context and an expect.json): build the
original Dockerfile, run `dflint check --fix` and `--fix --unsafe-fixes` on copies, build each
result that differs, run every image and compare its behaviour (HTTP answers or CLI output) with the
original's, record image sizes, and for cache-order fixes change one source file, rebuild, and
require the dependency install to come from the layer cache.

Then the test of the test: deliberately wrong rewrites (an app's "mutants") must make that app fail.

Prints a table and writes it to tests/artifacts/real-builds/report.md (build logs beside it); the
last line is `N passed, N failed`; exits non-zero on any failure. Needs podman and the stand-in images
(scripts/install-real-build-deps) and a built dflint binary ($DFLINT, else target/{release,debug}).
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
APPS = HERE / "apps"
OUT = ROOT / "tests" / "artifacts" / "real-builds"
# Runs on one machine share podman's store and cache: names carry the run's pid so that two runs
# never remove or replace each other's images and containers.
RUN_ID = os.getpid()
IMAGE_PREFIX = f"localhost/dflint-rb-{RUN_ID}"
CACHE_RULES = {"source-copy-before-install", "volatile-layer-before-stable"}
BUILD_TIMEOUT = 900
HTTP_DEADLINE = 45


class Failure(Exception):
    """One app's check failed; the message says which and why."""


def log(msg):
    print(msg, flush=True)


def sh(args, timeout=120, check=False, cwd=None):
    proc = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, errors="replace"
    )
    if check and proc.returncode != 0:
        raise Failure(f"`{' '.join(map(str, args))}` exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
    return proc


def find_dflint():
    if os.environ.get("DFLINT"):
        return os.environ["DFLINT"]
    found = [ROOT / "target" / p / "dflint" for p in ("release", "debug")]
    found = [p for p in found if p.exists()]
    if not found:
        sys.exit("run.py: no dflint binary: run `cargo build` or set DFLINT")
    return str(max(found, key=lambda p: p.stat().st_mtime))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_digest(folder):
    """What a build can see: every file's path and bytes."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


class App:
    def __init__(self, folder, dflint, work):
        self.name = folder.name
        self.src = folder
        self.spec = json.loads((folder / "expect.json").read_text())
        self.dflint = dflint
        self.work = work / self.name
        self.dockerfile = self.spec.get("dockerfile", "Dockerfile")
        self.context = self.spec.get("context", ".")
        self.logs = []
        self.layers = []  # the images the builds created, the intermediate ones included
        self.log_tag = ""
        self.row = {"app": self.name, "safe": "-", "unsafe": "-", "size": {}, "same": "", "cache": "-", "result": ""}

    # -- copies and dflint ---------------------------------------------------------------------
    def copy(self, variant):
        dest = self.work / variant
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.src, dest, ignore=shutil.ignore_patterns("expect.json"))
        return dest

    def dflint_json(self, folder):
        args = [self.dflint, "check", "--format", "json", "--color", "never"]
        if self.spec.get("dflint_context"):
            args += ["--context", str(folder / self.context)]
        proc = sh(args + [str(folder / self.dockerfile)])
        if proc.returncode > 1:
            raise Failure(f"dflint check failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
        return json.loads(proc.stdout or "[]")

    def fix(self, variant, unsafe):
        folder = self.copy(variant)
        args = [self.dflint, "check", "--fix", "--color", "never"]
        if unsafe:
            args.append("--unsafe-fixes")
        if self.spec.get("dflint_context"):
            args += ["--context", str(folder / self.context)]
        proc = sh(args + [str(folder / self.dockerfile)])
        self.write_log(f"dflint-{variant}", proc.stdout + proc.stderr)
        if proc.returncode > 1:
            raise Failure(f"dflint --fix ({variant}) failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
        return folder

    @staticmethod
    def fixable(findings, unsafe):
        ok = {"safe", "unsafe"} if unsafe else {"safe"}
        counts = {}
        for f in findings:
            if f.get("fix") and f["fix"].get("applicability") in ok:
                counts[f["name"]] = counts.get(f["name"], 0) + 1
        return counts

    def applied(self, before, folder, unsafe):
        """Rules whose fixable findings went down: the fixes that were applied."""
        after_all = {}
        for f in self.dflint_json(folder):
            after_all[f["name"]] = after_all.get(f["name"], 0) + 1
        return sorted(r for r, n in self.fixable(before, unsafe).items() if after_all.get(r, 0) < n)

    # -- podman --------------------------------------------------------------------------------
    def tag(self, variant):
        return f"{IMAGE_PREFIX}/{self.name}:{variant}"

    def write_log(self, what, text):
        path = OUT / "logs" / f"{self.name}-{self.log_tag}{what}.log"
        path.write_text(text)
        self.logs.append(path)
        return path

    def build(self, variant, folder, what=None):
        args = ["podman", "build", "--pull=never", "-t", self.tag(variant),
                "-f", str(folder / self.dockerfile), str(folder / self.context)]
        if self.spec.get("no_layer_cache") and not (what or "").endswith("rebuild"):
            # podman 4.3 keys a RUN's cached layer on its text and parent only, not on what its mounts read from
            # other stages: a change to a mounted stage would be judged on a stale layer.
            args.insert(2, "--no-cache")
        proc = sh(args, timeout=BUILD_TIMEOUT)
        out = proc.stdout + proc.stderr
        self.layers += re.findall(r"^--> (?:Using cache )?([0-9a-f]{12,64})$", out, flags=re.M)
        for _ in range(2):
            # podman 4.3 sometimes trips over its own cache right after images were removed
            # ("checking if cached image exists ...: layer not known"); a second try goes through.
            if proc.returncode == 0 or "layer not known" not in out:
                break
            proc = sh(args, timeout=BUILD_TIMEOUT)
            out += "\n(retried after a podman cache error)\n" + proc.stdout + proc.stderr
        path = self.write_log(f"build-{what or variant}", " ".join(args) + "\n" + out)
        if proc.returncode != 0:
            tail = "\n".join(out.strip().splitlines()[-6:])
            raise Failure(f"{variant}: build failed (log {path.relative_to(ROOT)}):\n{tail}")
        return out

    def size(self, variant):
        proc = sh(["podman", "image", "inspect", "--format", "{{.Size}}", self.tag(variant)], check=True)
        return int(proc.stdout.strip())

    def behaviour(self, variant):
        """What the image does: the CLI's exit code and output, or the HTTP answers, and PID 1."""
        run = self.spec["run"]
        name = f"dflint-rb-{RUN_ID}-{self.name}-{variant}"
        sh(["podman", "rm", "-f", "-t", "0", name])
        env = []
        for k, v in run.get("env", {}).items():
            env += ["-e", f"{k}={v}"]
        if run["kind"] == "cli":
            try:
                proc = sh(["podman", "run", "--rm", "--name", name, *env, self.tag(variant), *run.get("args", [])],
                          timeout=120)
            except subprocess.TimeoutExpired:
                sh(["podman", "rm", "-f", "-t", "0", name], timeout=60)
                raise Failure(f"{variant}: still running after 120 s") from None
            return {"exit": proc.returncode, "stdout": proc.stdout}
        port = run["port"]
        host_port = free_port()
        start = sh(["podman", "run", "-d", "--name", name, "-p", f"127.0.0.1:{host_port}:{port}", *env,
                    self.tag(variant), *run.get("args", [])], timeout=60)
        if start.returncode != 0:
            raise Failure(f"{variant}: podman run failed: {start.stderr.strip()[-500:]}")
        try:
            answers = []
            for req in run["requests"]:
                answers.append(self.http(variant, name, host_port, req["path"]))
            top = sh(["podman", "top", name, "pid", "args"])
            pid1 = ""
            for line in top.stdout.splitlines()[1:]:
                parts = line.split(None, 1)
                if parts and parts[0] == "1":
                    pid1 = parts[1].strip() if len(parts) > 1 else ""
            return {"answers": answers, "pid1": pid1}
        finally:
            logs = sh(["podman", "logs", name])
            self.write_log(f"run-{variant}", logs.stdout + logs.stderr)
            sh(["podman", "rm", "-f", "-t", "0", name], timeout=60)

    def http(self, variant, name, port, path):
        deadline = time.monotonic() + HTTP_DEADLINE
        last = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as r:
                    return {"path": path, "status": r.status, "body": r.read().decode("utf-8", "replace")}
            except urllib.error.HTTPError as e:
                return {"path": path, "status": e.code, "body": e.read().decode("utf-8", "replace")}
            except Exception as e:  # not listening yet
                last = e
                state = sh(["podman", "inspect", "--format", "{{.State.Running}}", name])
                if state.stdout.strip() == "false":
                    break
                time.sleep(0.5)
        raise Failure(f"{variant}: no HTTP answer on {path} ({last})")

    def comparable(self, got):
        """What must match the original: the CLI's exit code and output, or each HTTP status and body
        (PID 1 is what the CMD/ENTRYPOINT fixes change on purpose)."""
        if self.spec["run"]["kind"] == "cli":
            return got
        return [(a["status"], a["body"]) for a in got["answers"]]

    def observe(self, variant):
        """The behaviour of a variant that must work; None for one that must not: its Dockerfile still
        holds expect.json's `broken_while` text (an instruction that could never run as written)."""
        broken = self.spec.get("broken_while")
        if broken and broken in (self.work / variant / self.dockerfile).read_text():
            try:
                got = self.behaviour(variant)
                self.check_expected(variant, got)
            except Failure:
                return None
            raise Failure(f"{variant}: still has {broken!r}, which cannot run, but it works")
        got = self.behaviour(variant)
        self.check_expected(variant, got)
        return got

    def check_expected(self, variant, got):
        run = self.spec["run"]
        if run["kind"] == "cli":
            want_exit = run.get("exit", 0)
            if got["exit"] != want_exit:
                raise Failure(f"{variant}: exit {got['exit']}, expected {want_exit}; output {got['stdout'][-300:]!r}")
            if "stdout" in run and got["stdout"] != run["stdout"]:
                raise Failure(f"{variant}: output {got['stdout'][-300:]!r}, expected {run['stdout']!r}")
            for s in run.get("contains", []):
                if s not in got["stdout"]:
                    raise Failure(f"{variant}: output lacks {s!r}: {got['stdout'][-300:]!r}")
        else:
            for req, ans in zip(run["requests"], got["answers"]):
                if ans["status"] != req.get("status", 200):
                    raise Failure(f"{variant}: GET {req['path']} -> {ans['status']}, expected {req.get('status', 200)}")
                for s in req.get("contains", []):
                    if s not in ans["body"]:
                        raise Failure(f"{variant}: GET {req['path']} lacks {s!r}: {ans['body'][:300]!r}")
        pid1 = self.spec.get("pid1", {}).get(variant)
        if pid1 and not re.search(pid1, got.get("pid1", "")):
            raise Failure(f"{variant}: PID 1 is {got.get('pid1')!r}, expected /{pid1}/")

    def cache_check(self, variant, folder):
        cache = self.spec["cache"]
        if self.spec.get("no_layer_cache"):
            # The first build kept no layers to reuse: one build with the cache lays them down.
            self.build(variant, folder, what=f"{variant}-prime-rebuild")
        target = folder / self.context / cache["touch"]
        with open(target, "a") as f:
            f.write(cache.get("append", "\n"))
        out = self.build(variant, folder, what=f"{variant}-rebuild")
        steps = re.split(r"^(?:\[\d+/\d+\] )?STEP \d+/\d+: ", out, flags=re.M)[1:]
        for step in steps:
            head = step.splitlines()[0]
            if cache["step"] in head:
                hit = "--> Using cache" in step
                if not hit:
                    raise Failure(f"{variant}: after a change to {cache['touch']}, `{head[:80]}` ran again (no cache hit)")
                return True
        raise Failure(f"{variant}: no build step contains {cache['step']!r}")

    # -- the whole check -----------------------------------------------------------------------
    def run(self, mutant=None):
        OUT.joinpath("logs").mkdir(parents=True, exist_ok=True)
        self.log_tag = f"mutant-{mutant['name']}-" if mutant else ""
        if mutant:  # the app's own row is already in the table
            self.row = {**self.row, "size": {}}
        self.remove_images()
        orig = self.copy("original")
        before = self.dflint_json(orig)
        variants = {}
        if mutant:
            folder = self.copy("mutant")
            path = folder / self.dockerfile
            text = path.read_bytes()
            for old, new in mutant["replace"]:
                if old.encode() not in text:
                    raise Failure(f"mutant {mutant['name']}: {old!r} is not in the Dockerfile")
                text = text.replace(old.encode(), new.encode(), 1)
            path.write_bytes(text)
            # A mutant may pose as a rule's fix, so that the checks of that fix (the cache) run on it.
            variants["mutant"] = (folder, [mutant["name"], *mutant.get("as_rules", [])])
        else:
            for variant, unsafe in (("safe", False), ("unsafe", True)):
                folder = self.fix(variant, unsafe)
                variants[variant] = (folder, self.applied(before, folder, unsafe))
                self.row[variant] = ", ".join(variants[variant][1]) or "none"
        base_digest = tree_digest(orig)
        self.build("original", orig)
        self.row["size"]["original"] = self.size("original")
        ref = self.observe("original")
        same = []
        cache_hits = []
        for variant, (folder, rules) in variants.items():
            if tree_digest(folder) == base_digest:
                self.row["size"][variant] = "="
                continue
            self.build(variant, folder)
            self.row["size"][variant] = self.size(variant)
            got = self.observe(variant)
            if got is None:
                continue
            if ref is not None and self.comparable(got) != self.comparable(ref):
                raise Failure(f"{variant}: behaves differently from the original: {json.dumps(got)[:400]} vs {json.dumps(ref)[:400]}")
            same.append(variant)
            if "cache" in self.spec and CACHE_RULES & set(rules):
                self.cache_check(variant, folder)
                cache_hits.append(variant)
        self.row["same"] = ("yes" if same else "= (no change)") + ("; the original cannot run" if ref is None else "")
        self.row["cache"] = ", ".join(cache_hits) or "-"
        if not mutant:
            self.check_fix_expectations(variants)

    def check_fix_expectations(self, variants):
        fixes = self.spec.get("fixes", {})
        for variant in ("safe", "unsafe"):
            if variant not in variants:
                continue
            applied = set(variants[variant][1])
            want = set(fixes.get(variant, []))
            if want - applied:
                raise Failure(f"{variant}: expected fixes not applied: {', '.join(sorted(want - applied))} (applied: {', '.join(sorted(applied)) or 'none'})")
            forbid = set(fixes.get(f"{variant}_forbid", []))
            if forbid & applied:
                raise Failure(f"{variant}: fixes that must not apply did: {', '.join(sorted(forbid & applied))}")
            if fixes.get(f"{variant}_none") and applied:
                raise Failure(f"{variant}: an optimal file was changed by {', '.join(sorted(applied))}")
        if self.spec.get("unchanged"):
            for variant, (folder, _) in variants.items():
                if tree_digest(folder) != tree_digest(self.work / "original"):
                    raise Failure(f"{variant}: an already optimal app was changed")
        if self.spec.get("crlf"):
            # Fixes keep line ends byte for byte: CRLF stays CRLF, a missing final newline stays missing.
            for variant, (folder, _) in variants.items():
                data = (folder / self.dockerfile).read_bytes()
                lone_cr = len(re.findall(rb"\r(?!\n)", data))
                lone_lf = len(re.findall(rb"(?<!\r)\n", data))
                final = data.endswith(b"\n")
                if lone_cr or lone_lf or final:
                    raise Failure(f"{variant}: line ends broken: {lone_cr} lone CR, {lone_lf} lone LF, "
                                  f"final newline added: {final}; the file ends {data[-12:]!r}")
        for variant, mb in self.spec.get("max_size_mb", {}).items():
            size = self.row["size"].get(variant)
            if not isinstance(size, int) or size > mb * 1e6:
                raise Failure(f"{variant}: image is {fmt_size(size)}, more than the {mb} MB expect.json allows")
        smaller = self.spec.get("smaller")
        if smaller:
            s, o = self.row["size"].get(smaller), self.row["size"]["original"]
            if not isinstance(s, int) or s >= o:
                raise Failure(f"{smaller}: image is not smaller than the original ({s} vs {o})")
        if "cache" in self.spec and self.spec["cache"].get("required", True):
            applied_any = set()
            for _, rules in variants.values():
                applied_any |= set(rules)
            if not CACHE_RULES & applied_any:
                raise Failure("a cache-order fix was expected (expect.json has `cache`) but none applied")

    def remove_images(self):
        tags = [self.tag(v) for v in ("original", "safe", "unsafe", "mutant")]
        existing = [t for t in tags if sh(["podman", "image", "exists", t]).returncode == 0]
        if existing:
            sh(["podman", "rmi", "-f", *existing], timeout=120)
        # The intermediate images of this app's builds, newest first so that children go before their
        # parents; one still in use (a child elsewhere, another run's image) is refused and stays.
        for layer in dict.fromkeys(reversed(self.layers)):
            sh(["podman", "rmi", layer], timeout=120)
        self.layers = []


def fmt_size(v):
    if isinstance(v, int):
        return f"{v / 1e6:.1f} MB"
    return v or "-"


def table(rows):
    head = "| app | fixes (--fix) | fixes (--unsafe-fixes) | original | safe | unsafe | behaviour same | cache hit | result |"
    lines = [head, "|" + "---|" * 9]
    for r in rows:
        lines.append("| " + " | ".join([
            r["app"], r["safe"], r["unsafe"], fmt_size(r["size"].get("original")),
            fmt_size(r["size"].get("safe")), fmt_size(r["size"].get("unsafe")),
            r["same"] or "-", r["cache"], r["result"],
        ]) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("apps", nargs="*", help="only these apps (default: all)")
    ap.add_argument("--no-mutants", action="store_true", help="skip the test of the test")
    ap.add_argument("--keep-images", action="store_true", help="keep the apps' images after the run")
    args = ap.parse_args()

    dflint = find_dflint()
    if shutil.which("podman") is None:
        sys.exit("run.py: podman is missing: run scripts/install-real-build-deps (as root)")
    OUT.mkdir(parents=True, exist_ok=True)
    if (OUT / "logs").exists():
        shutil.rmtree(OUT / "logs")
    (OUT / "logs").mkdir()
    folders = sorted(p for p in APPS.iterdir() if (p / "expect.json").exists())
    if args.apps:
        folders = [p for p in folders if p.name in args.apps]
    log(f"real builds: {len(folders)} apps, dflint {dflint}")
    rows, mutant_rows, failures = [], [], []
    passed = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dflint-rb-") as tmp:
        work = Path(tmp)
        apps = [App(f, dflint, work) for f in folders]
        for app in apps:
            t0 = time.monotonic()
            try:
                app.run()
                app.row["result"] = "pass"
                passed += 1
            except (Failure, subprocess.TimeoutExpired) as e:
                app.row["result"] = "FAIL"
                failures.append(f"{app.name}: {e}")
            app.row["result"] += f" ({time.monotonic() - t0:.0f} s)"
            log(f"  {app.name}: {app.row['result']}" + (f"\n    {failures[-1]}" if "FAIL" in app.row["result"] else ""))
            rows.append(app.row)
            if not args.keep_images:
                app.remove_images()
        if not args.no_mutants:
            for app in apps:
                for mutant in app.spec.get("mutants", []):
                    t0 = time.monotonic()
                    row = {"mutant": mutant["name"], "app": app.name, "wanted": mutant["wanted"]}
                    try:
                        app.run(mutant)
                        row["result"] = "FAIL (the wrong rewrite went unnoticed)"
                        failures.append(f"mutant {mutant['name']} of {app.name}: the harness did not catch it")
                    except (Failure, subprocess.TimeoutExpired) as e:
                        caught = str(e).splitlines()[0]
                        if mutant["wanted"] not in str(e):
                            row["result"] = f"FAIL (caught for another reason: {caught})"
                            failures.append(f"mutant {mutant['name']} of {app.name}: caught, but not by `{mutant['wanted']}`: {caught}")
                        else:
                            row["result"] = f"pass (caught: {caught})"
                            passed += 1
                    row["result"] += f" ({time.monotonic() - t0:.0f} s)"
                    log(f"  mutant {mutant['name']} ({app.name}): {row['result']}")
                    mutant_rows.append(row)
                    if not args.keep_images:
                        app.remove_images()

    report = ["# Real builds", "", table(rows), ""]
    if mutant_rows:
        report += ["## Test of the test: deliberately wrong rewrites", "",
                   "| mutant | app | must fail with | result |", "|---|---|---|---|"]
        report += [f"| {m['mutant']} | {m['app']} | {m['wanted']} | {m['result']} |" for m in mutant_rows]
        report.append("")
    if failures:
        report += ["## Failures", ""] + ["- " + f.replace("\n", "\n  ") for f in failures] + [""]
    report.append(f"Total time {time.monotonic() - started:.0f} s; logs in tests/artifacts/real-builds/logs.")
    (OUT / "report.md").write_text("\n".join(report) + "\n")
    log("\n" + "\n".join(report))
    log(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
