"""The Odoo suite of ``./run-tests``: finding an Odoo 18, installing the
requirements into its Python within Odoo's pins, a browser for the tours, an
``odoo-bin`` command line, one phase of Odoo (a logged run), and the suite
itself (install, upgrade, tests on a throwaway database). ``./run-bench``
finds and runs Odoo with it too (one truth).

Not a test module and not part of the addon: ``./run-tests`` and
``./run-bench`` put ``tools/`` on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: The repository (the addon's folder).
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-results"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo18/src"))
ODOO_PYTHON = Path(os.environ.get("ODOO_PYTHON", "/opt/odoo18/venv/bin/python"))
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", "root")
ADDON = "calendar_sync"
# Odoo's own pins that our dependencies must never move (Python 3.11 lines of
# Odoo 18's requirements.txt); checked after every install.
GUARDED_PINS = ("requests", "urllib3", "cryptography", "pyopenssl", "idna")
# Test tools the Odoo suite imports too (tests/test_convergence.py): their pins
# in requirements-test.txt are installed into Odoo's Python with requirements.txt.
ODOO_TEST_TOOLS = ("hypothesis",)
#: What ``pip check`` says of an Odoo addon from PyPI (queue_job) when Odoo is
#: a source tree rather than an installed distribution: not a problem.
ODOO_NOT_A_DISTRIBUTION = "requires odoo, which is not installed."


def say(msg: str) -> None:
    print(msg, flush=True)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=False, **kw)


def find_odoo() -> str | None:
    """None when an Odoo 18 is usable, else why not."""
    if not (ODOO_SRC / "odoo-bin").exists():
        return f"no Odoo source tree at ODOO_SRC={ODOO_SRC}"
    if not ODOO_PYTHON.exists():
        return f"no Odoo Python at ODOO_PYTHON={ODOO_PYTHON}"
    release = (ODOO_SRC / "odoo" / "release.py").read_text()
    match = re.search(r"version_info = \((\d+)", release)
    if not match or match.group(1) != "18":
        return f"{ODOO_SRC} is not Odoo 18"
    proc = run([ODOO_PYTHON, "-c", "import psycopg2, werkzeug"], capture_output=True)
    if proc.returncode:
        return f"{ODOO_PYTHON} lacks Odoo's requirements (psycopg2, werkzeug)"
    return None


def odoo_test_requirements() -> list[str]:
    """The lines of requirements-test.txt that pin ODOO_TEST_TOOLS."""
    lines = (ROOT / "requirements-test.txt").read_text().splitlines()
    return [
        line.strip()
        for line in lines
        if re.split(r"[\s<>=!~;\[]", line.strip(), maxsplit=1)[0].lower()
        in ODOO_TEST_TOOLS
    ]


def install_requirements_into_odoo() -> str | None:
    """Install requirements.txt (and the test tools the Odoo suite imports, see
    ODOO_TEST_TOOLS) into Odoo's Python with Odoo's pins as constraints;
    return an error when that would move one of Odoo's pins."""
    before = installed_versions(ODOO_PYTHON)
    cmd = [
        ODOO_PYTHON,
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-r",
        ROOT / "requirements.txt",
        *odoo_test_requirements(),
        "-c",
        ODOO_SRC / "requirements.txt",
    ]
    proc = run(cmd, capture_output=True, text=True)
    if proc.returncode:
        return (
            "pip could not install requirements.txt within Odoo's pins:\n" + proc.stderr
        )
    after = installed_versions(ODOO_PYTHON)
    moved = [
        f"{n} {before.get(n)} -> {after.get(n)}"
        for n in GUARDED_PINS
        if before.get(n) != after.get(n)
    ]
    if moved:
        return "installing requirements.txt moved Odoo's pins: " + ", ".join(moved)
    pins = odoo_pins()
    wrong = [
        f"{n}=={after.get(n)} (Odoo pins {pins[n]})"
        for n in GUARDED_PINS
        if n in pins and after.get(n) != pins[n]
    ]
    if wrong:
        return "Odoo's Python does not have Odoo's pinned versions: " + ", ".join(wrong)
    check = run([ODOO_PYTHON, "-m", "pip", "check"], capture_output=True, text=True)
    complaints = [
        line
        for line in check.stdout.splitlines()
        # Odoo addons from PyPI (queue_job) require the "odoo" distribution;
        # here Odoo is a source tree, not an installed distribution
        if line.strip() and not line.rstrip().endswith(ODOO_NOT_A_DISTRIBUTION)
    ]
    if check.returncode and complaints:
        return "pip check failed in Odoo's Python:\n" + "\n".join(complaints)
    say(
        f"requirements.txt installed into {ODOO_PYTHON}; Odoo's pins untouched ("
        + ", ".join(f"{n} {after.get(n)}" for n in GUARDED_PINS)
        + ")"
    )
    return None


