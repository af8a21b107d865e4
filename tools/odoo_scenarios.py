"""The tests of ``./run-tests`` that run on databases of their own, after
the Odoo suite: the migration test (a database synced with the previous
version, upgraded: ``tests_migration/``), the takeover test (databases synced
by Odoo's own google_calendar/microsoft_calendar, taken over:
``tests_takeover/``) and the queue_job test (the background runs as
queue_job jobs). Each returns its counts for the summary.

Not a test module and not part of the addon: ``./run-tests`` puts ``tools/``
on ``sys.path``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from odoo_suite import (
    ADDON,
    ODOO_PYTHON,
    ODOO_SRC,
    RESULTS,
    ROOT,
    drop_database,
    odoo_cmd,
    own_problems,
    parse_odoo_results,
    run,
    run_odoo_phase,
    say,
)

# --------------------------------------------------------------------------- migration
MIGRATION = ROOT / "tests_migration"
#: The version an upgrade is tested from (the last commit of this series).
PREVIOUS_SERIES = "18.0.1."


def git(*args) -> subprocess.CompletedProcess:
    return run(["git", *args], cwd=ROOT, capture_output=True)


def manifest_version(commit: str) -> str | None:
    proc = git("show", f"{commit}:__manifest__.py")
    match = re.search(rb"[\"']version[\"']\s*:\s*[\"']([^\"']+)", proc.stdout)
    return match.group(1).decode() if proc.returncode == 0 and match else None


def previous_version_commit() -> tuple[str | None, str]:
    """The last commit whose manifest says PREVIOUS_SERIES (the parent of the
    commit that moved the version on), and a description; (None, why not)."""
    shallow = git("rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
    log = git("log", "--format=%H", "HEAD", "--", "__manifest__.py")
    if log.returncode:
        return None, "git log failed: " + log.stderr.decode(errors="replace")
    newer = None  # the commit that changed the manifest after the one at hand
    for commit in log.stdout.decode().split():
        version = manifest_version(commit)
        if version and version.startswith(PREVIOUS_SERIES):
            if newer is None:
                return None, f"HEAD is still {version}: there is no upgrade to test"
            parent = git("rev-parse", "--verify", "-q", f"{newer}^1^{{commit}}")
            if parent.returncode:
                break
            found = parent.stdout.decode().strip()
            return found, f"{found[:9]} ({version}, parent of {newer[:9]})"
        newer = commit
    why = f"no commit with a {PREVIOUS_SERIES}x manifest in the history of HEAD"
    if shallow:
        why += (
            " (the checkout is shallow: run `git fetch --unshallow` to give the "
            "migration test the previous version)"
        )
    return None, why


def export_commit(commit: str, target: Path) -> None:
    """The addon as it was at ``commit`` (git archive), into ``target``."""
    archive = git("archive", "--format=tar", commit)
    if archive.returncode:
        raise RuntimeError(archive.stderr.decode(errors="replace"))
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


def odoo_shell_script(module: str, *args) -> str:
    """What ``odoo-bin shell`` runs: ``tests_migration/<module>.main(env, *args)``."""
    return (
        f"import sys\nsys.path.insert(0, {str(MIGRATION)!r})\n"
        f"import {module}\n{module}.main(env, *{[str(a) for a in args]!r})\n"
    )


def run_migration_test() -> dict:
    """Upgrade a database synced with the previous version (the migration
    test): one test per check, failures named."""
    result = {"passed": 0, "failed": 0, "skipped": 0, "problems": []}
    say("== Odoo: upgrade from 18.0.1 (migration test)")
    started = time.time()
    commit, about = previous_version_commit()
    if not commit:
        say(
            "#" * 78 + f"\n# MIGRATION TEST FAILED: {about}\n"
            "# It needs the previous version from git history.\n" + "#" * 78
        )
        result["failed"] = 1
        result["problems"].append(f"previous version not found: {about}")
        return result
    say(f"   previous version: {about}")
    db = f"calendar_sync_migration_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="calendar_sync_migration_"))
    out = RESULTS / "migration"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    host = None
    checks = []
    try:
        export_commit(commit, tmp / "old" / ADDON)
        (tmp / "new").mkdir()
        (tmp / "new" / ADDON).symlink_to(ROOT)
        # one emulator instance for both versions: its state survives the upgrade
        host = start_emulator_host(MIGRATION / "emulator_host.py")
        control = json.loads(host.stdout.readline())["control"]
        checks = _migration_phases(tmp, db, control, out, commit)
    except Exception as exc:  # noqa: BLE001 - reported as a failed test
        checks.append(
            {"name": "migration test harness", "ok": False, "detail": repr(exc)}
        )
    finally:
        stop_emulator_host(host)
        drop_database(db)
        shutil.rmtree(tmp, ignore_errors=True)
    return count_checks(result, checks, out, "migration test", started)


def start_emulator_host(script: Path) -> subprocess.Popen:
    """The emulator host ``script`` started in Odoo's Python (its first line
    says where its control endpoint is)."""
    return subprocess.Popen(
        [ODOO_PYTHON, script, "--emulators", ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def stop_emulator_host(host: subprocess.Popen | None) -> None:
    """Stop the emulator host (its stdin closed), killed after 10 s."""
    if host:
        host.stdin.close()
        try:
            host.wait(timeout=10)
        except subprocess.TimeoutExpired:
            host.kill()


def count_checks(
    result: dict, checks: list, out: Path, label: str, started: float
) -> dict:
    """``checks`` written to ``out``/checks.json, said, and counted into
    ``result`` (one test per check, failures named)."""
    (out / "checks.json").write_text(json.dumps(checks, indent=1) + "\n")
    for check in checks:
        if check["ok"]:
            result["passed"] += 1
            say(f"   ok   {check['name']}")
        else:
            result["failed"] += 1
            result["problems"].append(f"{check['name']}: {check.get('detail')}")
            say(f"   FAIL {check['name']}\n        {check.get('detail')}")
    say(f"   {label}: {time.time() - started:.0f}s (details: {out})")
    return result


def _migration_phases(tmp: Path, db: str, control: str, out: Path, commit: str):
    checks = []

    def check(name: str, ok: bool, detail: str = "") -> bool:
        checks.append({"name": name, "ok": bool(ok), "detail": detail})
        return bool(ok)

    old, new = tmp / "old", tmp / "new"
    code, _log = run_odoo_phase(
        f"install {ADDON} at {commit[:9]} on a fresh database {db}",
        odoo_cmd(old, db, "-i", ADDON),
        out / "install-previous.log",
    )
    if not check("the previous version installs", code == 0, f"exit {code}"):
        return checks
    state = out / "before-upgrade.json"
    code, log = run_odoo_phase(
        "previous version: users, events on both sides, synced until settled",
        odoo_cmd(old, db, command="shell"),
        out / "scenario-previous.log",
        stdin=odoo_shell_script("old_scenario", control, state),
    )
    if not check(
        "the previous version syncs the scenario until nothing moves",
        code == 0 and state.exists(),
        f"exit {code}: " + log[-1500:],
    ):
        return checks
    code, log = run_odoo_phase(
        f"upgrade {ADDON} to this tree",
        odoo_cmd(new, db, "-u", ADDON),
        out / "upgrade.log",
    )
    bad = own_problems(log)
    if not check(
        "the upgrade runs without a warning or error of calendar_sync",
        code == 0 and not bad,
        f"exit {code}; " + "\n".join(bad[:10]),
    ):
        return checks
    results = out / "after-upgrade.json"
    code, log = run_odoo_phase(
        "upgraded: bindings, then the new engine syncs both sides",
        odoo_cmd(new, db, command="shell"),
        out / "verify-upgraded.log",
        stdin=odoo_shell_script("upgraded_checks", control, state, results),
    )
    if results.exists():
        checks += json.loads(results.read_text())
    check("the checks of the upgraded database ran", code == 0, f"exit {code}")
    return checks


# --------------------------------------------------------------------------- takeover
TAKEOVER = ROOT / "tests_takeover"
#: The takeover test's databases: (path, the modules installed before
#: calendar_sync). "uninstalled": Odoo's modules are uninstalled before
#: calendar_sync is installed; "kept": a module of the test
#: (tests_takeover/addons/) needs google_calendar, which then stays installed.
TAKEOVER_PATHS = (
    ("installed", "google_calendar,microsoft_calendar"),
    ("uninstalled", "google_calendar,microsoft_calendar"),
    ("google-only", "google_calendar"),
    ("outlook-only", "microsoft_calendar"),
    ("kept", "google_calendar,microsoft_calendar,calendar_sync_takeover_dependent"),
)
TAKEOVER_ADDONS = TAKEOVER / "addons"


def takeover_shell_script(module: str, *args) -> str:
    """What ``odoo-bin shell`` runs: ``tests_takeover/<module>.main(env, *args)``
    (the emulator host's client comes from tests_migration/)."""
    return (
        f"import sys\nsys.path[:0] = [{str(TAKEOVER)!r}, {str(MIGRATION)!r}]\n"
        f"import {module}\n{module}.main(env, *{[str(a) for a in args]!r})\n"
    )


# --------------------------------------------------------------------------- queue_job
#: OCA's queue_job, from PyPI, for the queue_job test (never a dependency of
#: the addon: the background runs use it when it is installed).
QUEUE_JOB = "odoo-addon-queue_job==18.0.4.1.2.2"
QUEUE_JOB_TAGS = "calendar_sync_queue_job"


def queue_job_addons() -> tuple[Path | None, str]:
    """The folder that holds queue_job in Odoo's Python (its wheel installed
    with --no-deps when missing: Odoo is a source tree here), or (None, why
    not)."""
    code = (
        "import importlib.metadata as m\n"
        "print(m.distribution('odoo-addon-queue_job').locate_file('odoo/addons'))\n"
    )
    proc = run([ODOO_PYTHON, "-c", code], capture_output=True, text=True)
    if proc.returncode:
        say(f"installing {QUEUE_JOB} into {ODOO_PYTHON} (--no-deps)")
        pip = [ODOO_PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        install = run([*pip, "--no-deps", QUEUE_JOB], capture_output=True, text=True)
        if install.returncode:
            return None, f"pip could not install {QUEUE_JOB}:\n{install.stderr}"
        proc = run([ODOO_PYTHON, "-c", code], capture_output=True, text=True)
    folder = Path(proc.stdout.strip()) if proc.returncode == 0 else None
    if not folder or not (folder / "queue_job" / "__manifest__.py").exists():
        return None, f"queue_job is not where its wheel says ({folder})"
    return folder, str(folder / "queue_job")


def run_queue_job_test() -> dict:
    """The background runs as queue_job jobs: calendar_sync and queue_job
    installed on a throwaway database, the tests tagged QUEUE_JOB_TAGS."""
    result = {"ran": 0, "passed": 0, "failed": 0, "skipped": 0, "problems": []}
    folder, about = queue_job_addons()
    if folder is None:
        say(
            "#" * 78 + f"\n# QUEUE_JOB TEST SKIPPED: {about}\n"
            "# The background runs were NOT tested with queue_job.\n" + "#" * 78
        )
        result["skipped"] = 1
        result["problems"].append(f"skipped: {about}")
        return result
    db = f"calendar_sync_queue_job_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="calendar_sync_addons_"))
    (tmp / ADDON).symlink_to(ROOT)
    try:
        cmd = odoo_cmd(tmp, db, "-i", f"{ADDON},queue_job", "--test-enable")
        cmd = [
            f"--addons-path={ODOO_SRC / 'addons'},{tmp},{folder}"
            if str(arg).startswith("--addons-path=")
            else arg
            for arg in cmd
        ]
        code, log = run_odoo_phase(
            f"queue_job: {ADDON} and queue_job ({about}), tests {QUEUE_JOB_TAGS}",
            [*cmd, f"--test-tags={QUEUE_JOB_TAGS}"],
            RESULTS / "odoo-queue-job.log",
        )
    finally:
        drop_database(db)
        shutil.rmtree(tmp, ignore_errors=True)
    result.update(parse_odoo_results(log))
    if not result["ran"]:
        result["failed"] += 1
        result["problems"].append("the queue_job phase ran no test")
    elif code and not result["failed"]:
        result["failed"] = 1
        result["problems"].append(f"the queue_job phase exited with {code}")
    for problem in result["problems"]:
        say("PROBLEM: " + problem)
    return result


def run_takeover_test() -> dict:
    """Take over a database synced by Odoo's own Google and Outlook modules
    (the takeover test): one test per check, failures named."""
    result = {"passed": 0, "failed": 0, "skipped": 0, "problems": []}
    say("== Odoo: takeover from Odoo's google_calendar and/or microsoft_calendar")
    started = time.time()
    out = RESULTS / "takeover"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="calendar_sync_takeover_"))
    (tmp / ADDON).symlink_to(ROOT)
    for manifest in TAKEOVER_ADDONS.glob("*/__manifest__.py"):
        (tmp / manifest.parent.name).symlink_to(manifest.parent)
    checks = []
    for path, modules in TAKEOVER_PATHS:
        db = f"calendar_sync_takeover_{path.replace('-', '_')}_{os.getpid()}"
        host = None
        try:
            # emulators of their own per path: what one path pushed is not
            # in the other's calendars
            host = start_emulator_host(TAKEOVER / "takeover_host.py")
            control = json.loads(host.stdout.readline())["control"]
            checks += _takeover_phases(tmp, db, control, out / path, path, modules)
        except Exception as exc:  # noqa: BLE001 - reported as a failed test
            checks.append(
                {
                    "name": f"{path}: takeover test harness",
                    "ok": False,
                    "detail": repr(exc),
                }
            )
        finally:
            stop_emulator_host(host)
            drop_database(db)
    shutil.rmtree(tmp, ignore_errors=True)
    return count_checks(result, checks, out, "takeover test", started)


