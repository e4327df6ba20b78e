"""Check keyaudit(1) against the program: every option of the code's
table is in the manual; each command's --help lists exactly the options
its section of the manual lists; and the program accepts exactly those
for each command, refusing the others with "CMD does not take OPT".

usage: manual_options.py KEYAUDIT doc/keyaudit.1 analyzer/options.c
"""
import re
import subprocess
import sys

KEYAUDIT, MANUAL, SOURCE = sys.argv[1:4]
errors = []

# the manual: .Ss COMMAND, then ".It Fl \-name Ar value" items
sections = {}
section = None
for line in open(MANUAL, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith(".Sh "):
        section = None
    elif line.startswith(".Ss "):
        section = line[4:]
        sections[section] = {}
    elif section and line.startswith(".It Fl "):
        # ".It Fl j Ar n , Fl \-jobs Ar n": one item, maybe two spellings
        for part in line[4:].split(" , "):
            m = re.match(r"Fl (\\-)?([A-Za-z][a-z-]*)(?: (Ar|Cm) (\S+))?", part)
            if not m:
                continue
            name = ("--" if m.group(1) else "-") + m.group(2)
            sections[section][name] = m.group(4)
common = sections.pop("Common options", {})
alone = sections.pop("Without a command", {})
# keyaudit config [COMMAND] [OPTIONS] takes the options of COMMAND
config_cmd = sections.pop("config", None)
commands = {name: {**opts, **common} for name, opts in sections.items()}
if len(commands) < 8:
    errors.append(f"only {len(commands)} command sections in the manual")
overview = subprocess.run([KEYAUDIT, "--help"], capture_output=True,
                          text=True).stdout
listed_cmds = set(re.findall(r"^  ([a-z]+(?: [a-z]+)?)  ",
                             overview.split("commands:")[1].split("\n\n")[0],
                             re.M))
if config_cmd is None:
    errors.append("command config has no section in keyaudit(1)")
for c in sorted(listed_cmds - set(commands) - {"config"}):
    errors.append(f"command {c} has no section in keyaudit(1)")
documented = set(alone)
for opts in commands.values():
    documented |= set(opts)

# the code: the long names of the option table's rows
src = open(SOURCE, encoding="utf-8").read()
table = src[src.index("options_table[] = {"):]
table = table[:table.index("{NULL, 0, 0, 0, NULL, NULL, 0}")]
code = {"--" + n for n in re.findall(r'^\s+\{"([a-z-]+)",', table, re.M)}
if len(code) < 20:
    errors.append(f"only {len(code)} options found in the code's table")
for name in sorted(code - documented):
    errors.append(f"{name} is in the code but not in keyaudit(1)")

# a value the option accepts, by the manual's name for it
VALUES = {"day": "2026-01-01", "days": "7", "n": "2", "seconds": "1",
          "pct": "1", "fmt": "combined", "csv": "csv",
          "c": ",", "spec": "2026-10-01 10:00-11:00"}


def run(*args):
    return subprocess.run([KEYAUDIT, *args], capture_output=True, text=True)


every = set(code)
for opts in commands.values():
    every |= set(opts)
for cmd, opts in sorted(commands.items()):
    words = cmd.split()
    usage = run(*words, "--help")
    if usage.returncode != 0:
        errors.append(f"{cmd} --help: exit {usage.returncode}")
    listed = set(re.findall(r"^  (?:-[a-zA-Z], )?(--[a-z-]+)", usage.stdout,
                            re.M))
    want = {o for o in opts if o.startswith("--")}
    for o in sorted(want - listed):
        errors.append(f"{cmd} --help does not list {o}")
    for o in sorted(listed - want):
        errors.append(f"{cmd} --help lists {o}, not in its manual section")
    for o in sorted(every | set(alone)):
        value = opts.get(o)
        if o not in opts:
            # a value, in case the option takes one somewhere
            value = "x"
        args = [*words, o] + ([VALUES.get(value.lower(), "x")] if value
                              else []) + ["--help"]
        p = run(*args)
        refused = f"keyaudit: {cmd} does not take {o}"
        if o in opts and p.returncode != 0:
            errors.append(f"{' '.join(args)}: exit {p.returncode}, "
                          f"{p.stderr.strip()}")
        if o not in opts and (p.returncode != 2 or
                              refused not in p.stderr):
            errors.append(f"{' '.join(args)}: not refused as "
                          f"'{refused}' (exit {p.returncode}: "
                          f"{p.stderr.strip()[:80]})")

for e in errors:
    print(e)
print(f"{len(commands)} commands, {len(code)} options in the code, "
      f"{len(errors)} problems")
sys.exit(1 if errors else 0)