def installed_versions(python: Path) -> dict:
    code = (
        "import json, importlib.metadata as m;"
        "print(json.dumps({d.metadata['Name'].lower(): d.version"
        " for d in m.distributions()}))"
    )
    proc = run([python, "-c", code], capture_output=True, text=True)
    return json.loads(proc.stdout or "{}")


def odoo_pins() -> dict:
    """Odoo's exact pins that apply to its Python (markers evaluated there)."""
    code = (
        "import json, re, sys\n"
        "from pip._vendor.packaging.requirements import Requirement\n"
        "pins = {}\n"
        "for line in open(sys.argv[1]):\n"
        "    line = line.split('#')[0].strip()\n"
        "    if not line: continue\n"
        "    r = Requirement(line)\n"
        "    if r.marker and not r.marker.evaluate(): continue\n"
        "    spec = [s for s in r.specifier if s.operator == '==']\n"
        "    if spec: pins[r.name.lower()] = spec[0].version\n"
        "print(json.dumps(pins))\n"
    )
    proc = run(
        [ODOO_PYTHON, "-c", code, ODOO_SRC / "requirements.txt"],
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout or "{}")


BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


def ensure_browser() -> str | None:
    """Chromium and websocket-client, which Odoo's browser tours need (Odoo
    skips a tour, with a mere log line, when either is missing): install what
    is missing (Debian's chromium with apt-get, websocket-client with pip into
    Odoo's Python); return why they are still missing, or None."""
    if not any(shutil.which(name) for name in BROWSERS):
        if shutil.which("apt-get") and os.geteuid() == 0:
            say("installing Debian's chromium for the browser tours (apt-get)")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            apt = ["apt-get", "install", "-y", "-q", "chromium"]
            if run(apt, env=env, capture_output=True).returncode:
                run(["apt-get", "update", "-q"], env=env, capture_output=True)
                run(apt, env=env, capture_output=True)
        if not any(shutil.which(name) for name in BROWSERS):
            return (
                "no Chromium for the browser tours: install Debian's chromium "
                "(apt-get install chromium) or Google Chrome"
            )
    check = [ODOO_PYTHON, "-c", "import websocket"]
    if run(check, capture_output=True).returncode:
        say(f"installing websocket-client into {ODOO_PYTHON} for the browser tours")
        pip = [ODOO_PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        pip += ["websocket-client", "-c", ODOO_SRC / "requirements.txt"]
        run(pip, capture_output=True)
        if run(check, capture_output=True).returncode:
            return f"websocket-client is missing from {ODOO_PYTHON} and pip failed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(addons_dir: Path, db: str, *extra, command: str | None = None) -> list:
    return [
        ODOO_PYTHON,
        ODOO_SRC / "odoo-bin",
        *([command] if command else []),
        f"--addons-path={ODOO_SRC / 'addons'},{addons_dir}",
        "-d",
        db,
        f"--db_host={PGHOST}",
        f"--db_port={PGPORT}",
        f"--db_user={PGUSER}",
        f"--http-port={free_port()}",
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=info",
        "--max-cron-threads=0",
        *extra,
    ]


LOG_LINE = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) \S+ (\S+): (.*)$")


def own_problems(log: str) -> list[str]:
    """WARNING/ERROR lines caused by calendar_sync while installing or upgrading:
    logged by its loggers, naming it, or with a traceback that goes through it."""
    found = []
    lines = log.splitlines()
    for index, line in enumerate(lines):
        match = LOG_LINE.match(line)
        if not match:
            continue
        block = [line]
        for follow in lines[index + 1 :]:
            if re.match(r"^\d{4}-\d\d-\d\d ", follow):
                break
            block.append(follow)
        # not the database column: its name may well contain the addon's
        text = "\n".join([f"{match.group(2)}: {match.group(3)}", *block[1:]])
        if match.group(2).startswith(f"odoo.addons.{ADDON}") or ADDON in text:
            found.append(line)
    return found


def run_odoo_phase(
    name: str, cmd: list, log_path: Path, stdin: str | None = None
) -> tuple[int, str]:
    say(f"== Odoo: {name}")
    started = time.time()
    with open(log_path, "w") as log:
        proc = run(
            cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, input=stdin, text=True
        )
    text = log_path.read_text()
    say(f"   exit {proc.returncode} in {time.time() - started:.0f}s (log: {log_path})")
    return proc.returncode, text