def _takeover_phases(
    addons: Path, db: str, control: str, out: Path, path: str, modules: str
):
    """``path`` "uninstalled": Odoo's ``modules`` are uninstalled first
    (their links are gone) and calendar_sync's first syncs re-bind; any other:
    calendar_sync is installed beside them and takes them over."""
    out.mkdir(parents=True)
    checks = []

    def check(name: str, ok: bool, detail: str = "") -> bool:
        checks.append({"name": f"{path}: {name}", "ok": bool(ok), "detail": detail})
        return bool(ok)

    code, _log = run_odoo_phase(
        f"install {modules} on a fresh database {db}",
        odoo_cmd(addons, db, "-i", modules),
        out / "install-odoo-modules.log",
    )
    if not check(f"{modules.replace(',', ', ')} install", code == 0):
        return checks
    state = out / "before.json"
    code, log = run_odoo_phase(
        "Odoo's modules: users, events on both sides, synced until settled",
        odoo_cmd(addons, db, command="shell"),
        out / "scenario-odoo-modules.log",
        stdin=takeover_shell_script("odoo_scenario", control, state),
    )
    if not check(
        "Odoo's own modules sync the scenario with the emulators",
        code == 0 and state.exists(),
        f"exit {code}: " + log[-1500:],
    ):
        return checks
    if path == "uninstalled":
        code, log = run_odoo_phase(
            "uninstall Odoo's modules (their columns are dropped)",
            odoo_cmd(addons, db, command="shell"),
            out / "uninstall-odoo-modules.log",
            stdin=takeover_shell_script("uninstall_odoo_modules"),
        )
        if not check(
            "Odoo's modules uninstall", code == 0, f"exit {code}: " + log[-1500:]
        ):
            return checks
    code, log = run_odoo_phase(
        f"install {ADDON} on the database synced by Odoo's modules",
        odoo_cmd(addons, db, "-i", ADDON),
        out / "install.log",
    )
    bad = own_problems(log)
    if not check(
        f"{ADDON} installs without a warning or error of its own",
        code == 0 and not bad,
        f"exit {code}; " + "\n".join(bad[:10]),
    ):
        return checks
    results = out / "after.json"
    code, log = run_odoo_phase(
        "taken over: accounts, bindings, then calendar_sync syncs both sides",
        odoo_cmd(addons, db, command="shell"),
        out / "checks.log",
        stdin=takeover_shell_script("takeover_checks", control, state, results, path),
    )
    if results.exists():
        checks += [
            {**item, "name": f"{path}: {item['name']}"}
            for item in json.loads(results.read_text())
        ]
    check("the checks of the taken-over database ran", code == 0, f"exit {code}")
    return checks