def run_odoo_suite(test_tags: str) -> dict:
    result = {"ran": 0, "passed": 0, "failed": 0, "skipped": 0, "problems": []}
    error = install_requirements_into_odoo() or ensure_browser()
    if error:
        result["failed"] = 1
        result["problems"].append(error)
        say(error)
        return result
    db = f"calendar_sync_test_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="calendar_sync_addons_"))
    (tmp / ADDON).symlink_to(ROOT)
    try:
        result.update(_odoo_phases(tmp, db, test_tags))
    finally:
        drop_database(db)
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def drop_database(db: str) -> None:
    run(
        ["dropdb", "-h", PGHOST, "-p", PGPORT, "-U", PGUSER, "--if-exists", db],
        capture_output=True,
    )


def _odoo_phases(addons: Path, db: str, test_tags: str) -> dict:
    problems = []
    for phase, flag in (("install", "-i"), ("upgrade", "-u")):
        code, log = run_odoo_phase(
            f"{phase} {ADDON} on a fresh database {db}",
            odoo_cmd(addons, db, flag, ADDON),
            RESULTS / f"odoo-{phase}.log",
        )
        bad = own_problems(log)
        if code or bad:
            problems.append(
                f"{phase} of {ADDON}: exit {code}; {len(bad)} warning(s)/"
                "error(s) from it:\n  " + "\n  ".join(bad[:20])
            )
    problems += warm_assets(addons, db)
    warm_browser()
    # No -u: the modules are installed and upgraded above; this way the
    # post_install tests of every module the tags name run (ours, and a core
    # calendar tour that proves the browser works beside our header patch).
    code, log = run_odoo_phase(
        f"tests {test_tags}",
        odoo_cmd(addons, db, "--test-enable", f"--test-tags={test_tags}"),
        RESULTS / "odoo-tests.log",
    )
    counts = parse_odoo_results(log)
    code, log = retry_environment_flakes(addons, db, code, log, counts)
    skipped = ANY_SKIP.findall(log)
    if skipped:
        # a tour Odoo could not start (no Chromium, no websocket-client) is
        # skipped with a log line: here it is a failure
        problems.append(
            f"{len(skipped)} test(s) skipped, which counts as failed:\n  "
            + "\n  ".join(f"{where}: {why}" for where, why in skipped[:20])
        )
        counts["failed"] += len(skipped)
        counts["passed"] -= len(skipped)
        counts["skipped"] = len(skipped)
    if code and not counts["failed"]:
        counts["failed"] = 1
        problems.append(f"the Odoo test run exited with {code}")
    for line in log.splitlines():
        if re.search(r" (ERROR|CRITICAL) ", line) and not line.startswith(" "):
            say("   " + line[:300])
    counts["problems"] = problems
    counts["failed"] += len(problems) if not counts["failed"] else 0
    for problem in problems:
        say("PROBLEM: " + problem)
    return counts


#: The web client's bundles a tour's first page asks for at once.
WARMED_BUNDLES = ("web.assets_web", "web.assets_tests", "web.assets_frontend")

WARM_ASSETS_SCRIPT = f"""
for name in {WARMED_BUNDLES!r}:
    bundle = env["ir.qweb"]._get_asset_bundle(name, css=True, js=True)
    bundle.js()
    bundle.css()
env.cr.commit()
print("assets warmed")
"""


def warm_assets(addons: Path, db: str) -> list[str]:
    """Build the web client's bundles once, in one thread, before the tours.

    Otherwise the first tour's page makes the test server build them in
    several threads at once, and CPython 3.11's AST constructor is not safe
    for that (``SystemError: AST constructor recursion depth mismatch`` in
    ``ast.literal_eval``, a 500 on the bundle, a tour that never gets ready).
    The bundles are attachments of the database: the test run reuses them."""
    code, log = run_odoo_phase(
        "build the web client's assets before the tours",
        odoo_cmd(addons, db, command="shell"),
        RESULTS / "odoo-assets.log",
        stdin=WARM_ASSETS_SCRIPT,
    )
    if code or "assets warmed" not in log:
        return [f"building the web client's assets: exit {code} (odoo-assets.log)"]
    return []


def warm_browser() -> None:
    """Start Chromium once, headless, before the tours: its first start on a
    machine reads its files from disk and can outlast the 10 s Odoo gives it
    (a tour skipped with "Failed to detect chrome devtools port"). Never
    fails the command: a Chromium that hangs is killed with its children."""
    browser = next(filter(None, map(shutil.which, BROWSERS)), None)
    if not browser:
        return
    profile = tempfile.mkdtemp(prefix="calendar_sync_chromium_")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu"]
    cmd += ["--disable-dev-shm-usage", f"--user-data-dir={profile}"]
    cmd += ["--dump-dom", "about:blank"]
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            say("!! Chromium did not start within 120 s; the tours may be skipped")
            os.killpg(proc.pid, 9)
            proc.wait()
    except OSError as exc:
        say(f"!! Chromium could not be started before the tours: {exc}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


#: An error of the interpreter, not of any test: CPython 3.11 builds AST
#: objects with a state shared between threads (python/cpython#106905).
INTERPRETER_FLAKES = ("AST constructor recursion depth mismatch",)
#: Odoo skips a tour when Chromium has not opened its DevTools port within
#: 10 s (``odoo.tests.common.BROWSER_WAIT``): on a loaded machine its first
#: start can take longer. Not a test's failure: its test runs again.
BROWSER_FLAKES = ("Failed to detect chrome devtools port",)
FAILED_TEST = re.compile(
    r" (?:ERROR|CRITICAL) \S+ odoo\.addons\.(\w+)\.tests\.\S+: "
    r"(?:FAIL|ERROR): (\w+)\.(\w+)$",
    re.MULTILINE,
)
#: Any test Odoo skipped (a class too), with a mere log line.
ANY_SKIP = re.compile(r" INFO \S+ (\S+): skipped (.*)$", re.MULTILINE)
SKIPPED_TEST = re.compile(
    r" INFO \S+ odoo\.addons\.(\w+)\.tests\.\S+: skipped (\w+)\.(\w+) : (.*)$",
    re.MULTILINE,
)


def environment_flakes(log: str, counts: dict) -> list[str]:
    """The tests to run again: those a flake of the machine broke, and only
    when nothing else failed or was skipped (a real failure is never retried)."""
    browser = [
        f"/{m}:{c}.{t}"
        for m, c, t, why in SKIPPED_TEST.findall(log)
        if any(flake in why for flake in BROWSER_FLAKES)
    ]
    if len(browser) != len(ANY_SKIP.findall(log)):
        return []
    failed = [f"/{m}:{c}.{t}" for m, c, t in FAILED_TEST.findall(log)]
    if failed and not any(flake in log for flake in INTERPRETER_FLAKES):
        return []
    if counts["failed"] != len(set(failed)):
        return []
    tests = sorted(set(failed) | set(browser))
    return tests if 0 < len(tests) <= 3 else []


def retry_environment_flakes(
    addons: Path, db: str, code: int, log: str, counts: dict
) -> tuple[int, str]:
    """Run again, once, the tests a flake of the machine broke (the
    interpreter's own bug, :data:`INTERPRETER_FLAKES`, or a browser too slow
    to start, :data:`BROWSER_FLAKES`); said loudly, counted by the rerun.

    The log returned is the rerun's, with the first run's lines of those
    tests dropped, so that a skip the rerun does not repeat is not counted."""
    tests = environment_flakes(log, counts)
    if not tests:
        return code, log
    say(f"!! the machine broke {tests} (not the tests); running them again, once")
    rerun_code, rerun_log = run_odoo_phase(
        "the tests a flake of the machine broke, once more",
        odoo_cmd(addons, db, "--test-enable", f"--test-tags={','.join(tests)}"),
        RESULTS / "odoo-tests-rerun.log",
    )
    rerun = parse_odoo_results(rerun_log)
    if rerun["ran"] != len(tests):
        say(
            f"!! the rerun ran {rerun['ran']} of {len(tests)} test(s); "
            "the first run counts"
        )
        return code, log
    counts["failed"] = rerun["failed"]
    counts["passed"] = counts["ran"] - rerun["failed"]
    counts["retried"] = tests
    say(f"!! rerun of {tests}: {rerun['failed']} failed of {rerun['ran']}")
    first = "\n".join(
        line
        for line in log.splitlines()
        if not (SKIPPED_TEST.search(line) or FAILED_TEST.search(line))
    )
    return (0 if rerun_code == 0 else code or rerun_code), first + "\n" + rerun_log


def parse_odoo_results(log: str) -> dict:
    ran = failed = 0
    for match in re.finditer(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", log):
        failed += int(match.group(1)) + int(match.group(2))
        ran += int(match.group(3))
    return {"ran": ran, "passed": ran - failed, "failed": failed, "skipped": 0}
